"""Lenders' quarterly green-finance evaluation: indicators from the ledger, scores, a ranking.

Pure. Balances are everything disbursed minus everything repaid up to a quarter's last day
(Beijing dates, as the flows count them); a lender's share is of all evaluated lenders' balance,
so the whole quarter is evaluated together. Response indicators look at the deals matched in the
quarter and the first answer given by its end. The formula is audit.reports.evaluation_formula.
"""

from __future__ import annotations

import statistics
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from audit.reports.evaluation_formula import INDICATOR_OF, band_of
from audit.reports.evaluation_results import (
    EvaluationIndicators,
    IndicatorScore,
    LenderEvaluationRow,
)
from audit.reports.flows import FinancingRow, attributed_tco2e
from audit.reports.periods import Quarter, china_date, quarters_before

ZERO = Decimal(0)
MILLION = Decimal(1_000_000)
CENTS = Decimal("0.01")
ANSWERS = frozenset({"interest", "decline", "offer", "disbursed"})


@dataclass(frozen=True)
class EvaluatedLender:
    lender_id: uuid.UUID
    name: str | None
    kind: str | None
    city: str | None
    registered_on: date | None = None


@dataclass(frozen=True)
class LenderDeal:
    lender_id: uuid.UUID
    deal_id: uuid.UUID
    matched_at: datetime
    withdrawn_at: datetime | None


@dataclass(frozen=True)
class LenderAnswer:
    lender_id: uuid.UUID
    deal_id: uuid.UUID
    kind: str
    responded_at: datetime


@dataclass(frozen=True)
class Ledgered:
    """What the ledger holds for an evaluation: lenders, their money, deals and answers."""

    lenders: Sequence[EvaluatedLender]
    financing: Sequence[FinancingRow]
    deals: Sequence[LenderDeal]
    answers: Sequence[LenderAnswer]


NOTHING = Ledgered((), (), (), ())


def balance(rows: Iterable[FinancingRow], lender_id: uuid.UUID, on: date) -> Decimal:
    """Disbursed minus repaid by `lender_id` up to and including `on`."""
    total = ZERO
    for r in rows:
        if r.lender_id == lender_id and r.on <= on and r.kind in ("disbursed", "repaid"):
            total += r.amount_cny if r.kind == "disbursed" else -r.amount_cny
    return total


def growth(now: Decimal, before: Decimal) -> Decimal | None:
    """Relative growth; None when there was nothing before (scored as best if now > 0)."""
    return (now - before) / before if before > 0 else None


def share(part: Decimal, whole: Decimal) -> Decimal | None:
    return part / whole if whole > 0 else None


def tco2e_per_million_cny(
    rows: Iterable[FinancingRow], lender_id: uuid.UUID, on: date
) -> Decimal | None:
    """Annual tCO2e financed (PCAF-style) per million CNY paid out up to `on`; unscored
    projects' money is left out of both sides."""
    tonnes = money = ZERO
    for r in rows:
        if r.lender_id == lender_id and r.kind == "disbursed" and r.on <= on:
            attributed = attributed_tco2e(r)
            if attributed is not None:
                tonnes += attributed
                money += r.amount_cny
    return tonnes / money * MILLION if money > 0 else None


@dataclass(frozen=True)
class Conduct:
    matched: int
    answered: int
    answer_rate: Decimal | None
    median_response_hours: Decimal | None


def conduct(deals: Sequence[LenderDeal], answers: Iterable[LenderAnswer], q: Quarter) -> Conduct:
    """Deals matched in the quarter; the first answer to each given by the quarter's end. A deal
    withdrawn unanswered by then leaves the count: nobody could answer it any more."""
    in_quarter = [d for d in deals if q.first_day <= china_date(d.matched_at) <= q.last_day]
    first: dict[uuid.UUID, datetime] = {}
    for a in answers:
        late = a.kind not in ANSWERS or china_date(a.responded_at) > q.last_day
        if not late and (a.deal_id not in first or a.responded_at < first[a.deal_id]):
            first[a.deal_id] = a.responded_at
    hours = [
        Decimal(str(max(0.0, (first[d.deal_id] - d.matched_at).total_seconds() / 3600)))
        for d in in_quarter
        if d.deal_id in first
    ]
    gone = sum(
        1
        for d in in_quarter
        if d.deal_id not in first
        and d.withdrawn_at is not None
        and china_date(d.withdrawn_at) <= q.last_day
    )
    answerable = len(in_quarter) - gone
    return Conduct(
        matched=len(in_quarter),
        answered=len(hours),
        answer_rate=Decimal(len(hours)) / answerable if answerable else None,
        median_response_hours=statistics.median(hours) if hours else None,
    )


def _scored(key: str, value: Decimal | None, new_book: bool = False) -> IndicatorScore:
    indicator = INDICATOR_OF[key]
    score = indicator.score(indicator.best if value is None and new_book else value)
    shown = None if value is None else value.quantize(Decimal("0.0001"))
    return IndicatorScore(value=shown, score=score, points=indicator.points(score))


def evaluated_lenders(data: Ledgered, q: Quarter) -> list[EvaluatedLender]:
    """Lenders registered by the quarter's end, and any lender the ledger saw at work by then
    whose registration it has not consumed (named None)."""
    known = {
        lender.lender_id: lender
        for lender in data.lenders
        if lender.registered_on is None or lender.registered_on <= q.last_day
    }
    seen = {r.lender_id for r in data.financing if r.on <= q.last_day}
    seen |= {d.lender_id for d in data.deals if china_date(d.matched_at) <= q.last_day}
    registered = {lender.lender_id for lender in data.lenders}
    for lender_id in sorted(seen - registered):
        known[lender_id] = EvaluatedLender(lender_id, None, None, None)
    return list(known.values())


def books(data: Ledgered) -> dict[uuid.UUID, Ledgered]:
    """Each lender's own rows, split in one pass so a quarter's work grows with the rows, not
    with lenders times rows."""
    financing: defaultdict[uuid.UUID, list[FinancingRow]] = defaultdict(list)
    deals: defaultdict[uuid.UUID, list[LenderDeal]] = defaultdict(list)
    answers: defaultdict[uuid.UUID, list[LenderAnswer]] = defaultdict(list)
    for row in data.financing:
        financing[row.lender_id].append(row)
    for deal in data.deals:
        deals[deal.lender_id].append(deal)
    for answer in data.answers:
        answers[answer.lender_id].append(answer)
    lenders = financing.keys() | deals.keys() | answers.keys()
    return {i: Ledgered((), financing[i], deals[i], answers[i]) for i in lenders}


def _one(
    lender: EvaluatedLender, own: Ledgered, q: Quarter, whole: Decimal, whole_year_ago: Decimal
) -> LenderEvaluationRow:
    end, before, year_ago = (
        q.last_day,
        quarters_before(q, 1).last_day,
        quarters_before(q, 4).last_day,
    )
    now = balance(own.financing, lender.lender_id, end)
    previous = balance(own.financing, lender.lender_id, before)
    last_year = balance(own.financing, lender.lender_id, year_ago)
    own_share = share(now, whole)
    change = None
    if own_share is not None:
        change = (own_share - (share(last_year, whole_year_ago) or ZERO)) * 100
    acts = conduct(own.deals, own.answers, q)
    indicators = EvaluationIndicators(
        balance_share=_scored("balance_share", own_share),
        balance_share_yoy_change_pp=_scored("balance_share_yoy_change_pp", change),
        balance_growth_qoq=_scored("balance_growth_qoq", growth(now, previous), now > 0),
        balance_growth_yoy=_scored("balance_growth_yoy", growth(now, last_year), now > 0),
        financed_tco2e_per_million_cny=_scored(
            "financed_tco2e_per_million_cny",
            tco2e_per_million_cny(own.financing, lender.lender_id, end),
        ),
        answer_rate=_scored("answer_rate", acts.answer_rate),
        median_response_hours=_scored("median_response_hours", acts.median_response_hours),
    )
    total = indicators.points()
    return LenderEvaluationRow(
        rank=0, lender_id=lender.lender_id, lender_name=lender.name, lender_kind=lender.kind,
        lender_city=lender.city, total_score=total, band=band_of(total),
        green_loan_balance_cny=now.quantize(CENTS),
        previous_quarter_balance_cny=previous.quantize(CENTS),
        year_ago_balance_cny=last_year.quantize(CENTS),
        deals_matched=acts.matched, deals_answered=acts.answered, indicators=indicators,
    )  # fmt: skip


def evaluate(data: Ledgered, q: Quarter) -> list[LenderEvaluationRow]:
    """Every lender's evaluation for the quarter, best first; equal totals share a rank."""
    lenders = evaluated_lenders(data, q)
    split = books(data)
    own = {x.lender_id: split.get(x.lender_id, NOTHING) for x in lenders}
    year_ago = quarters_before(q, 4).last_day
    whole = sum(
        (balance(own[x.lender_id].financing, x.lender_id, q.last_day) for x in lenders), ZERO
    )
    whole_year_ago = sum(
        (balance(own[x.lender_id].financing, x.lender_id, year_ago) for x in lenders), ZERO
    )
    done = [_one(x, own[x.lender_id], q, whole, whole_year_ago) for x in lenders]
    done.sort(
        key=lambda e: (
            -e.total_score,
            -e.green_loan_balance_cny,
            e.lender_name or "",
            str(e.lender_id),
        )
    )
    ranked: list[LenderEvaluationRow] = []
    for position, e in enumerate(done, start=1):
        tied = ranked and ranked[-1].total_score == e.total_score
        ranked.append(e.model_copy(update={"rank": ranked[-1].rank if tied else position}))
    return ranked
