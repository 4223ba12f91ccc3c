"""The demo lenders cover Hunan's lender kinds and a spread of mandate terms."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from matching.lending.mandates import Mandate
from schemas.lending import LenderRegistered, MandateRegistered
from schemas.vocabulary import Instrument
from seeds.lenders import LenderSeed, load_lender_seeds

pytestmark = pytest.mark.unit


def seed_events(
    seeds: list[LenderSeed], *, at: datetime
) -> list[LenderRegistered | MandateRegistered]:
    """The registration events that loading the seeds publishes, lenders before mandates."""
    events: list[LenderRegistered | MandateRegistered] = []
    for lender in seeds:
        events.append(
            LenderRegistered(
                **lender.spec().model_dump(), lender_id=lender.lender_id, registered_at=at
            )
        )
        for seed in lender.mandates:
            _, registered = Mandate.register(
                seed.spec(), lender_id=lender.lender_id, at=at, mandate_id=seed.mandate_id
            )
            events.append(registered)
    return events


def test_the_seeds_hold_at_least_fifteen_lenders_of_every_kind() -> None:
    lenders = load_lender_seeds()
    assert len(lenders) >= 15
    assert {lender.kind for lender in lenders} == {"bank", "green_fund", "leasing", "guarantee"}
    assert all(1 <= len(lender.mandates) <= 3 for lender in lenders)


def test_the_seed_mandates_spread_over_instruments_families_cities_and_sizes() -> None:
    mandates = [m for lender in load_lender_seeds() for m in lender.mandates]
    assert {i for m in mandates for i in m.instruments} == set(Instrument)  # pledge loans too
    assert len({f for m in mandates for f in m.families}) == 10
    assert len({c for m in mandates for c in m.cities}) == 14
    assert len({m.ticket_min_cny for m in mandates}) >= 8
    assert len({m.min_score for m in mandates}) >= 5
    assert len({m.capacity_cny for m in mandates}) >= 8


def test_seed_ids_are_fixed_and_unique_so_loading_twice_changes_nothing() -> None:
    first, again = load_lender_seeds(), load_lender_seeds()
    ids = [m.mandate_id for lender in first for m in lender.mandates]
    ids += [lender.lender_id for lender in first]
    assert len(ids) == len(set(ids))
    assert first == again


def test_loading_the_seeds_publishes_lenders_then_their_mandates() -> None:
    lenders = load_lender_seeds()
    events = seed_events(lenders, at=datetime(2025, 1, 1, tzinfo=UTC))
    assert isinstance(events[0], LenderRegistered)
    registered = [e for e in events if isinstance(e, MandateRegistered)]
    assert len(registered) == sum(len(lender.mandates) for lender in lenders)
    assert all(e.version == 1 for e in registered)
