"""Response shapes of the lender evaluation: each lender's indicators and the formula itself."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from pydantic import BaseModel, Field

from audit.reports.cerf_disclosure import CENTS
from audit.reports.evaluation import Evaluation, Scored
from audit.reports.evaluation_formula import (
    BANDS,
    INDICATORS,
    NOT_DERIVABLE,
    PART_WEIGHTS,
    SCHEME,
    Part,
    WeightBasis,
)

NORMALISATION = (
    "score = clamp((value - worst) / (best - worst), 0, 1) x 100; points = score x weight / 100;"
    " total = sum of points (0-100). A value that cannot be computed scores 0, except growth"
    " from a zero balance to a positive one, which scores 100."
)


class IndicatorScore(BaseModel):
    """The indicator's value (null when it cannot be computed), its 0-100 score and points."""

    value: Decimal | None
    score: Decimal
    points: Decimal

    @classmethod
    def of(cls, s: Scored) -> IndicatorScore:
        return cls(value=s.value, score=s.score, points=s.points)


class EvaluationIndicators(BaseModel):
    balance_share: IndicatorScore
    balance_share_yoy_change_pp: IndicatorScore
    balance_growth_qoq: IndicatorScore
    balance_growth_yoy: IndicatorScore
    financed_tco2e_per_million_cny: IndicatorScore
    answer_rate: IndicatorScore
    median_response_hours: IndicatorScore


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

    @classmethod
    def of(cls, e: Evaluation) -> LenderEvaluationRow:
        return cls(
            rank=e.rank,
            lender_id=e.lender.lender_id,
            lender_name=e.lender.name,
            lender_kind=e.lender.kind,
            lender_city=e.lender.city,
            total_score=e.total,
            band=e.band,
            green_loan_balance_cny=e.green_loan_balance_cny.quantize(CENTS),
            previous_quarter_balance_cny=e.previous_quarter_balance_cny.quantize(CENTS),
            year_ago_balance_cny=e.year_ago_balance_cny.quantize(CENTS),
            deals_matched=e.deals_matched,
            deals_answered=e.deals_answered,
            indicators=EvaluationIndicators(
                **{key: IndicatorScore.of(s) for key, s in e.indicators.items()}
            ),
        )


class IndicatorRule(BaseModel):
    key: str
    part: Part
    weight: Decimal
    worst: Decimal = Field(description="the value that scores 0")
    best: Decimal = Field(description="the value that scores 100 (below worst: lower is better)")
    unit: str
    scheme_counterpart: str
    weight_basis: WeightBasis


class BandRule(BaseModel):
    band: str
    min_total: Decimal


class EvaluationFormula(BaseModel):
    """The published formula: what the scheme fixes, and what the platform chose."""

    scheme: str = SCHEME
    part_weights: dict[Part, Decimal] = Field(default_factory=lambda: dict(PART_WEIGHTS))
    part_weights_basis: WeightBasis = WeightBasis.SCHEME
    indicators: list[IndicatorRule] = Field(
        default_factory=lambda: [IndicatorRule(**vars(i)) for i in INDICATORS]
    )
    normalisation: str = NORMALISATION
    bands: list[BandRule] = Field(
        default_factory=lambda: [BandRule(band=b.label, min_total=b.floor) for b in BANDS]
    )
    bands_basis: WeightBasis = WeightBasis.PLATFORM
    not_derivable: dict[str, str] = Field(default_factory=lambda: dict(NOT_DERIVABLE))
    documentation: str = "docs/evaluation.md"


class QuarterFigures(BaseModel):
    quarter: str
    quarter_start: date
    quarter_end: date
    currency: str = "CNY"
    lenders_evaluated: int
    platform_balance_cny: Decimal


class EvaluationRanking(QuarterFigures):
    items: list[LenderEvaluationRow]
    next_cursor: str | None
    formula: EvaluationFormula


class LenderEvaluation(QuarterFigures):
    evaluation: LenderEvaluationRow
    formula: EvaluationFormula
