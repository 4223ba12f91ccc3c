"""A changed project or mandate replaces open deals but never an offer already made."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from matching.lending.deals import DealState
from matching.matching.matcher import MandateBook
from matching.matching.rematch import reconcile, withdraw_all
from schemas.deals import Offer
from schemas.vocabulary import Instrument
from tests.support.matching_samples import deal_of, example_mandate, example_project, example_spec

pytestmark = pytest.mark.unit

NOW = datetime(2025, 6, 1, tzinfo=UTC)


def test_a_new_project_version_replaces_its_open_deal() -> None:
    mandate, project = example_mandate(), example_project()
    old = deal_of(MandateBook([mandate]).match([project])[0])
    newer = replace(project, project_version=2)
    result = reconcile([old], MandateBook([mandate]).match([newer]), at=NOW)
    assert [m.project.project_version for m in result.opened] == [2]
    assert [w.deal_id for w in result.withdrawn] == [old.deal_id]
    assert "project updated to version 2" in result.withdrawn[0].reason
    assert old.state == DealState.WITHDRAWN


def test_a_mandate_update_that_excludes_the_project_withdraws_its_deal() -> None:
    mandate, project = example_mandate(), example_project()
    old = deal_of(MandateBook([mandate]).match([project])[0])
    mandate.update(example_spec(min_score=90.0), at=NOW)
    result = reconcile([old], MandateBook([mandate]).match([project]), at=NOW)
    assert result.opened == ()
    assert "no longer meets mandate version 1" in result.withdrawn[0].reason


def test_an_offered_deal_stands_and_blocks_a_duplicate_for_the_same_pair() -> None:
    mandate, project = example_mandate(), example_project()
    old = deal_of(MandateBook([mandate]).match([project])[0])
    old.state = DealState.OFFERED
    old.offer = Offer(
        instrument=Instrument.GREEN_LOAN,
        amount_cny=Decimal("5000000.00"),
        rate_percent=Decimal("3"),
        tenor_months=60,
    )
    mandate.update(example_spec(name="renamed"), at=NOW)
    result = reconcile([old], MandateBook([mandate]).match([project]), at=NOW)
    assert result.opened == () and result.withdrawn == ()
    assert old.state == DealState.OFFERED


def test_withdrawing_everything_skips_final_deals_and_can_keep_offers() -> None:
    mandate = example_mandate()
    deals = [deal_of(m) for m in MandateBook([mandate]).match([example_project() for _ in "abc"])]
    deals[0].state, deals[1].state = DealState.DECLINED, DealState.OFFERED
    kept = withdraw_all(deals, "mandate at capacity", at=NOW, keep_committed=True)
    assert [w.deal_id for w in kept] == [deals[2].deal_id]
    gone = withdraw_all(deals, "mandate closed", at=NOW)
    assert [w.deal_id for w in gone] == [deals[1].deal_id]
