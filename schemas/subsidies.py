"""Policy-instrument contracts: what a loan's movement earned from a subsidy programme.

Programmes (interest subsidies, CERF refinancing, guarantee-fee subsidies) are dated rule tables
with a source per row; each tranche and repayment computes what it earns from each programme
in force, and the programme's budget grants it in full, in part, or not at all once spent.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import ClassVar

from pydantic import Field

from schemas.deals import DealEvent, RatePercent
from schemas.fields import Code, LongText, MoneyCNY, ShortText
from schemas.vocabulary import Instrument


class ProgrammeKind(StrEnum):
    """What a programme pays and on what base."""

    INTEREST_SUBSIDY = "interest_subsidy"  # a share of the interest accrued on the balance
    GUARANTEE_FEE_SUBSIDY = "guarantee_fee_subsidy"  # a share of the (capped) guarantee fee
    REFINANCING = "refinancing"  # a share of each tranche's principal, lent on at a set rate


class Claimant(StrEnum):
    """Who may claim what a programme grants: the borrowing enterprise or the lender."""

    ENTERPRISE = "enterprise"
    LENDER = "lender"


class Movement(StrEnum):
    """The loan step that earned the subsidy."""

    DISBURSEMENT = "disbursement"
    REPAYMENT = "repayment"


class SubsidyEarned(DealEvent):
    """A tranche or repayment earned a subsidy: `earned_cny` by the programme's rule,
    `granted_cny` what its budget covered (less once the budget runs out, never more), with
    the rule's citation. `number` is the tranche's or the repayment's number on the deal;
    interest and fees accrue on `base_cny` (the balance outstanding) for `days` from
    `accrued_from`, a refinancing share is of the tranche itself (`base_cny`, no days)."""

    event_type: ClassVar[str] = "deal.subsidy_earned.v1"

    enterprise_id: uuid.UUID
    project_name: ShortText
    programme_id: Code
    programme_name: ShortText
    kind: ProgrammeKind
    claimant: Claimant
    movement: Movement
    number: int = Field(ge=1)
    movement_on: date
    accrued_from: date | None = None
    days: int = Field(ge=0)
    instrument: Instrument
    base_cny: MoneyCNY
    rate_percent: RatePercent | None = None
    share: Decimal = Field(ge=0, le=1, max_digits=7, decimal_places=4, allow_inf_nan=False)
    earned_cny: Decimal = Field(ge=0, max_digits=24, decimal_places=2, allow_inf_nan=False)
    granted_cny: MoneyCNY
    budget_left_cny: MoneyCNY
    rule_source: LongText
    illustrative: bool
    earned_at: datetime
