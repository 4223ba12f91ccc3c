"""Read-model writes, applied in the ledger append's transaction; replays change nothing."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any

from typing_extensions import TypeVar

from audit.read_model import table_rows
from audit.read_model.table_rows import Recorded
from schemas.deals import DealMatched, DealOfferClosed, DealRepaid, DealResponded, DealWithdrawn
from schemas.envelope import EventData
from schemas.lending import LenderRegistered
from schemas.project import ProjectRegistered, ProjectUpdated, ProjectVersion, ProjectWithdrawn
from schemas.scoring import ProjectScored
from servicekit.batches import runs_by
from servicekit.db import Connection
from servicekit.rls import insert_many

E = TypeVar("E", bound=EventData)

# Each writer takes a run of one kind of event with one statement per table, whatever the run's
# length: a row per event through executemany cost PostgreSQL a parse-bind-execute round each.
# Rows are bulk inserted from arrays (servicekit.rls.insert_many); a run is first reduced to one
# row per key where the statement updates, as applying its rows one by one in ledger order would.
PROJECT_COLUMNS = (
    ("project_id", "uuid"), ("enterprise_id", "uuid"), ("version", "integer"), ("name", "text"),
    ("type", "text"), ("family", "text"), ("city", "text"), ("county", "text"),
    ("capex_cny", "numeric"), ("financing_need_cny", "numeric"), ("updated_at", "timestamptz"),
)  # fmt: skip
UPSERT_PROJECT = """ON CONFLICT (project_id) DO UPDATE SET version = EXCLUDED.version,
    name = EXCLUDED.name, type = EXCLUDED.type, family = EXCLUDED.family, city = EXCLUDED.city,
    county = EXCLUDED.county, capex_cny = EXCLUDED.capex_cny,
    financing_need_cny = EXCLUDED.financing_need_cny, updated_at = EXCLUDED.updated_at
WHERE projects.version <= EXCLUDED.version"""
WITHDRAW_PROJECTS = """
UPDATE projects SET status = 'withdrawn', updated_at = w.at
FROM unnest($1::uuid[], $2::integer[], $3::timestamptz[]) AS w(project_id, version, at)
WHERE projects.project_id = w.project_id AND projects.version <= w.version
"""
SCORE_COLUMNS = (
    ("project_id", "uuid"), ("project_version", "integer"), ("score", "double precision"),
    ("annual_tco2e", "double precision"), ("capex_cny", "numeric"), ("category_code", "text"),
    ("category", "text"), ("cerf_field", "text"), ("icma_category", "text"),
    ("scored_at", "timestamptz"),
)  # fmt: skip
UPSERT_SCORE = """ON CONFLICT (project_id) DO UPDATE SET project_version = EXCLUDED.project_version,
    score = EXCLUDED.score, annual_tco2e = EXCLUDED.annual_tco2e, capex_cny = EXCLUDED.capex_cny,
    category_code = EXCLUDED.category_code, category = EXCLUDED.category,
    cerf_field = EXCLUDED.cerf_field, icma_category = EXCLUDED.icma_category,
    scored_at = EXCLUDED.scored_at
WHERE (project_scores.project_version, project_scores.scored_at)
    <= (EXCLUDED.project_version, EXCLUDED.scored_at)"""
LENDER_COLUMNS = (
    ("lender_id", "uuid"), ("name", "text"), ("kind", "text"), ("city", "text"),
    ("registered_at", "timestamptz"),
)  # fmt: skip
DEAL_COLUMNS = (
    ("deal_id", "uuid"), ("ledger_seq", "bigint"), ("lender_id", "uuid"), ("mandate_id", "uuid"),
    ("project_id", "uuid"), ("project_version", "integer"), ("enterprise_id", "uuid"),
    ("city", "text"), ("county", "text"), ("family", "text"), ("capex_cny", "numeric"),
    ("annual_tco2e", "double precision"), ("category_code", "text"), ("cerf_field", "text"),
    ("fit_score", "double precision"), ("matched_at", "timestamptz"),
)  # fmt: skip
WITHDRAW_DEALS = """
UPDATE deals SET withdrawn_at = w.at, withdrawal_reason = w.reason
FROM unnest($1::uuid[], $2::timestamptz[], $3::text[]) AS w(deal_id, at, reason)
WHERE deals.deal_id = w.deal_id AND deals.withdrawn_at IS NULL
"""
RESPONSE_COLUMNS = (
    ("event_id", "uuid"), ("ledger_seq", "bigint"), ("deal_id", "uuid"), ("lender_id", "uuid"),
    ("mandate_id", "uuid"), ("project_id", "uuid"), ("enterprise_id", "uuid"), ("city", "text"),
    ("family", "text"), ("kind", "text"), ("instrument", "text"), ("amount_cny", "numeric"),
    ("rate_percent", "numeric"), ("tenor_months", "integer"), ("disbursed_on", "date"),
    ("reason", "text"), ("responded_at", "timestamptz"), ("repaid_on", "date"),
)  # fmt: skip
KEEP_FIRST = "ON CONFLICT DO NOTHING"

R = TypeVar("R")


def newest(rows: Iterable[R], key: Callable[[R], object], rank: Callable[[R], Any]) -> list[R]:
    """One row per key: the highest `rank`, the later row on a tie, as a guarded upsert applied
    row by row in ledger order would leave it."""
    kept: dict[object, R] = {}
    for row in rows:
        k = key(row)
        if k not in kept or rank(row) >= rank(kept[k]):
            kept[k] = row
    return list(kept.values())


def _columns(rows: Sequence[Sequence[Any]]) -> list[list[Any]]:
    return [list(column) for column in zip(*rows, strict=True)]


Writer = Callable[[Connection, Sequence[Recorded[E]]], Awaitable[None]]
WRITERS: dict[str, Writer[Any]] = {}


def _writes(*models: type[E]) -> Callable[[Writer[E]], Writer[E]]:
    """Register a writer as the read model's one writer of `models`' events."""

    def register(writer: Writer[E]) -> Writer[E]:
        for model in models:
            WRITERS[model.event_type] = writer
        return writer

    return register


@_writes(ProjectRegistered, ProjectUpdated)
async def _projects(con: Connection, batch: Sequence[Recorded[ProjectVersion]]) -> None:
    rows = newest((table_rows.project_row(r.event) for r in batch), _first, _version)
    await insert_many(con, "projects", PROJECT_COLUMNS, rows, UPSERT_PROJECT)


@_writes(ProjectWithdrawn)
async def _withdrawals(con: Connection, batch: Sequence[Recorded[ProjectWithdrawn]]) -> None:
    rows = newest((table_rows.withdrawal_row(r.event) for r in batch), _first, _second)
    await con.execute(WITHDRAW_PROJECTS, *_columns(rows))


@_writes(ProjectScored)
async def _scores(con: Connection, batch: Sequence[Recorded[ProjectScored]]) -> None:
    scored = [r.event for r in batch]
    projects = [table_rows.scored_project_row(e) for e in scored]
    await insert_many(con, "projects", PROJECT_COLUMNS, projects, KEEP_FIRST)
    scores = newest((table_rows.score_row(e) for e in scored), _first, _version_and_time)
    await insert_many(con, "project_scores", SCORE_COLUMNS, scores, UPSERT_SCORE)


@_writes(LenderRegistered)
async def _lenders(con: Connection, batch: Sequence[Recorded[LenderRegistered]]) -> None:
    rows = [table_rows.lender_row(r.event) for r in batch]
    await insert_many(con, "lenders", LENDER_COLUMNS, rows, KEEP_FIRST)


@_writes(DealMatched)
async def _deals(con: Connection, batch: Sequence[Recorded[DealMatched]]) -> None:
    rows = [table_rows.deal_row(r.seq, r.event) for r in batch]
    await insert_many(con, "deals", DEAL_COLUMNS, rows, KEEP_FIRST)


@_writes(DealWithdrawn)
async def _deal_withdrawals(con: Connection, batch: Sequence[Recorded[DealWithdrawn]]) -> None:
    first: dict[object, tuple[Any, ...]] = {}
    for r in batch:  # the first withdrawal of a deal stands, as row by row
        first.setdefault(r.event.deal_id, (r.event.deal_id, r.event.withdrawn_at, r.event.reason))
    await con.execute(WITHDRAW_DEALS, *_columns(list(first.values())))


async def _answers(con: Connection, rows: Sequence[Sequence[Any]]) -> None:
    await insert_many(con, "responses", RESPONSE_COLUMNS, rows, KEEP_FIRST)


@_writes(DealResponded)
async def _responses(con: Connection, batch: Sequence[Recorded[DealResponded]]) -> None:
    await _answers(con, [table_rows.response_row(r.seq, r.event_id, r.event) for r in batch])


@_writes(DealRepaid)
async def _repayments(con: Connection, batch: Sequence[Recorded[DealRepaid]]) -> None:
    await _answers(con, [table_rows.repayment_row(r.seq, r.event_id, r.event) for r in batch])


@_writes(DealOfferClosed)
async def _offers_closed(con: Connection, batch: Sequence[Recorded[DealOfferClosed]]) -> None:
    await _answers(con, [table_rows.offer_closed_row(r.seq, r.event_id, r.event) for r in batch])


def _first(row: Sequence[Any]) -> object:
    return row[0]


def _second(row: Sequence[Any]) -> Any:
    return row[1]


def _version(row: Sequence[Any]) -> Any:
    return row[2]  # projects: (project_id, enterprise_id, version, ...)


def _version_and_time(row: Sequence[Any]) -> Any:
    return (row[1], row[-1])  # project_scores: (project_id, project_version, ..., scored_at)


async def apply(con: Connection, batch: Sequence[Recorded]) -> None:
    """Apply a batch in order, one writer call per run of events one writer takes."""
    for writer, run in runs_by(batch, lambda r: WRITERS.get(r.event.event_type)):
        if writer is not None:
            await writer(con, run)


async def note_gap(con: Connection, recorded: Recorded, error: BaseException) -> None:
    await con.execute(
        "INSERT INTO view_gaps (event_id, ledger_seq, type, error) VALUES ($1, $2, $3, $4)"
        " ON CONFLICT (event_id) DO UPDATE SET error = EXCLUDED.error, noted_at = now()",
        recorded.event_id,
        recorded.seq,
        recorded.event.event_type,
        repr(error)[:2000],
    )
