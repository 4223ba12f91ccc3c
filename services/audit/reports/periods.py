"""Calendar periods of reports: months, quarters and years on Beijing time. Pure."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from enum import StrEnum

CHINA_TZ = timezone(timedelta(hours=8), "Asia/Shanghai")
QUARTER_PATTERN = re.compile(r"^(\d{4})-?Q([1-4])$")


class Period(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


def china_date(at: datetime) -> date:
    """The calendar day an instant falls on in China, where the reports are filed."""
    return at.astimezone(CHINA_TZ).date()


def period_label(day: date, period: Period) -> str:
    if period is Period.MONTH:
        return f"{day.year}-{day.month:02d}"
    if period is Period.QUARTER:
        return f"{day.year}Q{(day.month - 1) // 3 + 1}"
    return str(day.year)


@dataclass(frozen=True)
class Quarter:
    """A reporting quarter and the three windows a disclosure reports over."""

    year: int
    number: int

    @property
    def label(self) -> str:
        return f"{self.year}Q{self.number}"

    @property
    def first_day(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def last_day(self) -> date:
        if self.number == 4:
            return date(self.year, 12, 31)
        return date(self.year, 3 * self.number + 1, 1) - timedelta(days=1)

    @property
    def year_start(self) -> date:
        return date(self.year, 1, 1)


def parse_quarter(text: str) -> Quarter:
    """`2026Q1` (or `2026-Q1`); ValueError names the expected form."""
    match = QUARTER_PATTERN.match(text.strip().upper())
    if match is None or not 2000 <= int(match.group(1)) <= 2100:
        raise ValueError(f"quarter must look like 2026Q1, not {text!r}")
    return Quarter(int(match.group(1)), int(match.group(2)))


def quarter_of(day: date) -> Quarter:
    return Quarter(day.year, (day.month - 1) // 3 + 1)


def quarters_before(q: Quarter, count: int) -> Quarter:
    """The quarter `count` quarters earlier: 1 is the one before, 4 the same quarter a year ago."""
    index = q.year * 4 + q.number - 1 - count
    return Quarter(index // 4, index % 4 + 1)
