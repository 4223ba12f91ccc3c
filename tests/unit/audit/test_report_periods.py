"""Report periods: quarters parse strictly and days fall on Beijing time."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from audit.reports.periods import Period, china_date, parse_quarter, period_label

pytestmark = pytest.mark.unit


def test_a_quarter_knows_its_first_and_last_day_and_its_year() -> None:
    q = parse_quarter("2026q4")
    assert (q.label, q.first_day, q.last_day, q.year_start) == (
        "2026Q4",
        date(2026, 10, 1),
        date(2026, 12, 31),
        date(2026, 1, 1),
    )
    assert parse_quarter("2024-Q1").last_day == date(2024, 3, 31)


@pytest.mark.parametrize("text", ["2026Q5", "26Q1", "2026", "Q1 2026", "1900Q1"])
def test_malformed_quarters_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="2026Q1"):
        parse_quarter(text)


def test_an_evening_in_utc_is_the_next_day_in_china() -> None:
    assert china_date(datetime(2026, 3, 31, 17, 0, tzinfo=UTC)) == date(2026, 4, 1)
    assert period_label(date(2026, 4, 1), Period.QUARTER) == "2026Q2"
    assert period_label(date(2026, 4, 1), Period.MONTH) == "2026-04"
    assert period_label(date(2026, 4, 1), Period.YEAR) == "2026"
