"""A loan movement earns its subsidies inside the transaction that moves the loan.

The deal and its mandate are already locked; the budgets of the programmes that pay are locked
next, in id order, so grants from any number of processes take turns and each sees what the
others granted. What a budget cannot cover is recorded as earned but not granted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from matching.lending.deals import Deal
from matching.lending.money import from_fen, to_fen
from matching.repository import subsidies as subsidy_store
from matching.repository.subsidies import LoanFacts
from matching.subsidies.accrual import Entitlement, LoanMovement, entitlements, granted
from schemas.subsidies import Movement, SubsidyEarned
from servicekit.db import Connection


@dataclass(frozen=True)
class Before:
    """The loan as it stood before the movement: its balance and what the rules read."""

    outstanding_cny: Decimal
    facts: LoanFacts


async def before_movement(con: Connection, deal: Deal) -> Before:
    """Taken before the movement changes the deal (interest accrues on the old balance)."""
    return Before(deal.outstanding_cny, await subsidy_store.loan_facts(con, deal.deal_id))


def _movement(
    deal: Deal, before: Before, movement: Movement, number: int, on: date, amount: Decimal
) -> LoanMovement:
    assert deal.offer is not None
    return LoanMovement(
        movement=movement,
        number=number,
        on=on,
        amount_cny=amount,
        outstanding_before_cny=before.outstanding_cny,
        accrued_from=before.facts.last_movement_on,
        instrument=deal.offer.instrument,
        rate_percent=deal.offer.rate_percent,
        score=before.facts.score,
        catalogue_category_code=before.facts.catalogue_category_code,
    )


def _event(
    deal: Deal,
    project_name: str,
    loan: LoanMovement,
    found: Entitlement,
    grant: Decimal,
    left: Decimal,
    at: datetime,
) -> SubsidyEarned:
    programme, rule = found.programme, found.rule
    return SubsidyEarned(
        **deal.identity(),
        enterprise_id=deal.enterprise_id,
        project_name=project_name,
        programme_id=programme.programme_id,
        programme_name=programme.name,
        kind=programme.kind,
        claimant=programme.claimant,
        movement=loan.movement,
        number=loan.number,
        movement_on=loan.on,
        accrued_from=found.accrued_from if found.days else None,
        days=found.days,
        instrument=loan.instrument,
        base_cny=found.base_cny,
        rate_percent=found.rate_percent,
        share=rule.share,
        earned_cny=found.earned_cny,
        granted_cny=grant,
        budget_left_cny=left,
        rule_source=rule.source,
        illustrative=rule.illustrative or programme.illustrative,
        earned_at=at,
    )


async def earn(
    con: Connection,
    deal: Deal,
    before: Before,
    movement: Movement,
    number: int,
    on: date,
    amount: Decimal,
    *,
    at: datetime,
) -> list[SubsidyEarned]:
    """Compute, grant within budget and record what one tranche or repayment earned."""
    loan = _movement(deal, before, movement, number, on, amount)
    found = entitlements(await subsidy_store.programmes(con), loan)
    if not found:
        return []
    budgets = await subsidy_store.lock_budgets(con, [e.programme.programme_id for e in found])
    events = []
    for entry in sorted(found, key=lambda e: e.programme.programme_id):
        budget = budgets[entry.programme.programme_id]
        total, spent = from_fen(budget.budget_fen), from_fen(budget.granted_fen)
        grant = granted(entry.earned_cny, total, spent)
        if grant:
            await subsidy_store.add_granted(con, entry.programme.programme_id, to_fen(grant))
        left = total - spent - grant
        events.append(_event(deal, before.facts.project_name, loan, entry, grant, left, at))
    await subsidy_store.insert_claims(con, events)
    return events
