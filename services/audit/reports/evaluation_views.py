"""Response shapes of the lender evaluation: each lender's indicators and the formula itself."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import BaseModel, Field

from audit.reports.evaluation_formula import (
    BANDS,
    INDICATORS,
    NOT_DERIVABLE,
    PART_WEIGHTS,
    SCHEME,
    Part,
    WeightBasis,
)
from audit.reports.evaluation_results import LenderEvaluationRow

NORMALISATION = (
    "score = clamp((value - worst) / (best - worst), 0, 1) x 100; points = score x weight / 100;"
    " total = sum of points (0-100). A value that cannot be computed scores 0, except growth"
    " from a zero balance to a positive one, which scores 100."
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
