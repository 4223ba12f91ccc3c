"""Audit ledger against real Kafka and PostgreSQL: once per event, chained, tamper-evident."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import asyncpg
import pytest

import audit.app as audit_app
from audit.handlers import record
from audit.ledger.chain import chain_hash, link
from audit.ledger.verify_stored import verify_ledger
from deploy.local.infra import InfraInfo
from schemas.envelope import Envelope
from servicekit.db import create_pool
from servicekit.kafka import make_producer
from servicekit.migrations import migrate
from servicekit.pagination import encode_cursor
from servicekit.rls import SYSTEM, acting_as
from tests.support.kafka import eventually
from tests.support.services import RunningService
from tests.unit.audit.samples import (
    Deal,
    lender,
    produce,
    scored,
    seqs_in_ledger,
    throwaway_anchoring,
)

pytestmark = pytest.mark.integration

REGULATOR: dict[str, str] = {}


@pytest.fixture(scope="session")
async def ledger_db(infra: InfraInfo) -> AsyncIterator[asyncpg.Pool]:
    """The audit schema as the application role sees it."""
    pool = await create_pool(infra.app_database_url, "audit", min_size=1, max_size=4)
    yield pool
    await pool.close()


@pytest.fixture(scope="session")
async def producer(infra: InfraInfo, topics: None) -> AsyncIterator[Any]:
    client = make_producer(infra.kafka_access(), "audit-test")
    await client.start()
    yield client
    await client.stop()


def _superuser_psql() -> list[str] | None:
    """psql as the local cluster's superuser (peer auth over the socket); None elsewhere."""
    from deploy.local.pg_files import as_user, bin_dir, choose
    from deploy.local.state import read_section

    saved = read_section("postgres")
    url = urlsplit(os.environ.get("DATABASE_URL", ""))
    if not saved or saved.get("port") != url.port:
        return None
    files = choose(saved.get("root"))
    psql = [str(bin_dir() / "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1"]
    where = ["-h", str(files.run), "-p", str(saved["port"]), "-d", url.path.lstrip("/")]
    return as_user(files.user, psql + where)


async def as_superuser(sql: str, *, tamper: bool = True) -> tuple[int, str]:
    """Run SQL as superuser; with `tamper`, this session's triggers are off for that one
    transaction (session_replication_role), so nobody else's writes go unguarded meanwhile."""
    command = _superuser_psql()
    if command is None:
        pytest.skip("needs the local PostgreSQL superuser to tamper with the ledger")
    if tamper:
        sql = f"BEGIN; SET LOCAL session_replication_role = replica; {sql}; COMMIT;"
    process = await asyncio.create_subprocess_exec(
        *command, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await process.communicate(sql.encode())
    return process.returncode or 0, (out + err).decode()


def _hex(value: bytes) -> str:
    return f"decode('{value.hex()}', 'hex')"


async def financed_story(producer: Any, ledger_db: asyncpg.Pool) -> dict[uuid.UUID, int]:
    """A scored project financed by one lender; returns each event's ledger seq."""
    deal = Deal(scored(uuid.uuid4(), uuid.uuid4()))
    events = [deal.score, lender(deal.lender_id)]
    events += deal.financed("30000000.00", "1.75", date(2026, 2, 10))
    ids = [e.id for e in await produce(producer, events)]
    found = await eventually(lambda: seqs_in_ledger(ledger_db, ids))
    assert isinstance(found, dict)
    return {event_id: found[event_id] for event_id in ids}


async def verify(audit: RunningService, headers: dict[str, str], **params: int) -> Any:
    response = await audit.client.get("/v1/ledger/verify", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def test_each_event_is_appended_once_even_when_delivered_twice(
    audit: RunningService, ledger_db: asyncpg.Pool, producer: Any
) -> None:
    deal = Deal(scored(uuid.uuid4(), uuid.uuid4()))
    first, *rest = await produce(producer, deal.financed("1000000.00", "2.1", date(2026, 3, 1)))
    key = str(deal.lender_id).encode()
    for envelope in (first, first):
        await producer.send_and_wait("greenlink.deals", envelope.to_bytes(), key=key)
    later = Deal(deal.score, lender_id=deal.lender_id)  # same partition, after the copies
    marker = await produce(producer, [later.matched()])
    ids = [first.id, *(e.id for e in rest), marker[0].id]
    await eventually(lambda: seqs_in_ledger(ledger_db, ids))
    sql = "SELECT event_id, project_id FROM ledger WHERE event_id = ANY($1::uuid[]) ORDER BY seq"
    rows = await ledger_db.fetch(sql, ids)
    assert sorted(r["event_id"] for r in rows) == sorted(ids)  # each appended exactly once
    assert {r["project_id"] for r in rows} == {deal.score.project_id}


async def test_the_chain_verifies_whole_and_over_a_range(
    audit: RunningService, ledger_db: asyncpg.Pool, producer: Any, mint: Any
) -> None:
    seqs = sorted((await financed_story(producer, ledger_db)).values())
    whole = await verify(audit, mint("regulator"))
    assert whole["ok"] and whole["first_break"] is None
    assert whole["checked"] == whole["head_seq"] >= seqs[-1]
    part = await verify(audit, mint("admin"), from_seq=seqs[0], to_seq=seqs[-1])
    assert part["ok"] and part["checked"] == seqs[-1] - seqs[0] + 1


async def test_an_altered_entry_is_named_with_expected_and_stored_hash(
    audit: RunningService, ledger_db: asyncpg.Pool, producer: Any, mint: Any
) -> None:
    seqs = await financed_story(producer, ledger_db)
    event_id, seq = list(seqs.items())[-1]  # the disbursement
    row = await ledger_db.fetchrow("SELECT prev_hash, hash, body FROM ledger WHERE seq = $1", seq)
    assert row is not None
    altered = bytes(row["body"]).replace(b'"30000000.00"', b'"90000000.00"')
    assert altered != bytes(row["body"])
    code, out = await as_superuser(
        f"UPDATE audit.ledger SET body = {_hex(altered)} WHERE seq = {seq}"
    )
    assert code == 0, out
    try:
        report = await verify(audit, mint("regulator"), from_seq=seq - 1)
        broken = report["first_break"]
        assert not report["ok"] and (broken["seq"], broken["problem"]) == (seq, "hash_mismatch")
        assert broken["event_id"] == str(event_id)
        assert broken["expected_hash"] == chain_hash(bytes(row["prev_hash"]), altered).hex()
        assert broken["stored_hash"] == bytes(row["hash"]).hex()
    finally:
        restore = f"UPDATE audit.ledger SET body = {_hex(bytes(row['body']))} WHERE seq = {seq}"
        assert (await as_superuser(restore))[0] == 0
    assert (await verify(audit, mint("regulator"), from_seq=seq - 1))["ok"]


async def test_a_deleted_entry_is_named_by_its_seq(
    audit: RunningService, ledger_db: asyncpg.Pool, producer: Any, mint: Any
) -> None:
    seqs = sorted((await financed_story(producer, ledger_db)).values())
    seq = seqs[1]
    row = await ledger_db.fetchrow("SELECT * FROM ledger WHERE seq = $1", seq)
    assert row is not None
    code, out = await as_superuser(f"DELETE FROM audit.ledger WHERE seq = {seq}")
    assert code == 0, out
    try:
        report = await verify(audit, mint("regulator"), from_seq=seq, to_seq=seq + 1)
        broken = report["first_break"]
        assert (broken["seq"], broken["problem"]) == (seq, "missing_entry")
    finally:
        columns = list(row.keys())
        placeholders = ", ".join(f"${i}" for i in range(1, len(columns) + 1))
        await ledger_db.execute(
            f"INSERT INTO ledger ({', '.join(columns)}) VALUES ({placeholders})", *row.values()
        )
    assert (await verify(audit, mint("regulator"), from_seq=seq, to_seq=seq + 1))["ok"]


async def test_an_entry_inserted_outside_the_chain_is_named(
    audit: RunningService, ledger_db: asyncpg.Pool, producer: Any, mint: Any
) -> None:
    await financed_story(producer, ledger_db)
    deal = Deal(scored(uuid.uuid4(), uuid.uuid4()))
    async with ledger_db.acquire() as holder, holder.transaction():
        head = await holder.fetchrow("SELECT seq, hash FROM ledger_head FOR UPDATE")  # appends wait
        assert head is not None
        forged = link(head["seq"], bytes(head["hash"]), [Envelope.wrap(deal.matched(), source="x")])
        entry = forged[0]
        i = entry.index
        await ledger_db.execute(
            "INSERT INTO ledger (seq, event_id, type, subject, project_id, event_time, prev_hash,"
            " hash, body) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            entry.seq, i.event_id, i.type, i.subject, i.project_id, i.event_time, entry.prev_hash,
            entry.hash, entry.body,
        )  # fmt: skip
        try:
            report = await verify(audit, mint("regulator"), from_seq=head["seq"])
            broken = report["first_break"]
            assert (broken["seq"], broken["problem"]) == (entry.seq, "beyond_head")
            assert broken["event_id"] == str(i.event_id)
        finally:
            code, out = await as_superuser(f"DELETE FROM audit.ledger WHERE seq = {entry.seq}")
            assert code == 0, out
    assert (await verify(audit, mint("regulator"), from_seq=head["seq"]))["ok"]


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE ledger SET type = type WHERE seq = (SELECT min(seq) FROM ledger)",
        "DELETE FROM ledger WHERE seq = (SELECT max(seq) FROM ledger)",
        "TRUNCATE ledger",
        "UPDATE checkpoints SET reason = reason",
        "DELETE FROM checkpoints",
        "DELETE FROM ledger_head",
    ],
)
async def test_the_application_role_cannot_change_or_remove_entries(
    audit: RunningService, ledger_db: asyncpg.Pool, statement: str
) -> None:
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await ledger_db.execute(statement)


async def test_even_the_superuser_is_refused_while_the_trigger_stands(
    audit: RunningService, ledger_db: asyncpg.Pool, producer: Any
) -> None:
    seq = max((await financed_story(producer, ledger_db)).values())
    statements = (
        f"UPDATE audit.ledger SET type = 'x' WHERE seq = {seq}",
        f"DELETE FROM audit.ledger WHERE seq = {seq}",
        "TRUNCATE audit.ledger",
    )
    for sql in statements:
        code, out = await as_superuser(sql, tamper=False)
        assert code != 0 and "append-only" in out, out
    assert await ledger_db.fetchval("SELECT type FROM ledger WHERE seq = $1", seq) != "x"


async def test_only_admins_write_checkpoints_and_each_records_a_real_chain_head(
    audit: RunningService, ledger_db: asyncpg.Pool, producer: Any, mint: Any
) -> None:
    await financed_story(producer, ledger_db)  # a head to sign, even when run alone
    refused = await audit.client.post("/v1/ledger/checkpoints", headers=mint("regulator"))
    assert refused.status_code == 403
    created = await audit.client.post("/v1/ledger/checkpoints", headers=mint("admin"))
    assert created.status_code == 201, created.text
    checkpoint = created.json()
    assert checkpoint["reason"] == "requested"
    stored = await ledger_db.fetchval("SELECT hash FROM ledger WHERE seq = $1", checkpoint["seq"])
    assert stored is not None and bytes(stored).hex() == checkpoint["hash"]
    listed = await audit.client.get(
        "/v1/ledger/checkpoints", params={"after": encode_cursor(checkpoint["id"] - 1)},
        headers=mint("regulator"),
    )  # fmt: skip
    assert listed.json()["items"][0] == checkpoint


async def test_the_ledger_lists_a_projects_entries_and_exports_them_as_csv(
    audit: RunningService, ledger_db: asyncpg.Pool, producer: Any, mint: Any
) -> None:
    seqs = await financed_story(producer, ledger_db)
    disbursed = list(seqs)[-1]
    sql = "SELECT project_id FROM ledger WHERE event_id = $1"
    project_id = await ledger_db.fetchval(sql, disbursed)
    params = {"project_id": str(project_id)}
    page = await audit.client.get("/v1/ledger", params=params, headers=mint("regulator"))
    items = page.json()["items"]
    about_project = [e for i, e in enumerate(seqs) if i != 1]  # all but lender.registered
    assert [i["envelope"]["id"] for i in items] == [
        str(e) for e in sorted(about_project, key=lambda e: seqs[e])
    ]
    assert [i["type"] for i in items][-1] == "deal.responded.v1"
    exported = await audit.client.get(
        "/v1/ledger", params=params, headers=mint("regulator") | {"Accept": "text/csv"}
    )
    assert exported.headers["content-type"].startswith("text/csv")
    header, *lines = exported.text.strip().splitlines()
    assert header.startswith("seq,event_id,type") and len(lines) == len(items)


@pytest.mark.parametrize(
    "path",
    [
        "/v1/ledger", "/v1/ledger/verify", "/v1/ledger/checkpoints", "/v1/flows",
        "/v1/disclosures/cerf?quarter=2026Q1", f"/v1/projects/{uuid.uuid4()}/lineage",
        f"/v1/lenders/{uuid.uuid4()}/scorecard",
    ],
)  # fmt: skip
async def test_every_endpoint_needs_a_token(audit: RunningService, path: str) -> None:
    assert (await audit.client.get(path)).status_code == 401


async def test_enterprises_and_lenders_cannot_read_the_ledger(
    audit: RunningService, mint: Any
) -> None:
    for role in ("enterprise", "lender"):
        headers = mint(role, uuid.uuid4())
        for path in ("/v1/ledger", "/v1/ledger/verify", "/v1/flows"):
            assert (await audit.client.get(path, headers=headers)).status_code == 403


async def test_concurrent_appenders_build_one_unbroken_chain(infra: InfraInfo) -> None:
    schema = f"audit_race_{uuid.uuid4().hex[:8]}"
    await migrate(infra.database_url, schema, Path(audit_app.__file__).parent)
    pool = await create_pool(infra.database_url, schema, min_size=8, max_size=8)

    async def appender(worker: int) -> None:
        for _ in range(5):
            deal = Deal(scored(uuid.uuid4(), uuid.uuid4()))
            events = deal.financed("1000000.00", "2.0", date(2026, 1, worker + 1)) * 10
            batch = [(Envelope.wrap(e, source=f"worker-{worker}"), e) for e in events]
            async with acting_as(pool, SYSTEM) as con:  # as the ledger consumer
                await record(con, batch, throwaway_anchoring(100))

    try:
        await asyncio.gather(*(appender(w) for w in range(8)))
        outcome = await verify_ledger(pool, batch_rows=300)
        assert outcome.first_break is None and outcome.checked == 8 * 5 * 40 == outcome.head_seq
        assert await pool.fetchval("SELECT count(DISTINCT event_id) FROM ledger") == 1600
    finally:
        await pool.close()
        owner = await asyncpg.connect(infra.database_url)
        await owner.execute(f'DROP SCHEMA "{schema}" CASCADE')
        await owner.close()
