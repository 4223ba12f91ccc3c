"""Lending and deal contracts refuse incoherent terms and travel on the right topics."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from pydantic import ValidationError

from matching.lending.mandates import Mandate
from matching.matching.matcher import explain
from schemas.catalog import TOPIC_OF_EVENT, model_for
from schemas.deals import DealMatched, DealProject
from schemas.lending import ConcentrationLimits, LenderRegistered, LenderSpec, MandateSpec
from schemas.topics import DEALS, MANDATES
from tests.support.matching_samples import example_mandate, example_project, example_spec

pytestmark = pytest.mark.unit

NOW = datetime(2025, 6, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"ticket_min_cny": Decimal("20000000.00")}, "ticket_min_cny must not exceed"),
        ({"ticket_max_cny": Decimal("40000000.00")}, "ticket_max_cny must not exceed capacity"),
        (
            {"limits": ConcentrationLimits(per_city_cny=Decimal("500000.00"))},
            "limits.per_city_cny must lie between",
        ),
        (
            {"limits": ConcentrationLimits(per_family_cny=Decimal("90000000.00"))},
            "limits.per_family_cny must lie between",
        ),
        ({"focus_cities": ["zhuzhou"]}, "focus_cities must be among cities"),
        ({"instruments": ["green_loan", "green_loan"]}, "instruments must not repeat"),
        ({"cities": []}, "at least 1 item"),
        ({"min_score": 101}, "less than or equal to 100"),
        ({"ticket_min_cny": Decimal("1.001")}, "decimal places"),
        ({"capacity_cny": float("nan")}, "finite number|allow_inf_nan|Input should be"),
        ({"unknown": 1}, "Extra inputs are not permitted"),
    ],
)
def test_incoherent_mandate_terms_are_refused_with_the_reason(
    changes: dict[str, object], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        example_spec(**changes)


def test_every_lending_and_deal_event_is_keyed_by_lender() -> None:
    for event_type, topic in [
        ("lender.registered.v1", MANDATES),
        ("mandate.registered.v1", MANDATES),
        ("mandate.updated.v1", MANDATES),
        ("mandate.closed.v1", MANDATES),
        ("deal.matched.v1", DEALS),
        ("deal.withdrawn.v1", DEALS),
        ("deal.responded.v1", DEALS),
    ]:
        assert TOPIC_OF_EVENT[event_type] == topic
        assert topic.key in model_for(event_type).model_fields


def test_mandate_versions_are_full_snapshots_that_rebuild_the_entity() -> None:
    mandate, registered = Mandate.register(example_spec(), lender_id=uuid.uuid4(), at=NOW)
    updated = mandate.update(example_spec(min_score=70.0), at=NOW, expected_version=1)
    assert (registered.version, updated.version) == (1, 2)
    assert updated.min_score == 70.0 and updated.lender_id == mandate.lender_id
    again = Mandate.from_version(updated)
    assert again.spec == mandate.spec and again.version == 2
    closed = mandate.close(reason="fully deployed", at=NOW)
    assert closed.subject() == str(mandate.mandate_id) and mandate.closed


def test_a_stale_mandate_edit_is_refused() -> None:
    mandate = example_mandate()
    mandate.update(example_spec(min_score=60.0), at=NOW)
    with pytest.raises(Exception, match="at version 2, the change was made to 1"):
        mandate.update(example_spec(min_score=65.0), at=NOW, expected_version=1)


def test_deal_events_carry_no_enterprise_contact_data() -> None:
    fields = set(DealMatched.model_fields) | set(DealProject.model_fields)
    assert not {"contact_name", "contact_email", "credit_code"} & fields
    constraints = [c.name for c in explain(example_project(), example_mandate()).constraints]
    assert constraints[:3] == ["open", "family", "city"]


def test_a_lender_registers_with_a_kind_and_city() -> None:
    event = LenderRegistered(
        **LenderSpec(name="长沙银行", kind="bank", city="changsha").model_dump(),
        lender_id=uuid.uuid4(),
        registered_at=NOW,
    )
    assert event.subject() == str(event.lender_id)
    with pytest.raises(ValidationError):
        LenderSpec(name="x", kind="insurer", city="changsha")
    assert MandateSpec.model_fields["families"].is_required()
