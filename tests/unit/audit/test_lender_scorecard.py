"""A lender's scorecard: response times from match to first answer, and decline reasons."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from audit.reports.scorecard import Answer, MatchedDeal, scorecard

pytestmark = pytest.mark.unit

T0 = datetime(2026, 3, 1, tzinfo=UTC)


def deal(n: int, withdrawn: bool = False) -> MatchedDeal:
    return MatchedDeal(uuid.UUID(int=n), T0, T0 + timedelta(days=9) if withdrawn else None)


def answer(n: int, hours: float, kind: str = "interest", reason: str | None = None) -> Answer:
    return Answer(uuid.UUID(int=n), kind, T0 + timedelta(hours=hours), reason)


def test_response_time_runs_from_match_to_the_first_answer_only() -> None:
    deals = [deal(1), deal(2), deal(3), deal(4), deal(5, withdrawn=True)]
    answers = [
        answer(1, 2),
        answer(1, 50, "offer"),
        answer(2, 10, "decline", "tenor too long"),
        answer(3, 30, "decline", "tenor too long"),
        answer(3, 1, "interest"),
    ]
    card = scorecard(deals, answers, [])
    times = card.response_times
    assert (times.answered, times.unanswered_open) == (3, 1)
    assert (times.median_hours, times.max_hours) == (2.0, 10.0)
    assert times.mean_hours == round((2 + 10 + 1) / 3, 2)
    assert card.deals_matched == 5 and card.deals_withdrawn == 1
    assert card.answers_by_kind == {"decline": 2, "interest": 2, "offer": 1}
    assert card.decline_reasons == [("tenor too long", 2)]


def test_a_lender_without_answers_has_no_response_times() -> None:
    card = scorecard([deal(1)], [], [])
    assert card.response_times.answered == 0 and card.response_times.median_hours is None
    assert card.response_times.unanswered_open == 1
