"""After a project or mandate changes: which deals to open and which to take out of feeds."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from matching.lending.deals import Deal
from matching.matching.matcher import Match
from schemas.deals import DealWithdrawn


@dataclass(frozen=True)
class Reconciliation:
    """New matches to publish as deals, and the withdrawals of deals they replace."""

    opened: tuple[Match, ...]
    withdrawn: tuple[DealWithdrawn, ...]


def _why(deal: Deal, fresh: Match | None) -> str:
    if fresh is None:
        return (
            f"project version {deal.project_version} no longer meets "
            f"mandate version {deal.mandate_version}"
        )
    changes = []
    if fresh.project.project_version != deal.project_version:
        changes.append(f"project updated to version {fresh.project.project_version}")
    if fresh.mandate_version != deal.mandate_version:
        changes.append(f"mandate updated to version {fresh.mandate_version}")
    return "; ".join(changes) + "; replaced by a new deal"


def reconcile(
    existing: Sequence[Deal], matches: Sequence[Match], *, at: datetime
) -> Reconciliation:
    """Compare the deals in scope (one project's, or one mandate's) with a fresh match of it.

    A match whose deal already exists is a replay and opens nothing. A deal with an offer or a
    disbursement stands, and no new deal is opened for its (project, mandate) pair. Any other
    unfinished deal that the fresh match does not reproduce is withdrawn, saying why.
    """
    known = {deal.deal_id for deal in existing}
    committed = {(d.project_id, d.mandate_id) for d in existing if d.state.committed}
    fresh_by_pair = {(m.project.project_id, m.mandate.mandate_id): m for m in matches}
    fresh_ids = {m.deal_id for m in matches}
    opened = tuple(
        m
        for m in matches
        if m.deal_id not in known and (m.project.project_id, m.mandate.mandate_id) not in committed
    )
    withdrawn = [
        deal.withdraw(_why(deal, fresh_by_pair.get((deal.project_id, deal.mandate_id))), at=at)
        for deal in existing
        if deal.deal_id not in fresh_ids and not deal.state.committed
    ]
    return Reconciliation(opened, tuple(w for w in withdrawn if w is not None))


def withdraw_all(
    deals: Iterable[Deal], reason: str, *, at: datetime, keep_committed: bool = False
) -> list[DealWithdrawn]:
    """Withdraw every unfinished deal (project withdrawn, mandate closed or at capacity)."""
    events = [
        deal.withdraw(reason, at=at)
        for deal in deals
        if not (keep_committed and deal.state.committed)
    ]
    return [event for event in events if event is not None]
