"""What one loan movement earns from each programme in force: pure arithmetic in Decimal.

Interest and guarantee fees accrue on the balance outstanding before the movement, from the
loan's previous movement (or the applying rule's first day, if later: a programme pays no
interest from before it began) to this one, actual days over 365; a refinancing programme pays
its share of each tranche. Amounts are cut down to the fen, never rounded up, so a budget is never
promised a fraction it does not hold.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, Decimal

from matching.subsidies.rules import Programme, Rule
from schemas.subsidies import Movement, ProgrammeKind
from schemas.vocabulary import Instrument

FEN = Decimal("0.01")
DAYS_PER_YEAR = 365


@dataclass(frozen=True)
class LoanMovement:
    """A tranche or repayment with what the rules look at: the loan's terms and project."""

    movement: Movement
    number: int
    on: date
    amount_cny: Decimal
    outstanding_before_cny: Decimal
    accrued_from: date | None
    instrument: Instrument
    rate_percent: Decimal
    score: float
    catalogue_category_code: str


@dataclass(frozen=True)
class Entitlement:
    """What a movement earns from one programme by one rule, before the budget has a say."""

    programme: Programme
    rule: Rule
    base_cny: Decimal
    days: int
    rate_percent: Decimal | None
    earned_cny: Decimal
    accrued_from: date | None


def rule_for(programme: Programme, loan: LoanMovement) -> Rule | None:
    """The first of the programme's rows that covers this movement, if any."""
    if not programme.in_force(loan.on):
        return None
    for rule in programme.rules:
        if (
            rule.in_force(loan.on)
            and loan.instrument in rule.instruments
            and loan.score >= rule.min_score
            and (
                not rule.catalogue_category_codes
                or loan.catalogue_category_code in rule.catalogue_category_codes
            )
        ):
            return rule
    return None


def _accrued(base: Decimal, rate_percent: Decimal, days: int, share: Decimal) -> Decimal:
    raw = base * rate_percent / 100 * days / DAYS_PER_YEAR * share
    return raw.quantize(FEN, rounding=ROUND_DOWN)


def entitlement(programme: Programme, loan: LoanMovement) -> Entitlement | None:
    """What the movement earns from the programme; None where no row applies or it is nil."""
    rule = rule_for(programme, loan)
    if rule is None:
        return None
    if programme.kind is ProgrammeKind.REFINANCING:
        if loan.movement is not Movement.DISBURSEMENT:
            return None
        earned = (loan.amount_cny * rule.share).quantize(FEN, rounding=ROUND_DOWN)
        found = Entitlement(programme, rule, loan.amount_cny, 0, rule.rate_percent, earned, None)
    else:
        start = max(loan.accrued_from, rule.valid_from) if loan.accrued_from else None
        days = max(0, (loan.on - start).days) if start else 0
        rate = loan.rate_percent
        if programme.kind is ProgrammeKind.GUARANTEE_FEE_SUBSIDY:
            assert rule.fee_cap_percent is not None
            rate = min(rate, rule.fee_cap_percent)
        base = loan.outstanding_before_cny
        earned = _accrued(base, rate, days, rule.share)
        found = Entitlement(programme, rule, base, days, rate, earned, start)
    return found if found.earned_cny > 0 else None


def entitlements(programmes: tuple[Programme, ...], loan: LoanMovement) -> list[Entitlement]:
    """Everything the movement earns, one entry per programme with a positive amount."""
    return [e for p in programmes if (e := entitlement(p, loan)) is not None]


def granted(earned: Decimal, budget: Decimal, already_granted: Decimal) -> Decimal:
    """What a budget covers of an amount earned: all of it, what is left, or nothing."""
    return max(Decimal("0.00"), min(earned, budget - already_granted))
