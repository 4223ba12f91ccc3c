"""Matching's reactions to scored projects and mandate changes, and its lender commands.

Consumer work sees every lender's rows (the inbox acts as `SYSTEM`); a lender's command runs acting
for that lender, so row-level security keeps it inside the lender's own rows.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime

import asyncpg

from matching.lending.collateral import PLEDGE
from matching.lending.deals import Deal, china_date
from matching.lending.mandates import Mandate
from matching.lending.responses import close_offer, repay, respond
from matching.matching.matcher import Match
from matching.matching.rematch import reconcile, withdraw_all
from matching.matching.scored import deal_matched, deal_project, facts_from_scored, is_rejected
from matching.repository import (
    carbon_prices as price_store,
)
from matching.repository import (
    deals as deal_store,
)
from matching.repository import (
    feeds as feed_store,
)
from matching.repository import (
    lenders as lender_store,
)
from matching.repository import (
    projects as project_store,
)
from matching.repository import (
    sweeps as sweep_store,
)
from matching.repository.book_keeper import BookKeeper
from matching.subsidy_grants import before_movement, earn
from schemas.deals import (
    DealOfferClosed,
    DealRepaid,
    DealResponded,
    DealResponse,
    Disbursement,
    Offer,
    OfferEnd,
    Repayment,
)
from schemas.eligibility import rejection_reason
from schemas.envelope import EventData
from schemas.lending import (
    LenderRegistered,
    LenderSpec,
    MandateClosed,
    MandateRegistered,
    MandateSpec,
    MandateUpdated,
    MandateVersion,
)
from schemas.project import ProjectWithdrawn
from schemas.scoring import ProjectScored
from schemas.subsidies import Movement
from servicekit.auth import Role
from servicekit.commands import OwnedAggregate
from servicekit.consumers import Batch, HandlerTable, on
from servicekit.db import Connection
from servicekit.errors import Conflict, Forbidden
from servicekit.outbox import enqueue
from servicekit.policies import owned
from servicekit.rls import SYSTEM, acting_for

SOURCE = "greenlink/matching"


def _now() -> datetime:
    return datetime.now(UTC)


async def _publish(con: Connection, events: Sequence[EventData]) -> None:
    """Deal events go to each lender's feed and, through the outbox, to Kafka."""
    if events:
        await feed_store.append_to_feeds(con, events)
        await enqueue(con, events, source=SOURCE)


async def settle(
    con: Connection,
    scope: Sequence[Deal],
    matches: Sequence[Match],
    scored: Mapping[uuid.UUID, ProjectScored] | None = None,
) -> int:
    """Open deals for new matches, withdraw the ones no longer reproduced, announce both;
    returns how many deals opened.

    Without `scored`, the whole scores of just the projects that open a deal are loaded. A
    project re-scored in between opens nothing here: its own new score matches it again.
    """
    now = _now()
    result = reconcile(scope, matches, at=now)
    if scored is None:
        scored = await project_store.live_scores(con, [m.project.project_id for m in result.opened])
    opening = {m.project.project_id for m in result.opened} & scored.keys()
    shown = {pid: deal_project(scored[pid]) for pid in opening}  # once per project, not deal
    fresh = [
        deal_matched(m, score, at=now, shown=shown[score.project_id])
        for m in result.opened
        if (score := scored.get(m.project.project_id)) is not None
        and score.project_version == m.project.project_version
    ]
    opened = await deal_store.insert_deals(con, fresh)
    withdrawn_ids = {w.deal_id for w in result.withdrawn}
    await deal_store.save_deal_states(con, [d for d in scope if d.deal_id in withdrawn_ids])
    await _publish(con, [*opened, *result.withdrawn])
    return len(opened)


async def _withdraw_rejected(
    con: Connection, rejected: Sequence[ProjectScored], deals: Sequence[Deal]
) -> None:
    """A version scored `rejected` takes every unfinished deal of its project out of the feeds,
    offers included (nothing may be disbursed on it), naming the reject flags."""
    now = _now()
    withdrawn = []
    for score in rejected:
        reason = rejection_reason(score.project_version, score.flags)
        own = [d for d in deals if d.project_id == score.project_id]
        withdrawn += withdraw_all(own, reason, at=now)
    await deal_store.save_deal_states(con, deals)
    await _publish(con, withdrawn)


def consumer_handlers(keeper: BookKeeper) -> HandlerTable:
    """Matching's consumer of scores, withdrawals and mandates, sharing one mandate book."""

    async def on_scored(con: Connection, events: Batch[ProjectScored]) -> None:
        book = await keeper.sync(con)
        fresh = await project_store.keep_newer_scores(con, events.data)
        if not fresh:
            return
        existing = await deal_store.deals_of_projects(con, [s.project_id for s in fresh])
        sound = {s.project_id: s for s in fresh if not is_rejected(s)}
        rejected = [s for s in fresh if s.project_id not in sound]
        await _withdraw_rejected(con, rejected, [d for d in existing if d.project_id not in sound])
        matches = book.match([facts_from_scored(s) for s in sound.values()])
        await settle(con, [d for d in existing if d.project_id in sound], matches, sound)

    async def on_project_withdrawn(con: Connection, events: Batch[ProjectWithdrawn]) -> None:
        ids = [e.project_id for e in events.data]
        await project_store.withdraw_projects(con, ids)
        deals = await deal_store.deals_of_projects(con, ids)
        withdrawn = withdraw_all(deals, "project withdrawn by its owner", at=_now())
        await deal_store.save_deal_states(con, deals)
        await _publish(con, withdrawn)

    async def on_mandate(con: Connection, events: Batch[MandateVersion | MandateClosed]) -> None:
        """A closed or exhausted mandate's deals leave the feeds now; a registered or changed
        one is queued to be matched against every stored project, chunk by chunk, by the
        sweep (matching.mandate_sweeps), never inside this batch: its size grows with the
        project database, and a batch must end within the consumer's Kafka session."""
        await keeper.sync(con)
        for mandate_id in dict.fromkeys(e.mandate_id for e in events.data):
            mandate = await lender_store.load_mandate(con, mandate_id)
            if mandate is None:
                continue
            if mandate.closed or mandate.at_capacity:
                await sweep_store.drop(con, mandate_id)
                await withdraw_mandate_deals(con, mandate)
            else:
                await sweep_store.start(con, mandate_id, mandate.version)

    return HandlerTable(
        on(ProjectScored, handle=on_scored),
        on(ProjectWithdrawn, handle=on_project_withdrawn),
        on(MandateRegistered, MandateUpdated, MandateClosed, handle=on_mandate),
    )


async def withdraw_mandate_deals(con: Connection, mandate: Mandate) -> None:
    """A closed or exhausted mandate takes its unfinished deals out of the feeds; offers and
    loans stand."""
    deals = await deal_store.deals_of_mandate(con, mandate.mandate_id)
    reason = "mandate closed" if mandate.closed else "mandate capacity exhausted"
    withdrawn = withdraw_all(deals, reason, at=_now(), keep_committed=True)
    await deal_store.save_deal_states(con, deals)
    await _publish(con, withdrawn)


# -- lender commands ----------------------------------------------------------------------


async def register_lender(
    pool: asyncpg.Pool, spec: LenderSpec, lender_id: uuid.UUID
) -> LenderRegistered:
    event = LenderRegistered(**dict(spec), lender_id=lender_id, registered_at=_now())
    async with acting_for(pool, Role.LENDER, lender_id) as con:
        if not await lender_store.insert_lender(con, event):
            raise Conflict("this lender is already registered", field="lender_id")
        await enqueue(con, [event], source=SOURCE)
    return event


async def register_mandate(pool: asyncpg.Pool, spec: MandateSpec, lender_id: uuid.UUID) -> Mandate:
    async with acting_for(pool, Role.LENDER, lender_id) as con:
        if not await lender_store.fetch_lender(con, lender_id):
            raise Forbidden("register the lender before its mandates", field="lender")
        mandate, event = Mandate.register(spec, lender_id=lender_id, at=_now())
        await lender_store.save_mandate_version(con, event)
        await enqueue(con, [event], source=SOURCE)
    return mandate


async def _own_mandate(con: Connection, mandate_id: uuid.UUID, lender_id: uuid.UUID) -> Mandate:
    found = await lender_store.load_mandate(con, mandate_id, lock=True)
    return owned(found, _lender, lender_id, f"mandate {mandate_id} not found", "mandate_id")


def _lender(owned_by_a_lender: Mandate | Deal) -> uuid.UUID:
    return owned_by_a_lender.lender_id


MANDATES = OwnedAggregate(Role.LENDER, SOURCE, _own_mandate)


def _updated(
    mandate: Mandate, at: datetime, spec: MandateSpec, expected_version: int | None
) -> MandateUpdated:
    return mandate.update(spec, at=at, expected_version=expected_version)


def _closed(mandate: Mandate, at: datetime, reason: str) -> MandateClosed:
    return mandate.close(reason=reason, at=at)


update_mandate = MANDATES.command(_updated, lender_store.save_mandate_version)
"""(pool, mandate id, lender, spec, expected version): the mandate's next version."""
close_mandate = MANDATES.command(_closed, lender_store.close_mandate)
"""(pool, mandate id, lender, reason): the mandate stops matching."""


async def _locked_deal(
    con: Connection, deal_id: uuid.UUID, lender_id: uuid.UUID | None
) -> tuple[Deal, Mandate]:
    """The deal and its mandate, locked in that order (every writer takes them so)."""
    found = await deal_store.lock_deal(con, deal_id)
    deal = owned(found and found[0], _lender, lender_id, f"deal {deal_id} not found", "deal_id")
    mandate = await lender_store.load_mandate(con, deal.mandate_id, lock=True)
    assert mandate is not None
    return deal, mandate


async def _require_live_project(con: Connection, deal: Deal) -> None:
    """No offer and no tranche (not even on a loan already running) once the project is
    withdrawn or its newest version is scored `rejected`."""
    standing = await project_store.project_standing(con, deal.project_id)
    if standing is None:
        return
    if standing.withdrawn:
        raise Conflict(f"project {deal.project_id} was withdrawn by its owner", field="project_id")
    if standing.rejected:
        reason = rejection_reason(standing.project_version, standing.flags)
        raise Conflict(reason, field="project_id")


async def answer_deal(
    pool: asyncpg.Pool, deal_id: uuid.UUID, response: DealResponse, lender_id: uuid.UUID
) -> DealResponded:
    """Record a lender's answer; an offer reserves capacity and a tranche draws on it, and a
    mandate that can no longer fund a minimum ticket has its other open deals withdrawn in
    the same commit. The mandate row's lock makes concurrent offers take turns. A tranche
    earns its subsidies in the same commit (matching.subsidy_grants)."""
    async with acting_for(pool, Role.LENDER, lender_id) as con:
        deal, mandate = await _locked_deal(con, deal_id, lender_id)
        if isinstance(response, Offer | Disbursement):
            await _require_live_project(con, deal)
        before = await before_movement(con, deal) if isinstance(response, Disbursement) else None
        now = _now()
        collateral = None
        if isinstance(response, Offer) and response.instrument is PLEDGE:
            today = china_date(now)
            collateral = await price_store.collateral_on(con, deal.expected_issuance, today)
        event = respond(deal, mandate, response, at=now, collateral=collateral)
        earned = []
        if isinstance(response, Disbursement):
            assert before is not None
            amount, on = response.amount_cny, response.disbursed_on
            tranche = await deal_store.record_disbursement(con, deal, amount, on)
            earned = await earn(
                con, deal, before, Movement.DISBURSEMENT, tranche, on, amount, at=event.responded_at
            )
        await deal_store.save_deal_states(con, [deal])
        await _publish(con, [event])
        await enqueue(con, earned, source=SOURCE)
        if mandate.at_capacity:
            # Deals another answer holds are skipped, not waited for: that answer holds its
            # deal and waits for the mandate, and meets the exhausted mandate when it gets it.
            others = [
                d
                for d in await deal_store.deals_of_mandate(
                    con, mandate.mandate_id, skip_locked=True
                )
                if d.deal_id != deal.deal_id
            ]
            withdrawn = withdraw_all(
                others, "mandate capacity exhausted", at=_now(), keep_committed=True
            )
            await deal_store.save_deal_states(con, others)
            await _publish(con, withdrawn)
    return event


async def _close(
    con: Connection, deal: Deal, mandate: Mandate, cause: OfferEnd, reason: str
) -> DealOfferClosed:
    event = close_offer(deal, mandate, cause, at=_now(), reason=reason)
    await deal_store.save_deal_states(con, [deal])
    await _publish(con, [event])
    return event


async def withdraw_offer(
    pool: asyncpg.Pool, deal_id: uuid.UUID, reason: str, lender_id: uuid.UUID
) -> DealOfferClosed:
    """The lender takes its offer back; the undrawn amount returns to the mandate."""
    async with acting_for(pool, Role.LENDER, lender_id) as con:
        deal, mandate = await _locked_deal(con, deal_id, lender_id)
        return await _close(con, deal, mandate, "withdrawn_by_lender", reason)


async def decline_offer(
    pool: asyncpg.Pool, deal_id: uuid.UUID, reason: str, enterprise_id: uuid.UUID
) -> DealOfferClosed:
    """The enterprise turns down an offer on its own project; the reservation is released.

    Visibility is checked as the enterprise (row-level security), the change made as the
    service: an enterprise never writes a lender's rows itself.
    """
    async with acting_for(pool, Role.ENTERPRISE, enterprise_id) as con:
        row = await deal_store.fetch_deal(con, deal_id)
    owned(row, lambda r: r["enterprise_id"], enterprise_id, f"deal {deal_id} not found", "deal_id")
    async with acting_for(pool, SYSTEM, None) as con:
        deal, mandate = await _locked_deal(con, deal_id, None)
        return await _close(con, deal, mandate, "declined_by_enterprise", reason)


async def record_repayment(
    pool: asyncpg.Pool, deal_id: uuid.UUID, repayment: Repayment, lender_id: uuid.UUID
) -> DealRepaid:
    """The lender books principal repaid on one of its loans; the interest (or fee) accrued
    since the loan's last movement earns its subsidies in the same commit."""
    async with acting_for(pool, Role.LENDER, lender_id) as con:
        deal, mandate = await _locked_deal(con, deal_id, lender_id)
        before = await before_movement(con, deal)
        event = repay(deal, mandate, repayment, at=_now())
        amount, on = repayment.amount_cny, repayment.repaid_on
        number = await deal_store.record_repayment(con, deal, amount, on)
        earned = await earn(
            con, deal, before, Movement.REPAYMENT, number, on, amount, at=event.repaid_at
        )
        await deal_store.save_deal_states(con, [deal])
        await _publish(con, [event])
        await enqueue(con, earned, source=SOURCE)
    return event


async def expire_offers(pool: asyncpg.Pool, today: date, batch: int = 200) -> int:
    """Close every open offer valid only before `today`, one deal per transaction.

    Safe to run from several processes at once and again after a crash: each deal is
    re-checked under its lock, so an offer expires once and only once.
    """
    async with acting_for(pool, SYSTEM, None) as con:
        due = await deal_store.offers_past(con, today, batch)
    expired = 0
    for deal_id in due:
        async with acting_for(pool, SYSTEM, None) as con:
            deal, mandate = await _locked_deal(con, deal_id, None)
            valid_until = deal.offer.valid_until if deal.offer else None
            if not deal.offer_open or valid_until is None or valid_until >= today:
                continue
            await _close(con, deal, mandate, "expired", f"valid until {valid_until}")
            expired += 1
    return expired
