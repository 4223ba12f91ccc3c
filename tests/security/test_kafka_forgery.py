"""The forged events of the Kafka attack: refused by the broker, or dead-lettered, never applied.

Each forgery is tried twice: with a leaked credential of a service that does not own the topic
(the broker refuses the write), and written anyway by the administrator with that service named
as its source, as a mistaken ACL would let through (every consumer dead-letters it, naming the
reason). Either way no consumer applies it and the audit ledger never seals it.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

import asyncpg
import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.errors import TopicAuthorizationFailedError

from deploy.local.infra import InfraInfo
from schemas.deals import Disbursement
from schemas.envelope import Envelope, EventData
from schemas.project import ProjectWithdrawn
from schemas.topics import DEALS, PROJECTS, SCORES, Topic
from servicekit.kafka_access import KafkaAccess
from tests.support.kafka import eventually, read_until
from tests.support.projects import register_projects
from tests.support.samples import data_centre_body
from tests.unit.audit.samples import Deal, scored

pytestmark = [pytest.mark.security, pytest.mark.integration]

DEAD_LETTER_TIMEOUT_S = 120.0


async def _write(access: KafkaAccess, topic: Topic, envelope: Envelope) -> None:
    producer = AIOKafkaProducer(**access.client_options(), request_timeout_ms=10_000)
    async with producer:
        await producer.send_and_wait(topic.name, envelope.to_bytes(), key=envelope.id.bytes)


async def _forge(
    infra: InfraInfo, topic: Topic, event: EventData, pretender: str
) -> tuple[Envelope, bool]:
    """Try `pretender`'s own credential, then slip the event past the ACLs as the admin."""
    envelope = Envelope.wrap(event, source=f"greenlink/{pretender}")
    try:
        await _write(infra.kafka_access(pretender), topic, envelope)
        refused = False
    except TopicAuthorizationFailedError:
        refused = True
    await _write(infra.kafka_access(), topic, envelope)
    return envelope, refused


def _consumer(record: Any) -> str:
    return str(dict(record.headers)["dlq_consumer"].decode())


async def _dead_letter_reasons(
    infra: InfraInfo, topic: Topic, envelope: Envelope, consumers: set[str]
) -> dict[str, str]:
    records = await read_until(
        infra.kafka_access(),
        topic.dlq,
        lambda got: consumers <= {_consumer(r) for r in got},
        keep=lambda r: r.key == envelope.id.bytes,
        timeout_s=DEAD_LETTER_TIMEOUT_S,
    )
    return {_consumer(r): dict(r.headers)["dlq_reason"].decode() for r in records}


async def _applied_by(infra: InfraInfo, envelope: Envelope) -> list[str]:
    """Inboxes that took the event, and whether the audit ledger sealed it."""
    con = await asyncpg.connect(infra.database_url)
    try:
        applied = [
            r["consumer"]
            for schema in ("scoring", "matching", "audit")
            for r in await con.fetch(
                f"SELECT consumer FROM {schema}.processed_events WHERE event_id = $1", envelope.id
            )
        ]
        sealed = await con.fetchval(
            "SELECT count(*) FROM audit.ledger WHERE event_id = $1", envelope.id
        )
    finally:
        await con.close()
    return applied + ["audit.ledger"] * int(sealed)


async def _as_regulator(infra: InfraInfo, sql: str, *args: object) -> Any:
    con = await asyncpg.connect(infra.database_url)
    try:
        await con.execute("SELECT set_config('app.role', 'regulator', false)")
        return await con.fetchval(sql, *args)
    finally:
        await con.close()


def _all_forged(reasons: dict[str, str]) -> bool:
    return all(reason.startswith("ForgedEvent") for reason in reasons.values())


async def test_a_forged_score_for_a_project_that_does_not_exist_is_never_matched(
    infra: InfraInfo, matching, audit
) -> None:
    ghost = uuid.uuid4()
    event = scored(ghost, uuid.uuid4())

    envelope, refused = await _forge(infra, SCORES, event, pretender="registry")
    reasons = await _dead_letter_reasons(
        infra, SCORES, envelope, {"matching-deals", "audit-ledger"}
    )

    assert refused
    assert _all_forged(reasons), reasons
    assert await _applied_by(infra, envelope) == []
    deals = "SELECT count(*) FROM matching.deals WHERE project_id = $1"
    assert await _as_regulator(infra, deals, ghost) == 0


async def test_a_forged_withdrawal_of_another_tenants_project_leaves_it_live(
    infra: InfraInfo, registry, scoring, matching, audit, mint
) -> None:
    owner = uuid.uuid4()
    body = data_centre_body()
    (registered,), headers = await register_projects(registry, mint, [body], enterprise=owner)
    project_id = uuid.UUID(registered)
    live = "SELECT count(*) FROM matching.projects WHERE project_id = $1 AND NOT withdrawn"
    await eventually(lambda: _as_regulator(infra, live, project_id), timeout_s=120)
    event = ProjectWithdrawn(
        project_id=project_id, enterprise_id=owner, version=1, withdrawn_at=datetime.now(UTC)
    )

    envelope, refused = await _forge(infra, PROJECTS, event, pretender="scoring")
    consumers = {"scoring-projects", "matching-deals", "audit-ledger"}
    reasons = await _dead_letter_reasons(infra, PROJECTS, envelope, consumers)

    assert refused
    assert _all_forged(reasons), reasons
    assert await _applied_by(infra, envelope) == []
    assert await _as_regulator(infra, live, project_id) == 1
    project = await registry.client.get(f"/v1/projects/{project_id}", headers=headers)
    assert project.json()["status"] == "active"


async def test_a_forged_disbursement_never_reaches_the_flows(
    infra: InfraInfo, matching, audit, mint
) -> None:
    deal = Deal(scored(uuid.uuid4(), uuid.uuid4()))
    event = deal.financed("987654321.00", "3.0", date(2026, 3, 3))[-1]
    assert isinstance(event.response, Disbursement)  # type: ignore[attr-defined]

    envelope, refused = await _forge(infra, DEALS, event, pretender="registry")
    consumers = {"audit-ledger", "matching-lender-feeds"}
    reasons = await _dead_letter_reasons(infra, DEALS, envelope, consumers)

    assert refused
    assert _all_forged(reasons), reasons
    assert await _applied_by(infra, envelope) == []
    responses = "SELECT count(*) FROM audit.responses WHERE deal_id = $1"
    assert await _as_regulator(infra, responses, deal.deal_id) == 0
