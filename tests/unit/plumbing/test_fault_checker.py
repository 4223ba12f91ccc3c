"""The fault suite's checker judges the audit ledger too: an event missing from it is lost, an
event sealed twice is doubled, and a ledger that does not verify fails the fault."""

from __future__ import annotations

import uuid

from tests.chaos.suite import EndState, Outcome, judge

P = uuid.uuid4()


def _state(**ledger: int) -> EndState:
    return EndState({P}, {P: 1}, set(), {}, {}, **ledger)


def test_an_event_the_ledger_lacks_counts_as_lost():
    lost, duplicated, detail = judge(1, _state(published=3, unsealed=2))
    assert (lost, duplicated, detail["unsealed events"]) == (2, 0, 2)


def test_an_event_sealed_twice_counts_as_duplicated():
    lost, duplicated, detail = judge(1, _state(published=3, sealed_twice=1))
    assert (lost, duplicated, detail["events sealed twice"]) == (0, 1, 1)


def test_a_ledger_that_does_not_verify_fails_the_fault():
    broken = Outcome("f", 1, 0, 0, 1.0, 1.0, ledger_ok=False)
    whole = Outcome("f", 1, 0, 0, 1.0, 1.0, ledger_ok=True)
    assert (broken.sound, whole.sound) == (False, True)
    assert "BROKEN" in broken.row()
