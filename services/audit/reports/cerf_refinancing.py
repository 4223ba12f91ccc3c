"""The central bank's refinancing of carbon-reduction-facility loans, from a sourced rule table.

The table lives in `seeds/cerf-refinancing.json` (the setting `CERF_REFINANCING_PATH`): per row,
the dates it holds, the share of principal refinanced, the rate, and where those facts come
from. A loan takes the row in force on the day its money was paid out; nothing here hard-codes a
share or a rate.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator


class RefinancingRule(BaseModel):
    """One dated row of the table: from `valid_from` to `valid_to` (inclusive; None: open)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    valid_from: date
    valid_to: date | None
    principal_share: Decimal = Field(gt=0, le=1)
    rate_percent: Decimal = Field(ge=0, le=100)
    source: str = Field(min_length=10)
    note: str = ""

    def holds_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class RefinancingTable(BaseModel):
    """The whole file: the facility, the instrument it refinances and its rules in date order."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    facility: str
    instrument: str
    explanation: str
    rules: tuple[RefinancingRule, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _ordered_without_gaps(self) -> RefinancingTable:
        for before, after in zip(self.rules, self.rules[1:], strict=False):
            if before.valid_to is None or (after.valid_from - before.valid_to).days != 1:
                raise ValueError(
                    f"rules must follow each other day by day: {before.valid_to} then "
                    f"{after.valid_from}"
                )
        return self

    def rule_on(self, day: date) -> RefinancingRule | None:
        """The row in force on `day`; None before the facility existed."""
        return next((rule for rule in self.rules if rule.holds_on(day)), None)


@cache
def refinancing_table(path: Path) -> RefinancingTable:
    return RefinancingTable.model_validate_json(path.read_bytes())
