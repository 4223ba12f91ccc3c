"""What a tranche or repayment earns from each programme: tiers by score and category, dated
rows, accrual on the old balance, refinancing shares, and budgets that never overspend."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching.subsidies.accrual import LoanMovement, entitlement, granted
from matching.subsidies.rules import Programme
from schemas.subsidies import Movement
from schemas.vocabulary import Instrument

pytestmark = pytest.mark.unit

_RULE = {"valid_from": "2026-01-01", "valid_to": "2026-12-31", "illustrative": True}


def _programme(kind: str, *rules: dict[str, Any], **extra: Any) -> Programme:
    return Programme.model_validate(
        {
            "programme_id": "p",
            "name": "p",
            "name_zh": "p",
            "kind": kind,
            "claimant": "enterprise",
            "budget_cny": "1000000.00",
            "valid_from": "2026-01-01",
            "source": "test",
            "illustrative": True,
            "rules": [_RULE | {"source": f"row {n}"} | r for n, r in enumerate(rules)],
        }
        | extra
    )


TIERS = _programme(
    "interest_subsidy",
    {"instruments": ["green_loan"], "min_score": 80, "share": "0.12"},
    {"instruments": ["green_loan"], "min_score": 60, "share": "0.09"},
    {"instruments": ["green_loan"], "share": "0.06"},
)


def _repayment(**changes: Any) -> LoanMovement:
    fields: dict[str, Any] = {
        "movement": Movement.REPAYMENT,
        "number": 1,
        "on": date(2026, 7, 1),
        "amount_cny": Decimal("1000000.00"),
        "outstanding_before_cny": Decimal("10000000.00"),
        "accrued_from": date(2026, 1, 1),
        "instrument": Instrument.GREEN_LOAN,
        "rate_percent": Decimal("3.65"),
        "score": 85.0,
        "catalogue_category_code": "4",
    }
    return LoanMovement(**(fields | changes))


@pytest.mark.parametrize(("score", "share"), [(85.0, "0.12"), (70.0, "0.09"), (20.0, "0.06")])
def test_an_interest_subsidy_pays_the_tier_the_projects_score_reaches(
    score: float, share: str
) -> None:
    found = entitlement(TIERS, _repayment(score=score))
    assert found is not None and found.rule.share == Decimal(share)
    # 10M at 3.65 % for 181 days is 181,000.00 CNY of interest.
    assert found.days == 181
    assert found.earned_cny == (Decimal("181000.00") * Decimal(share)).quantize(Decimal("0.01"))


def test_a_category_tier_applies_only_to_its_catalogue_categories() -> None:
    fees = _programme(
        "guarantee_fee_subsidy",
        {
            "instruments": ["green_guarantee"],
            "catalogue_category_codes": ["1", "4"],
            "share": "0.50",
            "fee_cap_percent": "1.50",
        },
        {"instruments": ["green_guarantee"], "share": "0.30", "fee_cap_percent": "1.50"},
    )
    guarantee = {"instrument": Instrument.GREEN_GUARANTEE, "rate_percent": Decimal("2.00")}
    energy = entitlement(fees, _repayment(**guarantee))
    other = entitlement(fees, _repayment(**guarantee, catalogue_category_code="2"))
    assert energy is not None and other is not None
    assert (energy.rule.share, other.rule.share) == (Decimal("0.50"), Decimal("0.30"))
    # The 2 % fee counts at its 1.5 % cap: 10M × 1.5 % × 181/365 × 50 %.
    assert energy.rate_percent == Decimal("1.50")
    assert energy.earned_cny == Decimal("37191.78")


def test_the_first_tranche_earns_no_interest_and_a_later_one_earns_on_the_old_balance() -> None:
    first = _repayment(movement=Movement.DISBURSEMENT, accrued_from=None)
    assert entitlement(TIERS, first) is None
    later = entitlement(TIERS, _repayment(movement=Movement.DISBURSEMENT))
    assert later is not None and later.base_cny == Decimal("10000000.00")


def test_interest_from_before_a_rule_began_earns_nothing() -> None:
    found = entitlement(TIERS, _repayment(accrued_from=date(1, 1, 1)))
    assert found is not None and found.accrued_from == date(2026, 1, 1) and found.days == 181


def test_a_movement_outside_a_rows_dates_or_instruments_earns_nothing() -> None:
    assert entitlement(TIERS, _repayment(on=date(2027, 1, 5))) is None
    assert entitlement(TIERS, _repayment(instrument=Instrument.GREEN_BOND)) is None


def test_refinancing_pays_its_share_of_each_tranche_at_the_rate_in_force_that_day() -> None:
    cerf = _programme(
        "refinancing",
        {
            "instruments": ["carbon_reduction_facility_loan"],
            "share": "0.60",
            "rate_percent": "1.50",
            "valid_to": "2026-01-18",
        },
        {
            "instruments": ["carbon_reduction_facility_loan"],
            "share": "0.60",
            "rate_percent": "1.25",
            "valid_from": "2026-01-19",
        },
    )
    tranche = {
        "movement": Movement.DISBURSEMENT,
        "instrument": Instrument.CARBON_REDUCTION_FACILITY_LOAN,
        "amount_cny": Decimal("33333333.33"),
    }
    early = entitlement(cerf, _repayment(**tranche, on=date(2026, 1, 10)))
    late = entitlement(cerf, _repayment(**tranche, on=date(2026, 2, 10)))
    assert early is not None and late is not None
    assert (early.rate_percent, late.rate_percent) == (Decimal("1.50"), Decimal("1.25"))
    assert late.earned_cny == Decimal("19999999.99")  # cut down to the fen, never rounded up
    assert (
        entitlement(cerf, _repayment(instrument=Instrument.CARBON_REDUCTION_FACILITY_LOAN)) is None
    )


@settings(max_examples=200, deadline=None)
@given(
    budget=st.integers(1, 10**9),
    claims=st.lists(st.integers(1, 10**8), min_size=1, max_size=30),
)
def test_grants_in_any_order_never_pass_the_budget(budget: int, claims: list[int]) -> None:
    total, spent = Decimal(budget) / 100, Decimal(0)
    for fen in claims:
        grant = granted(Decimal(fen) / 100, total, spent)
        assert Decimal(0) <= grant <= Decimal(fen) / 100
        spent += grant
    assert spent == min(total, sum(Decimal(f) / 100 for f in claims))
