"""A scored project becomes matching facts and a feed event without losing or leaking data."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from matching.matching.matcher import MandateBook
from matching.matching.scored import deal_matched, deal_project, facts_from_scored, is_rejected
from schemas.carbon_assets import ExpectedIssuance, VintageIssuance
from schemas.deals import DealMatched, DealProject
from schemas.envelope import Envelope
from schemas.scoring import (
    CarbonReductionField,
    Flag,
    FlagSeverity,
    IcmaCategory,
    ProjectScored,
    ScoreComponents,
    Taxonomy,
)
from schemas.vocabulary import Instrument
from tests.support.matching_samples import example_mandate, example_project, example_spec

pytestmark = pytest.mark.unit

NOW = datetime(2025, 6, 1, tzinfo=UTC)


def scored_event(**changes: object) -> ProjectScored:
    project = example_project()
    fields: dict[str, object] = {
        "project_id": project.project_id,
        "enterprise_id": project.enterprise_id,
        "project_version": 1,
        "project_name": "望城区屋顶光伏一期",
        "type": "solar_pv",
        "family": project.family,
        "city": project.city,
        "instruments": tuple(project.instruments),
        "financing_need_cny": project.financing_need_cny,
        "capex_cny": project.capex_cny,
        "tenor_months": project.tenor_months,
        "lifetime_years": 25,
        "high_energy_high_emission": False,
        "annual_tco2e": project.annual_tco2e,
        "lifetime_tco2e": project.annual_tco2e * 25,
        "tco2e_per_10k_cny": project.tco2e_per_10k_cny,
        "abatement_cost_cny_per_tco2e": Decimal("120.00"),
        "data_quality_tier": 2,
        "score": project.score,
        "score_components": ScoreComponents(
            reduction_intensity=0.8, cost_effectiveness=0.7, data_quality=0.6, flag_penalty_points=0
        ),
        "taxonomy": Taxonomy(
            catalogue_category_code="3",
            catalogue_category="清洁能源产业",
            catalogue_code_path="3.2.1",
            catalogue_item="太阳能利用设施建设和运营",
            carbon_reduction_facility_field=CarbonReductionField.CLEAN_ENERGY,
            icma_category=IcmaCategory.RENEWABLE_ENERGY,
        ),
        "methodology_id": "grid-renewables",
        "methodology_version": "1",
        "factor_set_id": "hunan-grid",
        "factor_set_version": 1,
        "scored_at": NOW,
    }
    return ProjectScored.model_validate({**fields, **changes})


def test_scored_facts_match_like_the_project_they_describe() -> None:
    scored = scored_event()
    facts = facts_from_scored(scored)
    assert facts.instruments == frozenset(scored.instruments)
    assert facts.abatement_cost_cny_per_tco2e == Decimal("120.00")
    assert len(MandateBook([example_mandate()]).match([facts])) == 1


def test_any_flag_or_a_taxonomy_classification_counts_against_the_project() -> None:
    flag = Flag(
        code="cf_high",
        field="annual_generation_mwh",
        severity=FlagSeverity.WARN,
        reason="capacity factor above what solar PV in Hunan reaches",
    )
    assert facts_from_scored(scored_event(flags=(flag,))).plausibility_flagged
    hehe = scored_event().taxonomy.model_copy(update={"high_energy_high_emission": True})
    assert facts_from_scored(scored_event(taxonomy=hehe)).high_energy_high_emission


def test_the_feed_event_carries_scored_facts_and_the_explanation() -> None:
    scored, mandate = scored_event(), example_mandate()
    match = MandateBook([mandate]).match([facts_from_scored(scored)])[0]
    event = deal_matched(match, scored, at=NOW)
    assert event.project.taxonomy == scored.taxonomy
    assert event.explanation.fit_score == pytest.approx(event.fit_score)
    assert event.lender_id == mandate.lender_id
    assert DealMatched.model_validate(Envelope.wrap(event, source="matching").data) == event
    assert "trace" not in DealProject.model_fields
    with pytest.raises(ValueError, match="not the project version"):
        deal_matched(
            match._replace(project=replace(match.project, project_version=2)), scored, at=NOW
        )


def test_the_project_a_lender_sees_equals_a_validated_copy_of_the_scored_fields() -> None:
    scored = scored_event(flags=(Flag(code="x", field="activity", severity=FlagSeverity.WARN,
                                      reason="check the meter"),))  # fmt: skip
    shown = deal_project(scored)
    validated = DealProject.model_validate(scored.model_dump(include=set(DealProject.model_fields)))
    assert shown == validated
    assert shown.model_dump(mode="json") == validated.model_dump(mode="json")


def test_a_cerf_loan_does_not_count_for_a_project_not_cerf_eligible() -> None:
    asked = (Instrument.CARBON_REDUCTION_FACILITY_LOAN, Instrument.GREEN_LOAN)
    ineligible = scored_event().taxonomy.model_copy(
        update={"carbon_reduction_facility_field": CarbonReductionField.NOT_ELIGIBLE}
    )
    assert facts_from_scored(scored_event(instruments=asked)).instruments == frozenset(asked)
    facts = facts_from_scored(scored_event(instruments=asked, taxonomy=ineligible))
    assert facts.instruments == frozenset({Instrument.GREEN_LOAN})
    cerf_only = example_mandate(
        example_spec(instruments=[Instrument.CARBON_REDUCTION_FACILITY_LOAN])
    )
    assert MandateBook([cerf_only]).match([facts]) == []
    eligible = facts_from_scored(scored_event(instruments=asked))
    assert len(MandateBook([cerf_only]).match([eligible])) == 1


def test_a_score_with_a_reject_flag_is_rejected_and_a_warning_alone_is_not() -> None:
    def flag(severity: FlagSeverity) -> Flag:
        return Flag(code="pue_not_improved", field="pue_after", severity=severity, reason="no")

    assert is_rejected(scored_event(flags=(flag(FlagSeverity.WARN), flag(FlagSeverity.REJECT))))
    assert not is_rejected(scored_event(flags=(flag(FlagSeverity.WARN),)))
    assert not is_rejected(scored_event())


def test_a_pledge_loan_counts_only_for_a_project_with_expected_carbon_credits() -> None:
    pledge = Instrument.CARBON_ASSET_PLEDGE_LOAN
    issuance = ExpectedIssuance(
        basis="derived",
        crediting_start=date(2025, 1, 1),
        crediting_end=date(2025, 12, 31),
        vintages=(VintageIssuance(vintage=2025, tco2e=900),),
    )
    pledge_only = example_mandate(example_spec(instruments=[pledge]))
    without = scored_event(instruments=(pledge,))
    with_credits = scored_event(instruments=(pledge,), expected_issuance=issuance)
    assert facts_from_scored(without).instruments == frozenset()
    assert facts_from_scored(with_credits).instruments == {pledge}
    book = MandateBook([pledge_only])
    assert book.match([facts_from_scored(without)]) == []
    assert len(book.match([facts_from_scored(with_credits)])) == 1
