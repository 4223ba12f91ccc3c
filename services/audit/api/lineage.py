"""Lineage HTTP API: everything the ledger holds about one project, in the order it happened."""

from __future__ import annotations

import uuid

import asyncpg
import orjson
from fastapi import APIRouter, Response

from audit.ledger.views import LineageEntry
from audit.read_model.lineage import step_of, summarise
from audit.repository import queries
from servicekit.csv_export import CSV_RESPONSE, WantsCsv, csv_response
from servicekit.errors import NotFound
from servicekit.http_deps import CallerConnection
from servicekit.pagination import Cursor, Limit, Page, decode_cursor, page_of
from servicekit.policies import ENTERPRISE_READ, EnterpriseReader

router = APIRouter(prefix="/v1", tags=["lineage"])


@router.get(
    "/projects/{project_id}/lineage", response_model=Page[LineageEntry], responses=CSV_RESPONSE
)
async def project_lineage(
    as_csv: WantsCsv,
    project_id: uuid.UUID,
    principal: EnterpriseReader,
    con: CallerConnection,
    limit: Limit = 500,
    after: Cursor = None,
) -> Page[LineageEntry] | Response:
    """Everything that happened to a project, in event-time order: versions, scores, deals."""
    owner = await queries.project_owner(con, project_id)
    if not ENTERPRISE_READ.may_see(principal, owner):
        raise NotFound(f"project {project_id} not found", field="project_id")
    rows = await queries.project_entries(con, project_id, decode_cursor(after), limit)
    if not rows and after is None and owner is None:
        raise NotFound(f"the ledger holds no events about project {project_id}", field="project_id")
    full = ENTERPRISE_READ.sees_all(principal)
    page = page_of(rows, lambda r: _lineage_entry(r, full), limit)
    if as_csv:
        flat = [i.model_dump(mode="json", exclude={"data"}) for i in page.items]
        return csv_response(flat, f"lineage-{project_id}", next_cursor=page.next_cursor)
    return page


def _lineage_entry(r: asyncpg.Record, full: bool) -> LineageEntry:
    envelope = orjson.loads(bytes(r["body"]))
    data = envelope.get("data") or {}
    return LineageEntry(
        seq=r["seq"],
        event_id=r["event_id"],
        type=r["type"],
        step=step_of(r["type"], data),
        at=r["event_time"],
        source=envelope.get("source", ""),
        summary=summarise(r["type"], data),
        data=data if full else None,
    )
