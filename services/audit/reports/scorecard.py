"""A lender's scorecard: how fast and how it answers deals, and what its money finances. Pure."""

from __future__ import annotations

import math
import uuid
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from audit.reports.flows import FinancingRow, FlowQuery, FlowTotals, flow_total


@dataclass(frozen=True)
class MatchedDeal:
    deal_id: uuid.UUID
    matched_at: datetime
    withdrawn_at: datetime | None


@dataclass(frozen=True)
class Answer:
    deal_id: uuid.UUID
    kind: str
    responded_at: datetime
    reason: str | None


@dataclass(frozen=True)
class ResponseTimes:
    """Hours from a deal's match to the lender's first answer on it."""

    answered: int
    unanswered_open: int
    median_hours: float | None
    mean_hours: float | None
    p90_hours: float | None
    max_hours: float | None


@dataclass(frozen=True)
class Scorecard:
    deals_matched: int
    deals_withdrawn: int
    answers_by_kind: dict[str, int]
    response_times: ResponseTimes
    decline_reasons: list[tuple[str, int]]
    volume: FlowTotals


def _nearest_rank(ordered: Sequence[float], share: float) -> float:
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def response_times(deals: Sequence[MatchedDeal], answers: Iterable[Answer]) -> ResponseTimes:
    first: dict[uuid.UUID, datetime] = {}
    for a in answers:
        if a.deal_id not in first or a.responded_at < first[a.deal_id]:
            first[a.deal_id] = a.responded_at
    hours = sorted(
        max(0.0, (first[d.deal_id] - d.matched_at).total_seconds() / 3600)
        for d in deals
        if d.deal_id in first
    )
    open_unanswered = sum(1 for d in deals if d.deal_id not in first and d.withdrawn_at is None)
    if not hours:
        return ResponseTimes(0, open_unanswered, None, None, None, None)
    return ResponseTimes(
        len(hours),
        open_unanswered,
        round(_nearest_rank(hours, 0.5), 2),
        round(sum(hours) / len(hours), 2),
        round(_nearest_rank(hours, 0.9), 2),
        round(hours[-1], 2),
    )


def decline_reasons(answers: Iterable[Answer], top: int = 20) -> list[tuple[str, int]]:
    counts = Counter((a.reason or "").strip() for a in answers if a.kind == "decline")
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:top]


def scorecard(
    deals: Sequence[MatchedDeal], answers: Sequence[Answer], financing: Iterable[FinancingRow]
) -> Scorecard:
    return Scorecard(
        deals_matched=len(deals),
        deals_withdrawn=sum(1 for d in deals if d.withdrawn_at is not None),
        answers_by_kind=dict(sorted(Counter(a.kind for a in answers).items())),
        response_times=response_times(deals, answers),
        decline_reasons=decline_reasons(answers),
        volume=flow_total(financing, FlowQuery()),
    )
