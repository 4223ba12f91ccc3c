"""Ledger HTTP API: list and verify the ledger; its signed checkpoints and their public key."""

from __future__ import annotations

import uuid
from typing import Annotated

import asyncpg
import orjson
from fastapi import APIRouter, Depends, Query, Response, status

from audit.api.deps import Settings
from audit.ledger.checkpoint import ALGORITHM, Signer, b64url, key_id_of, public_jwk, public_pem
from audit.ledger.signing_key import signer_for
from audit.ledger.verify_stored import verify_ledger
from audit.ledger.views import (
    BreakView,
    CheckpointView,
    LedgerEntryView,
    SigningKeyView,
    VerifyReport,
)
from audit.repository import checkpoints, queries
from schemas.fields import IsoDateTime
from servicekit.csv_export import CSV_RESPONSE, WantsCsv, csv_response
from servicekit.errors import NotFound, Unprocessable
from servicekit.http import Pool
from servicekit.pagination import Cursor, Limit, Page, decode_cursor, page_of
from servicekit.policies import Admin, Reader
from servicekit.row_views import object_view, row_view

router = APIRouter(prefix="/v1", tags=["ledger"])
Seq = Annotated[int | None, Query(ge=1, le=2**62)]
Text = Annotated[str | None, Query(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f]+$")]


def _entry(r: asyncpg.Record) -> LedgerEntryView:
    return row_view(
        LedgerEntryView,
        r,
        prev_hash=bytes(r["prev_hash"]).hex(),
        hash=bytes(r["hash"]).hex(),
        envelope=orjson.loads(bytes(r["body"])),
    )


@router.get("/ledger", response_model=Page[LedgerEntryView], responses=CSV_RESPONSE)
async def list_ledger(
    as_csv: WantsCsv,
    principal: Reader,
    pool: Pool,
    limit: Limit = 100,
    after: Cursor = None,
    type: Text = None,
    subject: Text = None,
    project_id: uuid.UUID | None = None,
    time_from: Annotated[IsoDateTime | None, Query(alias="from")] = None,
    time_to: Annotated[IsoDateTime | None, Query(alias="to", description="exclusive")] = None,
) -> Page[LedgerEntryView] | Response:
    """Ledger entries in append order, filtered by type, subject, project and event time."""
    where = queries.LedgerFilter(type, subject, project_id, time_from, time_to)
    rows = await queries.list_entries(pool, where, decode_cursor(after), limit)
    page = page_of(rows, _entry, limit)
    if as_csv:
        return csv_response(page.items, "ledger", next_cursor=page.next_cursor)
    return page


@router.get("/ledger/verify", response_model=VerifyReport, responses=CSV_RESPONSE)
async def verify(
    as_csv: WantsCsv,
    principal: Reader,
    pool: Pool,
    settings: Settings,
    from_seq: Annotated[int, Query(ge=1, le=2**62)] = 1,
    to_seq: Seq = None,
) -> VerifyReport | Response:
    """Re-walk the hash chain and name the first broken entry (whole ledger, or a range)."""
    if to_seq is not None and to_seq < from_seq:
        raise Unprocessable("to_seq must not be below from_seq", field="to_seq")
    batch = settings.verify_batch_rows
    out = await verify_ledger(pool, from_seq=from_seq, to_seq=to_seq, batch_rows=batch)
    report = object_view(
        VerifyReport,
        out,
        ok=out.first_break is None,
        seconds=round(out.seconds, 4),
        entries_per_second=round(out.checked / out.seconds, 1) if out.seconds > 0 else 0.0,
        first_break=BreakView.of(out.first_break) if out.first_break else None,
    )
    return csv_response([report], "ledger-verify") if as_csv else report


def _checkpoint(r: asyncpg.Record) -> CheckpointView:
    signature = r["signature"]
    return row_view(
        CheckpointView,
        r,
        hash=bytes(r["hash"]).hex(),
        algorithm=ALGORITHM if signature is not None else None,
        signature=b64url(bytes(signature)) if signature is not None else None,
    )


def _signer(settings: Settings) -> Signer:
    """The install's checkpoint signer (audit.ledger.signing_key)."""
    return signer_for(settings)


CheckpointSigner = Annotated[Signer, Depends(_signer)]


@router.get("/ledger/checkpoints", response_model=Page[CheckpointView], responses=CSV_RESPONSE)
async def list_checkpoints(
    as_csv: WantsCsv,
    principal: Reader,
    pool: Pool,
    limit: Limit = 100,
    after: Cursor = None,
) -> Page[CheckpointView] | Response:
    """Signed chain heads, every N entries, every interval and on request: keep copies."""
    rows = await checkpoints.listed(pool, decode_cursor(after), limit)
    page = page_of(rows, _checkpoint, limit, position="id")
    if as_csv:
        return csv_response(page.items, "ledger-checkpoints", next_cursor=page.next_cursor)
    return page


@router.get(
    "/ledger/checkpoints/latest",
    responses={404: {"description": "The ledger has no signed checkpoint yet"}},
)
async def latest_checkpoint(principal: Reader, pool: Pool) -> CheckpointView:
    """The newest signed checkpoint (404 until the ledger has one)."""
    row = await checkpoints.latest(pool)
    if row is None:
        raise NotFound("no signed checkpoint yet")
    return _checkpoint(row)


@router.post("/ledger/checkpoints", status_code=status.HTTP_201_CREATED)
async def create_checkpoint(
    principal: Admin, pool: Pool, signer: CheckpointSigner
) -> CheckpointView:
    """Sign and publish the current chain head now (operators only; this API's one write)."""
    async with pool.acquire() as con:
        row = await checkpoints.request(con, signer, principal.subject)
    return _checkpoint(row)


@router.get("/ledger/signing-key")
async def signing_key(principal: Reader, signer: CheckpointSigner) -> SigningKeyView:
    """The public key checkpoints verify with, as a JWK and as PEM."""
    public = signer.public_key
    kid = key_id_of(public)
    jwk = {**public_jwk(public), "kid": kid, "use": "sig", "alg": "EdDSA"}
    return SigningKeyView(algorithm=ALGORITHM, key_id=kid, jwk=jwk, pem=public_pem(public))
