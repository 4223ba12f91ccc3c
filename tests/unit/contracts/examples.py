"""One valid body per event type, small but exercising nested models, money and unions."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

from schemas.deals import (
    DealMatched,
    DealOfferClosed,
    DealProject,
    DealRepaid,
    DealResponded,
    DealWithdrawn,
    Disbursement,
    LoanBalance,
    MatchExplanation,
    Offer,
    Repayment,
)
from schemas.enterprise import EnterpriseRegistered
from schemas.envelope import EventData
from schemas.ledger import LedgerCheckpointed
from schemas.lending import LenderRegistered, MandateClosed, MandateRegistered, MandateUpdated
from schemas.project import ProjectRegistered, ProjectUpdated, ProjectWithdrawn
from schemas.ranking import LenderEvaluation, RankerRetrainRequested, RankerTrained
from schemas.scoring import Flag, ProjectScored, ScoreComponents, Taxonomy
from schemas.subsidies import SubsidyEarned

AT = datetime(2026, 3, 1, 8, 30, tzinfo=UTC)
ENTERPRISE, PROJECT, LENDER, MANDATE, DEAL, REQUEST = (
    uuid.UUID(int=n) for n in (0xE1, 0xF1, 0xB1, 0xA1, 0xD1, 0xC1)
)

PROJECT_BODY: dict[str, object] = {
    "project_id": PROJECT, "enterprise_id": ENTERPRISE, "version": 1, "recorded_at": AT,
    "name": "双峰县合成氨装置节能技术改造项目", "type": "energy_efficiency",
    "family": "energy_efficiency", "city": "loudi", "county": "双峰县",
    "capex_cny": Decimal("93370000.00"), "financing_need_cny": Decimal("71330000.00"),
    "instruments": ["carbon_reduction_facility_loan"], "tenor_months": 72, "lifetime_years": 15,
    "construction_start": date(2025, 1, 8), "operation_date": date(2025, 8, 6),
    "activity": {"energy_saved_tce": 15710},
    "evidence": [{"title": "可行性研究报告", "reference": "FSR-431300-2025-0340"}],
}  # fmt: skip
SCORED_FACTS: dict[str, object] = {
    "project_name": "双峰县合成氨装置节能技术改造项目", "type": "energy_efficiency",
    "family": "energy_efficiency", "city": "loudi", "county": "双峰县",
    "instruments": ("carbon_reduction_facility_loan",),
    "financing_need_cny": Decimal("71330000.00"), "capex_cny": Decimal("93370000.00"),
    "tenor_months": 72, "lifetime_years": 15, "high_energy_high_emission": False,
    "annual_tco2e": 40846.0, "lifetime_tco2e": 612690.0, "tco2e_per_10k_cny": 4.37,
    "abatement_cost_cny_per_tco2e": Decimal("152.39"), "data_quality_tier": 3, "score": 71.2,
    "score_components": ScoreComponents(
        reduction_intensity=0.8, cost_effectiveness=0.7, data_quality=0.5, flag_penalty_points=5
    ),
    "taxonomy": Taxonomy(
        catalogue_category_code="1", catalogue_category="节能降碳产业",
        catalogue_code_path="1.1.2", catalogue_item="工业节能降碳改造",
        carbon_reduction_facility_field="energy_conservation_environmental_protection",
        icma_category="energy_efficiency",
    ),
    "flags": (Flag(code="tce_high", field="activity.energy_saved_tce", severity="warn",
                   reason="Savings are high for the plant size; check the energy audit."),),
    "methodology_id": "energy_efficiency.tce", "methodology_version": "1",
    "factor_set_id": "hunan-2026", "factor_set_version": 1, "scored_at": AT,
}  # fmt: skip
MANDATE_BODY: dict[str, object] = {
    "mandate_id": MANDATE, "lender_id": LENDER, "version": 1, "recorded_at": AT,
    "name": "长沙银行 绿色信贷·长株潭", "instruments": ["green_loan"],
    "families": ["renewable_power", "energy_efficiency"], "cities": ["changsha", "loudi"],
    "ticket_min_cny": Decimal("3000000.00"), "ticket_max_cny": Decimal("80000000.00"),
    "max_tenor_months": 120, "capacity_cny": Decimal("500000000.00"),
}  # fmt: skip
DEAL_IDS: dict[str, object] = {
    "deal_id": DEAL, "lender_id": LENDER, "mandate_id": MANDATE, "mandate_version": 1,
    "project_id": PROJECT, "project_version": 1,
}  # fmt: skip
OFFER = Offer(
    instrument="green_loan", amount_cny=Decimal("50000000.00"), rate_percent=Decimal("3.1500"),
    tenor_months=72, valid_until=date(2026, 6, 30),
)  # fmt: skip
LOAN_IDS: dict[str, object] = DEAL_IDS | {
    "enterprise_id": ENTERPRISE, "city": "loudi", "family": "energy_efficiency", "offer": OFFER,
}  # fmt: skip


def _balance(drawn: str, repaid: str, reserved: str) -> LoanBalance:
    return LoanBalance(
        offered_cny=OFFER.amount_cny, drawn_cny=Decimal(drawn), repaid_cny=Decimal(repaid),
        outstanding_cny=Decimal(drawn) - Decimal(repaid), reserved_cny=Decimal(reserved),
        offer_valid_until=OFFER.valid_until,
    )  # fmt: skip


def examples() -> dict[str, EventData]:
    """A valid body for every event type the tests know, by event type."""
    bodies: list[EventData] = [
        EnterpriseRegistered(
            enterprise_id=ENTERPRISE, registered_at=AT, name="湖南双峰化工有限公司",
            credit_code="91350100M000100Y43", city="loudi", industry="化学原料和化学制品制造业",
            contact_email="energy@example.com",
        ),
        ProjectRegistered.model_validate(PROJECT_BODY),
        ProjectUpdated.model_validate(PROJECT_BODY | {"version": 2}),
        ProjectWithdrawn(
            project_id=PROJECT, enterprise_id=ENTERPRISE, version=2, reason="融资已落实",
            withdrawn_at=AT,
        ),
        ProjectScored.model_validate(
            SCORED_FACTS
            | {"project_id": PROJECT, "enterprise_id": ENTERPRISE, "project_version": 1}
        ),
        LenderRegistered(
            lender_id=LENDER, name="长沙银行", kind="bank", city="changsha", registered_at=AT
        ),
        MandateRegistered.model_validate(MANDATE_BODY),
        MandateUpdated.model_validate(MANDATE_BODY | {"version": 2, "min_score": 60}),
        MandateClosed(mandate_id=MANDATE, lender_id=LENDER, version=2, closed_at=AT),
        DealMatched.model_validate(
            DEAL_IDS | {
                "enterprise_id": ENTERPRISE, "project": DealProject.model_validate(SCORED_FACTS),
                "fit_score": 66.0, "matched_at": AT,
                "explanation": MatchExplanation(constraints=[], parts=[], fit_score=66.0),
            }
        ),
        DealWithdrawn.model_validate(DEAL_IDS | {"reason": "mandate closed", "withdrawn_at": AT}),
        DealResponded.model_validate(
            DEAL_IDS | {
                "enterprise_id": ENTERPRISE, "city": "loudi", "family": "energy_efficiency",
                "response": Disbursement(amount_cny=Decimal("20000000.00"),
                                         disbursed_on=date(2026, 3, 2)),
                "offer_in_force": OFFER, "responded_at": AT,
                "balance": _balance("20000000.00", "0", "30000000.00"),
            }
        ),
        DealOfferClosed.model_validate(
            LOAN_IDS | {
                "cause": "expired", "reason": "valid until 2026-06-30",
                "released_cny": Decimal("30000000.00"), "closed_at": AT,
                "balance": _balance("20000000.00", "0", "0"),
            }
        ),
        DealRepaid.model_validate(
            LOAN_IDS | {
                "repayment": Repayment(amount_cny=Decimal("5000000.00"),
                                       repaid_on=date(2026, 9, 1)),
                "restores_capacity": True, "repaid_at": AT,
                "balance": _balance("20000000.00", "5000000.00", "0"),
            }
        ),
        SubsidyEarned.model_validate(
            DEAL_IDS | {
                "enterprise_id": ENTERPRISE, "project_name": "双峰县合成氨装置节能技术改造项目",
                "programme_id": "hunan-green-loan-interest",
                "programme_name": "Green-loan interest subsidy", "kind": "interest_subsidy",
                "claimant": "enterprise", "movement": "repayment", "number": 1,
                "movement_on": date(2026, 9, 1), "accrued_from": date(2026, 3, 2), "days": 183,
                "instrument": "green_loan", "base_cny": Decimal("20000000.00"),
                "rate_percent": Decimal("3.15"), "share": Decimal("0.12"),
                "earned_cny": Decimal("37906.84"), "granted_cny": Decimal("37906.84"),
                "budget_left_cny": Decimal("1962093.16"),
                "rule_source": "Illustrative tier modelled on Huzhou's 12/9/6 % discounts",
                "illustrative": True, "earned_at": AT,
            }
        ),
        RankerRetrainRequested(
            request_id=REQUEST, cause="operator", note="quarter-end answers in", requested_at=AT
        ),
        RankerTrained(
            request_id=REQUEST, model_version=3, answers=240, ndcg10_learned=0.91,
            ndcg10_fixed=0.62, auc_learned=0.84, auc_fixed=None, trained_at=AT,
            lenders=[LenderEvaluation(
                lender_id=LENDER, train_answers=168, held_out_answers=72, ndcg10_learned=0.91,
                ndcg10_fixed=0.62, auc_learned=0.84, auc_fixed=0.55, beats_fixed=True,
            )],
        ),
        LedgerCheckpointed(
            checkpoint_id=1, seq=500, hash="ab" * 32, reason="periodic", signed_at=AT,
            key_id="A" * 43, signature="B" * 86,
        ),
    ]  # fmt: skip
    return {body.event_type: body for body in bodies}
