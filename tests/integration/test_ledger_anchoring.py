"""Signed checkpoints against real Kafka and PostgreSQL: published, served, and an anchor that
a rewrite of the whole chain by the database's owner cannot meet."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import orjson
import pytest

import audit.app as audit_app
from audit.config import AuditSettings
from audit.handlers import record
from audit.ledger.chain import canonical_json, chain_hash
from audit.ledger.checkpoint import load_public_key, signature_holds
from audit.ledger.fetch_export import fetch_export
from audit.ledger.signing_key import signer_for
from audit.ledger.verify_export import signed_head
from audit.repository import checkpoints
from audit.repository.checkpoints import Anchoring
from deploy.local.infra import InfraInfo
from schemas.envelope import Envelope, EventData
from schemas.topics import CHECKPOINTS
from servicekit.db import create_pool
from servicekit.kafka import make_producer
from servicekit.migrations import migrate
from servicekit.rls import SYSTEM, acting_as
from tests.support.kafka import eventually, read_until
from tests.support.services import RunningService
from tests.unit.audit.samples import Deal, lender, produce, scored

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class ScratchAudit:
    """The audit API over a ledger of its own, so the test may rewrite all of it."""

    client: httpx.AsyncClient
    pool: asyncpg.Pool
    owner: asyncpg.Connection
    anchoring: Anchoring
    schema: str


@pytest.fixture
async def scratch(infra: InfraInfo, jwks_path: Path) -> AsyncIterator[ScratchAudit]:
    config = AuditSettings(db_schema=f"audit_anchor_{uuid.uuid4().hex[:8]}")
    await migrate(
        config.migrator_url, config.db_schema, Path(audit_app.__file__).parent,
        app_role=config.app_role, append_only=audit_app.APPEND_ONLY_TABLES,
    )  # fmt: skip
    app = audit_app.build_app(config)
    pool = await create_pool(config.database_url, config.db_schema, min_size=1, max_size=2)
    owner = await asyncpg.connect(infra.database_url)
    await owner.execute(f'SET search_path TO "{config.db_schema}"')
    anchoring = Anchoring(signer_for(config), every=4)
    try:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://audit") as client:
                yield ScratchAudit(client, pool, owner, anchoring, config.db_schema)
    finally:
        await pool.close()
        await owner.execute(f'DROP SCHEMA "{config.db_schema}" CASCADE')
        await owner.close()


async def append(scratch: ScratchAudit, events: list[EventData], batch_size: int = 2) -> None:
    """As the ledger consumer would, in consumed batches of `batch_size` events."""
    wrapped = [(Envelope.wrap(e, source="matching"), e) for e in events]
    for i in range(0, len(wrapped), batch_size):
        async with acting_as(scratch.pool, SYSTEM) as con:  # as the ledger consumer
            await record(con, wrapped[i : i + batch_size], scratch.anchoring)


def two_financed_deals() -> list[EventData]:
    events: list[EventData] = []
    for amount in ("30000000.00", "12000000.00"):
        deal = Deal(scored(uuid.uuid4(), uuid.uuid4()))
        events += [deal.score, lender(deal.lender_id)]
        events += deal.financed(amount, "1.75", date(2026, 2, 10))
    return events


def verify_offline(ledger: Path, checkpoints: Path, key: Path) -> tuple[int, dict[str, Any]]:
    """`python -m audit verify-export` with no database or broker in its environment."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "KAFKA_BOOTSTRAP_SERVERS", "MIGRATION_DATABASE_URL")
    }
    done = subprocess.run(
        [sys.executable, "-m", "audit", "verify-export", str(ledger),
         "--checkpoints", str(checkpoints), "--public-key", str(key)],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.stdout.startswith("{"), done.stderr
    return done.returncode, orjson.loads(done.stdout)


async def rewrite_from_the_first_entry(owner: asyncpg.Connection, old: bytes, new: bytes) -> None:
    """What the database's owner can do: lift the guards, change bodies from the first entry
    on, re-seal every entry, move the head and re-hash the checkpoints to match (it cannot
    re-sign them)."""
    async with owner.transaction():
        await owner.execute(
            "GRANT UPDATE ON ledger, checkpoints TO CURRENT_USER;"
            " ALTER TABLE ledger DISABLE TRIGGER USER; ALTER TABLE checkpoints DISABLE TRIGGER USER"
        )
        rows = await owner.fetch("SELECT seq, body FROM ledger ORDER BY seq")
        prev = bytes(32)
        for row in rows:
            body = bytes(row["body"]).replace(old, new).replace(b'"matching"', b'"forger"')
            digest = chain_hash(prev, body)
            await owner.execute(
                "UPDATE ledger SET body = $2, prev_hash = $3, hash = $4 WHERE seq = $1",
                row["seq"], body, prev, digest,
            )  # fmt: skip
            await owner.execute(
                "UPDATE checkpoints SET hash = $2 WHERE seq = $1", row["seq"], digest
            )
            prev = digest
        await owner.execute("UPDATE ledger_head SET hash = $1", prev)
        await owner.execute(
            "ALTER TABLE ledger ENABLE TRIGGER USER; ALTER TABLE checkpoints ENABLE TRIGGER USER;"
            " REVOKE UPDATE ON ledger, checkpoints FROM CURRENT_USER"
        )


async def test_a_ledger_rewritten_from_the_first_entry_fails_offline_while_verify_passes(
    scratch: ScratchAudit, mint: Any, tmp_path: Path
) -> None:
    await append(scratch, two_financed_deals())
    client = scratch.client
    client.headers.update(mint("regulator"))
    kept = await fetch_export(client, tmp_path / "kept")  # what a regulator keeps
    assert (kept.entries, kept.signed_checkpoints) == (12, 3)  # at 4, 8 and 12
    code, verdict = verify_offline(kept.ledger, kept.checkpoints, kept.public_key)
    assert (code, verdict["ok"], verdict["anchored_through"]) == (0, True, 12)

    await rewrite_from_the_first_entry(scratch.owner, b'"30000000.00"', b'"987654321.00"')
    report = (await client.get("/v1/ledger/verify")).json()
    assert report["ok"] and report["checked"] == 12  # the database's own re-walk is satisfied
    now = await fetch_export(client, tmp_path / "now")
    assert b"987654321.00" in now.ledger.read_bytes()

    code, verdict = verify_offline(now.ledger, kept.checkpoints, kept.public_key)
    assert (code, verdict["problem"], verdict["seq"]) == (1, "checkpoint_mismatch", 4)
    code, verdict = verify_offline(now.ledger, now.checkpoints, kept.public_key)
    assert (code, verdict["problem"], verdict["seq"]) == (1, "bad_signature", 4)


async def test_served_entries_carry_the_hashes_a_client_rechecks_itself(
    scratch: ScratchAudit, mint: Any
) -> None:
    await append(scratch, two_financed_deals()[:5])
    regulator = mint("regulator")
    items = (await scratch.client.get("/v1/ledger", headers=regulator)).json()["items"]
    prev = bytes(32)
    for item in items:
        body = canonical_json(Envelope.model_validate(item["envelope"]))
        assert item["prev_hash"] == prev.hex()
        assert item["hash"] == chain_hash(prev, body).hex()
        prev = bytes.fromhex(item["hash"])
    csv = await scratch.client.get("/v1/ledger", params={"format": "csv"}, headers=regulator)
    header = csv.text.splitlines()[0].split(",")
    assert {"prev_hash", "hash"} <= set(header)


async def test_the_timer_signs_a_head_that_moved_and_only_then(scratch: ScratchAudit) -> None:
    scratch.anchoring = Anchoring(scratch.anchoring.signer, every=1000)
    await append(scratch, two_financed_deals()[:3])
    assert await scratch.pool.fetchval("SELECT count(*) FROM checkpoints") == 0
    signer = scratch.anchoring.signer
    first = await checkpoints.on_interval(scratch.pool, signer)
    assert first is not None and (first["seq"], first["reason"]) == (3, "interval")
    assert await checkpoints.on_interval(scratch.pool, signer) is None
    await append(scratch, two_financed_deals()[:1])
    again = await checkpoints.on_interval(scratch.pool, signer)
    assert again is not None and again["seq"] == 4


async def test_checkpoints_are_signed_published_and_served_but_never_ledgered(
    audit: RunningService, ledger_db_owner: asyncpg.Pool, mint: Any, infra: InfraInfo
) -> None:
    await ledgered(infra, ledger_db_owner, [lender(uuid.uuid4())])
    created = await audit.client.post("/v1/ledger/checkpoints", headers=mint("admin"))
    assert created.status_code == 201, created.text
    checkpoint = created.json()
    regulator = mint("regulator")
    latest = await audit.client.get("/v1/ledger/checkpoints/latest", headers=regulator)
    assert latest.json() == checkpoint
    key = await audit.client.get("/v1/ledger/signing-key", headers=regulator)
    public = load_public_key(key.content)
    head = signed_head(checkpoint)
    assert head is not None and signature_holds(public, head)
    assert checkpoint["key_id"] == key.json()["key_id"] == key.json()["jwk"]["kid"]

    def ours(r: Any) -> bool:
        return bool(orjson.loads(r.value)["data"]["checkpoint_id"] == checkpoint["id"])

    records = await read_until(infra.kafka_access(), CHECKPOINTS.name, bool, keep=ours)
    envelope = orjson.loads(records[0].value)
    assert envelope["source"] == "greenlink/audit" and envelope["type"] == "ledger.checkpointed.v1"
    data = envelope["data"]
    assert (data["seq"], data["hash"], data["signature"]) == (
        checkpoint["seq"], checkpoint["hash"], checkpoint["signature"],
    )  # fmt: skip
    sealed = "SELECT count(*) FROM audit.ledger WHERE type = 'ledger.checkpointed.v1'"
    assert await ledger_db_owner.fetchval(sealed) == 0


async def ledgered(infra: InfraInfo, pool: asyncpg.Pool, events: list[EventData]) -> None:
    """Produce events as their services would and wait until the ledger holds them."""
    producer: Any = make_producer(infra.kafka_access(), "anchoring-test")
    await producer.start()
    try:
        ids = [e.id for e in await produce(producer, events)]
    finally:
        await producer.stop()
    sql = "SELECT count(*) FROM audit.ledger WHERE event_id = ANY($1::uuid[])"
    await eventually(lambda: _all_in(pool, sql, ids))


async def _all_in(pool: asyncpg.Pool, sql: str, ids: list[uuid.UUID]) -> bool:
    return bool(await pool.fetchval(sql, ids) == len(ids))


@pytest.fixture
async def ledger_db_owner(infra: InfraInfo) -> AsyncIterator[asyncpg.Pool]:
    pool = await asyncpg.create_pool(infra.database_url, min_size=1, max_size=1)
    yield pool
    await pool.close()
