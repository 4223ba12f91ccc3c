"""What a lender's evaluation yields: its place, balances and each indicator's score. Pure.

The evaluation builds these models and the API answers with them as they are, so a figure is
named and rounded in one place.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from pydantic import BaseModel


class IndicatorScore(BaseModel):
    """The indicator's value (null when it cannot be computed), its 0-100 score and points."""

    value: Decimal | None
    score: Decimal
    points: Decimal


class EvaluationIndicators(BaseModel):
    balance_share: IndicatorScore
    balance_share_yoy_change_pp: IndicatorScore
    balance_growth_qoq: IndicatorScore
    balance_growth_yoy: IndicatorScore
    financed_tco2e_per_million_cny: IndicatorScore
    answer_rate: IndicatorScore
    median_response_hours: IndicatorScore

    def points(self) -> Decimal:
        return sum((s.points for s in vars(self).values()), Decimal(0))


class LenderEvaluationRow(BaseModel):
    """A lender's place in the quarter, its balances at three quarter ends and its indicators."""

    rank: int
    lender_id: uuid.UUID
    lender_name: str | None
    lender_kind: str | None
    lender_city: str | None
    total_score: Decimal
    band: str
    green_loan_balance_cny: Decimal
    previous_quarter_balance_cny: Decimal
    year_ago_balance_cny: Decimal
    deals_matched: int
    deals_answered: int
    indicators: EvaluationIndicators
