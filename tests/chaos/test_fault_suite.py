"""The fault suite at a small size: one fault at a time, nothing lost, nothing doubled, the
audit ledger whole and verifying."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.chaos.suite import FAULTS, run_suite, table

pytestmark = [pytest.mark.chaos, pytest.mark.timeout(2400)]
SIZE = 100  # `make chaos` runs 20,000 per fault (CHAOS_SIZE, up to 100,000)


async def test_every_fault_loses_and_doubles_nothing(jwks_path: Path) -> None:
    outcomes = await run_suite(SIZE, str(jwks_path), FAULTS)

    assert [o.fault for o in outcomes] == list(FAULTS)
    assert all(o.accepted == SIZE for o in outcomes), table(outcomes)
    assert [(o.fault, o.lost, o.duplicated, o.ledger_ok) for o in outcomes] == [
        (o.fault, 0, 0, True) for o in outcomes
    ], [(o.fault, o.detail) for o in outcomes]
