"""SQL of the matching service, next to the function that runs it."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import asyncpg

from matching.deals import Deal, DealState
from matching.exposure import Exposure
from matching.facts import ProjectFacts
from matching.feed_signals import FEED_CHANNEL_SUFFIX
from matching.mandates import Mandate
from schemas.deals import DealMatched, Offer
from schemas.envelope import EventData
from schemas.lending import LenderRegistered, MandateClosed, MandateVersion
from schemas.scoring import CarbonReductionField, Flag, ProjectScored
from schemas.vocabulary import City, Instrument, ProjectFamily
from servicekit.db import Connection, Executor

# -- lenders and mandates ------------------------------------------------------------------


async def insert_lender(con: Connection, e: LenderRegistered) -> bool:
    """False when the lender is already registered (even by a concurrent request)."""
    inserted = await con.fetchval(
        "INSERT INTO lenders (lender_id, name, kind, city, spec, registered_at)"
        " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (lender_id) DO NOTHING RETURNING true",
        e.lender_id,
        e.name,
        str(e.kind),
        str(e.city),
        e.model_dump(mode="json"),
        e.registered_at,
    )
    return bool(inserted)


async def fetch_lender(con: Executor, lender_id: uuid.UUID) -> asyncpg.Record | None:
    return await con.fetchrow("SELECT * FROM lenders WHERE lender_id = $1", lender_id)


async def save_mandate_version(con: Connection, e: MandateVersion) -> None:
    snapshot = e.model_dump(mode="json")
    await con.execute(
        "INSERT INTO mandates (mandate_id, lender_id, version, snapshot) VALUES ($1, $2, $3, $4)"
        " ON CONFLICT (mandate_id) DO UPDATE SET version = EXCLUDED.version,"
        " snapshot = EXCLUDED.snapshot, revision = nextval('mandate_revision'), updated_at = now()",
        e.mandate_id,
        e.lender_id,
        e.version,
        snapshot,
    )
    await con.execute(
        "INSERT INTO mandate_versions (mandate_id, version, event_type, snapshot, recorded_at)"
        " VALUES ($1, $2, $3, $4, $5)",
        e.mandate_id,
        e.version,
        e.event_type,
        snapshot,
        e.recorded_at,
    )


async def close_mandate(con: Connection, e: MandateClosed) -> None:
    await con.execute(
        "UPDATE mandates SET closed = true, revision = nextval('mandate_revision'),"
        " updated_at = now() WHERE mandate_id = $1",
        e.mandate_id,
    )
    await con.execute(
        "INSERT INTO mandate_versions (mandate_id, version, event_type, snapshot, recorded_at)"
        " VALUES ($1, $2, $3, $4, $5)",
        e.mandate_id,
        e.version,
        e.event_type,
        e.model_dump(mode="json"),
        e.closed_at,
    )


async def touch_mandate(con: Connection, mandate_id: uuid.UUID) -> None:
    """A disbursement changed the mandate's room: the matcher's book must reload it."""
    await con.execute(
        "UPDATE mandates SET revision = nextval('mandate_revision') WHERE mandate_id = $1",
        mandate_id,
    )


_COMMITTED = (
    "SELECT mandate_id, enterprise_id, city, family, reserved_cny, disbursed_cny, repaid_cny"
    " FROM deals WHERE mandate_id = ANY($1::uuid[]) AND (reserved_cny > 0 OR disbursed_cny > 0)"
    " ORDER BY deal_id"
)


async def _exposures(con: Executor, revolving: dict[uuid.UUID, bool]) -> dict[uuid.UUID, Exposure]:
    """Per mandate: live offers' undrawn reservations plus its loans (outstanding balances
    on a revolving mandate, everything drawn otherwise)."""
    exposures: dict[uuid.UUID, Exposure] = defaultdict(Exposure)
    for r in await con.fetch(_COMMITTED, list(revolving)):
        exposure, axes = exposures[r["mandate_id"]], _axes(r)
        drawn = r["disbursed_cny"] or Decimal(0)
        exposure.add(r["reserved_cny"], *axes, reserved=True)
        exposure.add(drawn - r["repaid_cny"] if revolving[r["mandate_id"]] else drawn, *axes)
    return exposures


def _axes(r: asyncpg.Record) -> tuple[uuid.UUID, City, ProjectFamily]:
    return r["enterprise_id"], City(r["city"]), ProjectFamily(r["family"])


async def _mandates(con: Executor, rows: Sequence[asyncpg.Record]) -> list[Mandate]:
    versions = [MandateVersion.model_validate(r["snapshot"], extra="ignore") for r in rows]
    exposures = await _exposures(con, {v.mandate_id: v.revolving for v in versions})
    mandates = []
    for r, version in zip(rows, versions, strict=True):
        mandate = Mandate.from_version(version, exposures.get(r["mandate_id"]))
        mandate.closed = r["closed"]
        mandates.append(mandate)
    return mandates


async def load_mandate(
    con: Connection, mandate_id: uuid.UUID, *, lock: bool = False
) -> Mandate | None:
    suffix = " FOR UPDATE" if lock else ""
    row = await con.fetchrow(f"SELECT * FROM mandates WHERE mandate_id = $1{suffix}", mandate_id)
    return (await _mandates(con, [row]))[0] if row else None


async def mandates_changed_since(con: Executor, revision: int) -> tuple[list[Mandate], int]:
    """Mandates whose terms, state or exposure changed after `revision`, and the new mark."""
    rows = await con.fetch("SELECT * FROM mandates WHERE revision > $1 ORDER BY revision", revision)
    mark = max([revision, *(r["revision"] for r in rows)])
    return await _mandates(con, rows), mark


async def list_mandates(
    con: Executor, lender_id: uuid.UUID | None, after: int, limit: int
) -> list[asyncpg.Record]:
    return await con.fetch(
        "SELECT seq, mandate_id, lender_id, version, closed, snapshot, updated_at FROM mandates"
        " WHERE seq > $1 AND ($2::uuid IS NULL OR lender_id = $2) ORDER BY seq LIMIT $3",
        after,
        lender_id,
        limit,
    )


async def fetch_mandate_row(con: Executor, mandate_id: uuid.UUID) -> asyncpg.Record | None:
    return await con.fetchrow(
        "SELECT seq, mandate_id, lender_id, version, closed, snapshot, updated_at FROM mandates"
        " WHERE mandate_id = $1",
        mandate_id,
    )


async def mandate_balance(con: Executor, mandate_id: uuid.UUID) -> asyncpg.Record:
    """What a mandate's deals hold: reserved by live offers, drawn, repaid, outstanding."""
    row: asyncpg.Record | None = await con.fetchrow(
        "SELECT coalesce(sum(reserved_cny), 0) AS reserved_cny,"
        " coalesce(sum(disbursed_cny), 0) AS disbursed_cny,"
        " coalesce(sum(repaid_cny), 0) AS repaid_cny,"
        " coalesce(sum(disbursed_cny - repaid_cny), 0) AS outstanding_cny"
        " FROM deals WHERE mandate_id = $1",
        mandate_id,
    )
    assert row is not None  # an aggregate always returns a row
    return row


# -- scored projects -------------------------------------------------------------------------


async def keep_newer_scores(
    con: Connection, events: Sequence[ProjectScored]
) -> list[ProjectScored]:
    """Upsert the project read model; returns the scores newer than what was stored."""
    latest: dict[uuid.UUID, ProjectScored] = {}
    for e in events:
        old = latest.get(e.project_id)
        if old is None or (old.project_version, old.scored_at) < (e.project_version, e.scored_at):
            latest[e.project_id] = e
    if not latest:
        return []
    latest = dict(sorted(latest.items()))  # rows locked in one order, as every writer does
    rows = await con.fetch(
        "INSERT INTO projects (project_id, project_version, enterprise_id, scored, scored_at)"
        " SELECT * FROM unnest($1::uuid[], $2::int[], $3::uuid[], $4::jsonb[], $5::timestamptz[])"
        " ON CONFLICT (project_id) DO UPDATE SET project_version = EXCLUDED.project_version,"
        " scored = EXCLUDED.scored, scored_at = EXCLUDED.scored_at"
        " WHERE NOT projects.withdrawn AND (projects.project_version, projects.scored_at)"
        " < (EXCLUDED.project_version, EXCLUDED.scored_at) RETURNING project_id",
        [e.project_id for e in latest.values()],
        [e.project_version for e in latest.values()],
        [e.enterprise_id for e in latest.values()],
        [e.model_dump(mode="json") for e in latest.values()],
        [e.scored_at for e in latest.values()],
    )
    fresh = {r["project_id"] for r in rows}
    return [e for e in latest.values() if e.project_id in fresh]


async def withdraw_projects(con: Connection, project_ids: Sequence[uuid.UUID]) -> None:
    await con.execute(
        "INSERT INTO projects (project_id, project_version, enterprise_id, withdrawn, scored,"
        " scored_at) SELECT id, 0, '00000000-0000-0000-0000-000000000000', true, '{}'::jsonb,"
        " now() FROM unnest($1::uuid[]) AS id ON CONFLICT (project_id) DO UPDATE"
        " SET withdrawn = true",
        sorted(set(project_ids)),
    )


@dataclass(frozen=True)
class ProjectStanding:
    """Whether a project may still be lent to: its newest stored version, and why not."""

    project_version: int
    withdrawn: bool
    rejected: bool
    flags: tuple[Flag, ...]


async def project_standing(con: Executor, project_id: uuid.UUID) -> ProjectStanding | None:
    row = await con.fetchrow(
        "SELECT project_version, withdrawn, rejected, scored->'flags' AS flags FROM projects"
        " WHERE project_id = $1",
        project_id,
    )
    if row is None:
        return None
    flags = tuple(Flag.model_validate(f, extra="ignore") for f in row["flags"] or ())
    return ProjectStanding(row["project_version"], row["withdrawn"], row["rejected"], flags)


# Generated columns of `projects` (migrations 0003 and 0005) hold each score's facts, so a
# re-match over 200,000 projects neither parses nor de-TOASTs a single snapshot.
# tests/integration/test_matching_live_facts.py checks they agree with facts_from_scored().
_LIVE_FACTS = (
    "SELECT project_id, project_version, enterprise_id, family, city,"
    " eligible_instruments AS instruments, financing_need_cny, capex_cny, tenor_months, score,"
    " annual_tco2e, tco2e_per_10k_cny, abatement_cost_cny_per_tco2e, high_energy_high_emission,"
    " plausibility_flagged FROM projects WHERE NOT withdrawn AND NOT rejected"
)


async def live_project_facts(con: Executor) -> list[ProjectFacts]:
    """What matching tests of every live (neither withdrawn nor rejected) project, without
    parsing whole snapshots."""
    instrument_sets: dict[tuple[str, ...], frozenset[Instrument]] = {}

    def instruments(names: list[str]) -> frozenset[Instrument]:
        key = tuple(names)  # few distinct combinations: build each set once
        if key not in instrument_sets:
            instrument_sets[key] = frozenset(Instrument(n) for n in names)
        return instrument_sets[key]

    return [
        ProjectFacts(
            project_id=r["project_id"],
            project_version=r["project_version"],
            enterprise_id=r["enterprise_id"],
            family=ProjectFamily(r["family"]),
            city=City(r["city"]),
            instruments=instruments(r["instruments"]),
            financing_need_cny=r["financing_need_cny"],
            capex_cny=r["capex_cny"],
            tenor_months=r["tenor_months"],
            score=r["score"],
            annual_tco2e=r["annual_tco2e"],
            tco2e_per_10k_cny=r["tco2e_per_10k_cny"],
            abatement_cost_cny_per_tco2e=r["abatement_cost_cny_per_tco2e"],
            high_energy_high_emission=r["high_energy_high_emission"],
            plausibility_flagged=r["plausibility_flagged"],
        )
        for r in await con.fetch(_LIVE_FACTS)
    ]


async def live_scores(
    con: Executor, project_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, ProjectScored]:
    """The stored scores of these live projects, whole (for the deals they open).

    The rows stay share-locked until commit, so a withdrawal or a rejecting score of one of
    them waits for the deals opened here and then withdraws them (withdrawal wins).
    """
    rows = await con.fetch(
        "SELECT scored FROM projects WHERE project_id = ANY($1::uuid[]) AND NOT withdrawn"
        " AND NOT rejected ORDER BY project_id FOR SHARE",
        list(project_ids),
    )
    parsed = (ProjectScored.model_validate(r["scored"], extra="ignore") for r in rows)
    return {s.project_id: s for s in parsed}


# -- deals -----------------------------------------------------------------------------------


def _deal(r: asyncpg.Record) -> Deal:
    project = r["matched"]["project"]
    offer = Offer.model_validate(r["offer"]) if r["offer"] else None
    return Deal(
        r["deal_id"],
        r["lender_id"],
        r["mandate_id"],
        r["mandate_version"],
        r["project_id"],
        r["project_version"],
        r["enterprise_id"],
        City(project["city"]),
        ProjectFamily(project["family"]),
        Decimal(project["financing_need_cny"]),
        frozenset(Instrument(i) for i in project["instruments"]),
        DealState(r["state"]),
        offer,
        r["disbursed_cny"],
        CarbonReductionField(project["taxonomy"]["carbon_reduction_facility_field"]),
        r["repaid_cny"],
        r["offer_open"],
    )


async def deals_of_projects(con: Connection, project_ids: Sequence[uuid.UUID]) -> list[Deal]:
    rows = await con.fetch(
        "SELECT * FROM deals WHERE project_id = ANY($1::uuid[]) ORDER BY deal_id FOR UPDATE",
        list(project_ids),
    )
    return [_deal(r) for r in rows]


async def deals_of_mandate(
    con: Connection, mandate_id: uuid.UUID, *, skip_locked: bool = False
) -> list[Deal]:
    """The mandate's deals, locked; with `skip_locked`, those another transaction holds are
    left out (a caller holding the mandate's lock must never wait for a deal's: the deal's
    holder may be waiting for the mandate)."""
    suffix = " SKIP LOCKED" if skip_locked else ""
    rows = await con.fetch(
        f"SELECT * FROM deals WHERE mandate_id = $1 ORDER BY deal_id FOR UPDATE{suffix}",
        mandate_id,
    )
    return [_deal(r) for r in rows]


async def lock_deal(
    con: Connection, deal_id: uuid.UUID, *, lock: bool = True
) -> tuple[Deal, asyncpg.Record] | None:
    suffix = " FOR UPDATE" if lock else ""
    row = await con.fetchrow(f"SELECT * FROM deals WHERE deal_id = $1{suffix}", deal_id)
    return (_deal(row), row) if row else None


async def fetch_deal(con: Executor, deal_id: uuid.UUID) -> asyncpg.Record | None:
    return await con.fetchrow("SELECT * FROM deals WHERE deal_id = $1", deal_id)


async def open_deals(con: Executor, lender_id: uuid.UUID | None) -> list[asyncpg.Record]:
    return await con.fetch(
        "SELECT d.*, p.scored FROM deals d JOIN projects p USING (project_id)"
        " WHERE d.state IN ('matched', 'interested', 'offered')"
        " AND NOT p.withdrawn AND NOT p.rejected"
        " AND ($1::uuid IS NULL OR d.lender_id = $1)",
        lender_id,
    )


async def insert_deals(con: Connection, events: Sequence[DealMatched]) -> list[DealMatched]:
    """New deals only: a replayed match inserts nothing and so emits nothing."""
    if not events:
        return []
    rows = await con.fetch(
        "INSERT INTO deals (deal_id, lender_id, mandate_id, mandate_version, project_id,"
        " project_version, enterprise_id, state, matched)"
        " SELECT d, l, m, mv, p, pv, e, 'matched', j FROM unnest($1::uuid[], $2::uuid[],"
        " $3::uuid[], $4::int[], $5::uuid[], $6::int[], $7::uuid[], $8::jsonb[])"
        " AS t(d, l, m, mv, p, pv, e, j) ON CONFLICT DO NOTHING RETURNING deal_id",
        [e.deal_id for e in events],
        [e.lender_id for e in events],
        [e.mandate_id for e in events],
        [e.mandate_version for e in events],
        [e.project_id for e in events],
        [e.project_version for e in events],
        [e.enterprise_id for e in events],
        [e.model_dump(mode="json") for e in events],
    )
    fresh = {r["deal_id"] for r in rows}
    return [e for e in events if e.deal_id in fresh]


async def save_deal_states(con: Connection, deals: Sequence[Deal]) -> None:
    """Store each deal's state and money; mandates whose room moved are reloaded by matching."""
    await con.executemany(
        "UPDATE deals SET state = $2, offer = $3, disbursed_cny = $4, repaid_cny = $5,"
        " reserved_cny = $6, offer_open = $7, offer_valid_until = $8, updated_at = now()"
        " WHERE deal_id = $1",
        [
            (
                d.deal_id,
                str(d.state),
                d.offer.model_dump(mode="json") if d.offer else None,
                d.disbursed_cny,
                d.repaid_cny,
                d.reserved_cny,
                d.offer_open,
                d.offer.valid_until if d.offer else None,
            )
            for d in deals
        ],
    )
    moved = sorted({d.mandate_id for d in deals if d.capacity_changed})
    if moved:
        await con.execute(
            "UPDATE mandates SET revision = nextval('mandate_revision')"
            " WHERE mandate_id = ANY($1::uuid[])",
            moved,
        )


async def record_disbursement(con: Connection, deal: Deal, amount: Decimal, on: Any) -> None:
    """One more tranche of the deal, numbered after the ones before it."""
    await con.execute(
        "INSERT INTO disbursements (deal_id, tranche, mandate_id, enterprise_id, city, family,"
        " amount_cny, disbursed_on) SELECT $1, coalesce(max(tranche), 0) + 1, $2, $3, $4, $5,"
        " $6, $7 FROM disbursements WHERE deal_id = $1",
        deal.deal_id,
        deal.mandate_id,
        deal.enterprise_id,
        str(deal.city),
        str(deal.family),
        amount,
        on,
    )


async def record_repayment(con: Connection, deal: Deal, amount: Decimal, on: Any) -> None:
    await con.execute(
        "INSERT INTO repayments (deal_id, number, mandate_id, amount_cny, repaid_on)"
        " SELECT $1, coalesce(max(number), 0) + 1, $2, $3, $4 FROM repayments WHERE deal_id = $1",
        deal.deal_id,
        deal.mandate_id,
        amount,
        on,
    )


async def loan_movements(
    con: Executor, deal_id: uuid.UUID
) -> tuple[list[asyncpg.Record], list[asyncpg.Record]]:
    """A deal's tranches and repayments, oldest first."""
    tranches = await con.fetch(
        "SELECT tranche, amount_cny, disbursed_on FROM disbursements WHERE deal_id = $1"
        " ORDER BY tranche",
        deal_id,
    )
    repaid = await con.fetch(
        "SELECT number, amount_cny, repaid_on FROM repayments WHERE deal_id = $1 ORDER BY number",
        deal_id,
    )
    return tranches, repaid


async def offers_past(con: Executor, today: Any, limit: int) -> list[uuid.UUID]:
    """Deals whose open offer was valid only before `today`: the expiry sweep's work."""
    rows = await con.fetch(
        "SELECT deal_id FROM deals WHERE offer_open AND offer_valid_until < $1"
        " ORDER BY offer_valid_until, deal_id LIMIT $2",
        today,
        limit,
    )
    return [r["deal_id"] for r in rows]


async def project_owner(con: Executor, project_id: uuid.UUID) -> uuid.UUID | None:
    """The enterprise a scored project belongs to, if the caller may see the project."""
    owner: uuid.UUID | None = await con.fetchval(
        "SELECT enterprise_id FROM projects WHERE project_id = $1", project_id
    )
    return owner


async def interested_lenders(con: Executor, project_id: uuid.UUID) -> list[asyncpg.Record]:
    """Lenders that showed interest in, offered on or funded a project: all its owner sees."""
    return await con.fetch(
        "SELECT d.lender_id, l.name AS lender_name, d.state, d.updated_at"
        " FROM deals d JOIN lenders l USING (lender_id) WHERE d.project_id = $1"
        " AND d.state IN ('interested', 'offered', 'disbursed') ORDER BY d.created_at",
        project_id,
    )


# -- feeds -----------------------------------------------------------------------------------


async def append_to_feeds(con: Connection, events: Sequence[EventData]) -> None:
    """Give each deal event the next position in its lender's feed, lenders locked in order."""
    by_lender: dict[uuid.UUID, list[EventData]] = defaultdict(list)
    for event in events:
        by_lender[getattr(event, "lender_id")].append(event)  # noqa: B009
    rows: list[tuple[object, ...]] = []
    for lender_id in sorted(by_lender):
        items = by_lender[lender_id]
        end = await con.fetchval(
            "UPDATE lenders SET feed_position = feed_position + $2 WHERE lender_id = $1"
            " RETURNING feed_position",
            lender_id,
            len(items),
        )
        if end is None:
            continue
        start = end - len(items) + 1
        rows.extend(
            (lender_id, start + i, getattr(e, "deal_id"), e.event_type, e.model_dump(mode="json"))  # noqa: B009
            for i, e in enumerate(items)
        )
    await con.executemany(
        "INSERT INTO feed (lender_id, position, deal_id, event_type, payload)"
        " VALUES ($1, $2, $3, $4, $5)",
        rows,
    )
    # Live streams of these lenders wake at commit (matching/feed_signals.py).
    await con.execute(
        "SELECT pg_notify(current_schema() || $1, lender::text) FROM unnest($2::uuid[]) AS lender",
        FEED_CHANNEL_SUFFIX,
        sorted({r[0] for r in rows}, key=str),
    )


async def feed_page(
    con: Executor, lender_id: uuid.UUID, after: int, limit: int
) -> list[asyncpg.Record]:
    return await con.fetch(
        "SELECT position, deal_id, event_type, payload, at FROM feed"
        " WHERE lender_id = $1 AND position > $2 ORDER BY position LIMIT $3",
        lender_id,
        after,
        limit,
    )
