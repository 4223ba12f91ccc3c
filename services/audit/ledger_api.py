"""Ledger HTTP API: list, verify and checkpoint the ledger; a project's lineage from it."""

from __future__ import annotations

import uuid
from typing import Annotated

import asyncpg
import orjson
from fastapi import APIRouter, Query, Request, Response, status

from audit import access, ledger_store, queries
from audit.export import CSV_RESPONSE, Format, csv_response, wants_csv
from audit.verification import verify_ledger
from audit.views import BreakView, CheckpointView, LedgerEntryView, VerifyReport
from schemas.fields import IsoDateTime
from servicekit.auth import CurrentPrincipal, Role, require_role
from servicekit.errors import Unprocessable
from servicekit.http import Pool
from servicekit.pagination import Cursor, Limit, Page, decode_cursor, next_cursor

router = APIRouter(prefix="/v1", tags=["ledger"])
Seq = Annotated[int | None, Query(ge=1, le=2**62)]
Text = Annotated[str | None, Query(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f]+$")]


def _entry(r: asyncpg.Record) -> LedgerEntryView:
    return LedgerEntryView(
        seq=r["seq"],
        event_id=r["event_id"],
        type=r["type"],
        subject=r["subject"],
        project_id=r["project_id"],
        event_time=r["event_time"],
        appended_at=r["appended_at"],
        prev_hash=bytes(r["prev_hash"]).hex(),
        hash=bytes(r["hash"]).hex(),
        envelope=orjson.loads(bytes(r["body"])),
    )


@router.get("/ledger", response_model=Page[LedgerEntryView], responses=CSV_RESPONSE)
async def list_ledger(
    request: Request,
    principal: CurrentPrincipal,
    pool: Pool,
    limit: Limit = 100,
    after: Cursor = None,
    type: Text = None,
    subject: Text = None,
    project_id: uuid.UUID | None = None,
    time_from: Annotated[IsoDateTime | None, Query(alias="from")] = None,
    time_to: Annotated[IsoDateTime | None, Query(alias="to", description="exclusive")] = None,
    format: Format = None,
) -> Page[LedgerEntryView] | Response:
    """Ledger entries in append order, filtered by type, subject, project and event time."""
    access.require_reader(principal)
    where = queries.LedgerFilter(type, subject, project_id, time_from, time_to)
    rows = await queries.list_entries(pool, where, decode_cursor(after), limit)
    page = Page[LedgerEntryView](
        items=[_entry(r) for r in rows], next_cursor=next_cursor([r["seq"] for r in rows], limit)
    )
    if wants_csv(request, format):
        return csv_response(page.items, "ledger", next_cursor=page.next_cursor)
    return page


@router.get("/ledger/verify", response_model=VerifyReport, responses=CSV_RESPONSE)
async def verify(
    request: Request,
    principal: CurrentPrincipal,
    pool: Pool,
    from_seq: Annotated[int, Query(ge=1, le=2**62)] = 1,
    to_seq: Seq = None,
    format: Format = None,
) -> VerifyReport | Response:
    """Re-walk the hash chain and name the first broken entry (whole ledger, or a range)."""
    access.require_reader(principal)
    if to_seq is not None and to_seq < from_seq:
        raise Unprocessable("to_seq must not be below from_seq", field="to_seq")
    batch = request.app.state.settings.verify_batch_rows
    out = await verify_ledger(pool, from_seq=from_seq, to_seq=to_seq, batch_rows=batch)
    report = VerifyReport(
        ok=out.first_break is None,
        from_seq=out.from_seq,
        to_seq=out.to_seq,
        last_seq=out.last_seq,
        head_seq=out.head_seq,
        checked=out.checked,
        seconds=round(out.seconds, 4),
        entries_per_second=round(out.checked / out.seconds, 1) if out.seconds > 0 else 0.0,
        first_break=BreakView.of(out.first_break) if out.first_break else None,
    )
    return csv_response([report], "ledger-verify") if wants_csv(request, format) else report


def _checkpoint(r: asyncpg.Record) -> CheckpointView:
    return CheckpointView(**{**dict(r), "hash": bytes(r["hash"]).hex()})


@router.get("/ledger/checkpoints", response_model=Page[CheckpointView], responses=CSV_RESPONSE)
async def list_checkpoints(
    request: Request,
    principal: CurrentPrincipal,
    pool: Pool,
    limit: Limit = 100,
    after: Cursor = None,
    format: Format = None,
) -> Page[CheckpointView] | Response:
    """Chain heads recorded every N entries or on request: anchors to compare copies against."""
    access.require_reader(principal)
    rows = await ledger_store.list_checkpoints(pool, decode_cursor(after), limit)
    ids = [r["id"] for r in rows]
    items = [_checkpoint(r) for r in rows]
    page = Page[CheckpointView](items=items, next_cursor=next_cursor(ids, limit))
    if wants_csv(request, format):
        return csv_response(page.items, "ledger-checkpoints", next_cursor=page.next_cursor)
    return page


@router.post("/ledger/checkpoints", status_code=status.HTTP_201_CREATED)
async def create_checkpoint(principal: CurrentPrincipal, pool: Pool) -> CheckpointView:
    """Record the current chain head now (operators only; the one write this API allows)."""
    require_role(principal, Role.ADMIN)
    return _checkpoint(await ledger_store.request_checkpoint(pool, principal.subject))
