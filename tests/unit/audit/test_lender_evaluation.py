"""The lender evaluation's formula is the one docs/evaluation.md publishes, and its pieces
count quarters by Beijing dates."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from audit.reports.evaluation import LenderAnswer, LenderDeal, conduct, growth
from audit.reports.evaluation_formula import BANDS, INDICATOR_OF, INDICATORS, PART_WEIGHTS, Part
from audit.reports.evaluation_results import EvaluationIndicators
from audit.reports.evaluation_views import EvaluationFormula
from audit.reports.periods import Quarter, parse_quarter, quarters_before

pytestmark = pytest.mark.unit

DOC = Path(__file__).parents[3] / "docs" / "evaluation.md"


def _table(marker: str) -> list[list[str]]:
    text = DOC.read_text(encoding="utf-8")
    found = re.search(rf"<!-- {marker} -->\n(.*?)<!-- /{marker} -->", text, re.S)
    assert found, f"docs/evaluation.md lost its {marker} table"
    lines = found.group(1).strip().splitlines()[2:]
    return [[cell.strip() for cell in line.strip("|").split("|")] for line in lines]


def test_the_published_formula_table_is_the_formula_the_code_scores_with() -> None:
    published = [
        (key, part, Decimal(weight), Decimal(worst), Decimal(best), unit, basis)
        for key, part, weight, worst, best, unit, basis in _table("evaluation-formula")
    ]
    assert published == [
        (i.key, i.part.value, i.weight, i.worst, i.best, i.unit, i.weight_basis.value)
        for i in INDICATORS
    ]
    bands = [(label, Decimal(floor)) for label, floor in _table("evaluation-bands")]
    assert bands == [(b.label, b.floor) for b in BANDS]


def test_the_parts_weigh_what_the_scheme_gives_them_80_and_20() -> None:
    assert PART_WEIGHTS == {Part.QUANTITATIVE: 80, Part.CONDUCT: 20}
    for part, weight in PART_WEIGHTS.items():
        assert sum(i.weight for i in INDICATORS if i.part is part) == weight


def test_every_response_carries_the_formula_and_names_the_scheme() -> None:
    formula = EvaluationFormula()
    assert "银行业金融机构绿色金融评价方案" in formula.scheme and "2021" in formula.scheme
    assert [r.key for r in formula.indicators] == [i.key for i in INDICATORS]
    assert list(EvaluationIndicators.model_fields) == [i.key for i in INDICATORS]
    assert {r.weight_basis for r in formula.indicators} == {"platform"}
    assert formula.part_weights_basis == "scheme" and formula.bands_basis == "platform"


def test_scores_are_linear_between_worst_and_best_and_clamped() -> None:
    share = INDICATOR_OF["balance_share"]
    assert share.score(Decimal("0.05")) == Decimal("50.00")
    assert share.score(Decimal("0.30")) == Decimal("100.00")
    hours = INDICATOR_OF["median_response_hours"]  # lower is better
    assert hours.score(Decimal(12)) == Decimal("100.00")
    assert hours.score(Decimal(72)) == Decimal("77.78")
    assert hours.score(Decimal(500)) == Decimal("0.00")
    assert hours.score(None) == Decimal("0.00")
    assert hours.points(Decimal("77.78")) == Decimal("7.78")


def test_growth_from_nothing_has_no_value() -> None:
    assert growth(Decimal(10), Decimal(8)) == Decimal("0.25")
    assert growth(Decimal(10), Decimal(0)) is None


def test_the_quarter_before_and_a_year_before_cross_year_ends() -> None:
    q1 = parse_quarter("2026Q1")
    assert quarters_before(q1, 1) == Quarter(2025, 4)
    assert quarters_before(q1, 4) == Quarter(2025, 1)
    assert quarters_before(Quarter(2026, 4), 1) == Quarter(2026, 3)


def test_a_deal_belongs_to_the_quarter_of_its_beijing_date() -> None:
    lender = uuid.uuid4()
    early, late = uuid.uuid4(), uuid.uuid4()
    deals = [  # 00:30 and 23:30 Beijing time on 2026-04-01 and 2026-03-31
        LenderDeal(lender, early, datetime(2026, 3, 31, 16, 30, tzinfo=UTC), None),
        LenderDeal(lender, late, datetime(2026, 3, 31, 15, 30, tzinfo=UTC), None),
    ]
    answers = [LenderAnswer(lender, early, "decline", datetime(2026, 4, 1, 4, 30, tzinfo=UTC))]
    q2 = conduct(deals, answers, parse_quarter("2026Q2"))
    assert (q2.matched, q2.answered, q2.median_response_hours) == (1, 1, Decimal("12.0"))
    q1 = conduct(deals, answers, parse_quarter("2026Q1"))
    assert (q1.matched, q1.answered, q1.answer_rate) == (1, 0, Decimal(0))
