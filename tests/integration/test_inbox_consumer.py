"""Inbox consumer: duplicates change state once; poison is dead-lettered, the partition moves on."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from prometheus_client import REGISTRY

from schemas.envelope import Envelope
from schemas.project import ProjectWithdrawn
from schemas.topics import PROJECTS
from servicekit.consumers import Batch, HandlerTable, on
from servicekit.db import Connection
from servicekit.inbox import PoisonEvent
from tests.support.inbox_probe import probe_handlers, record_effects, running_probe
from tests.support.kafka import eventually, read_to_end, read_until

pytestmark = pytest.mark.integration


def _envelope(subject_project: uuid.UUID) -> Envelope:
    event = ProjectWithdrawn(
        project_id=subject_project,
        enterprise_id=uuid.uuid4(),
        version=1,
        withdrawn_at=datetime.now(UTC),
    )
    return Envelope.wrap(event, source="greenlink/registry")


@pytest.fixture
async def probe(infra, topics, tmp_path):
    """A running inbox consumer over the projects topic with its own group and schema."""
    async with running_probe(infra, tmp_path, probe_handlers()) as running:
        yield running.pool, running.producer


async def _effects(pool, subject: uuid.UUID) -> int:
    return int(await pool.fetchval("SELECT count(*) FROM effects WHERE subject = $1", str(subject)))


async def test_the_same_event_delivered_twice_changes_state_once(probe):
    pool, producer = probe
    project = uuid.uuid4()
    envelope = _envelope(project)
    for _ in range(2):
        await producer.send_and_wait(PROJECTS.name, envelope.to_bytes(), key=str(project).encode())
    marker = uuid.uuid4()  # a later event on the same key proves both copies were consumed
    await producer.send_and_wait(
        PROJECTS.name, _envelope(marker).to_bytes(), key=str(project).encode()
    )
    await eventually(lambda: _effects(pool, marker))
    assert await _effects(pool, project) == 1


async def test_handlers_act_as_the_service_itself_for_row_level_security(probe):
    pool, producer = probe
    project = uuid.uuid4()
    await producer.send_and_wait(
        PROJECTS.name, _envelope(project).to_bytes(), key=str(project).encode()
    )
    await eventually(lambda: _effects(pool, project))
    sql = "SELECT acting_as FROM effects WHERE subject = $1"
    assert await pool.fetchval(sql, str(project)) == "system"


async def test_malformed_event_goes_to_the_dlq_with_its_reason_and_the_partition_moves_on(
    probe, infra
):
    pool, producer = probe
    key = uuid.uuid4()
    broken = _envelope(key).model_dump(mode="json")
    broken["data"]["version"] = "not a number"
    import orjson

    await producer.send_and_wait(PROJECTS.name, orjson.dumps(broken), key=str(key).encode())
    await producer.send_and_wait(PROJECTS.name, b"{not json", key=str(key).encode())
    after = uuid.uuid4()
    await producer.send_and_wait(PROJECTS.name, _envelope(after).to_bytes(), key=str(key).encode())

    await eventually(lambda: _effects(pool, after))
    dead = await read_until(
        infra.kafka_access(),
        PROJECTS.dlq,
        lambda got: len(got) >= 2,
        keep=lambda r: r.key == str(key).encode(),
    )
    reasons = [dict(r.headers)["dlq_reason"].decode() for r in dead]
    assert any("version" in reason for reason in reasons)
    assert any("JSON" in reason or "json" in reason.lower() for reason in reasons)
    assert all(dict(r.headers)["dlq_source_topic"] == PROJECTS.name.encode() for r in dead)


@pytest.fixture
async def faulty_probe(infra, topics, tmp_path):
    """An inbox consumer whose handler raises while a project is listed in `failing`."""
    failing: dict[str, type[Exception]] = {}
    attempts: list[str] = []

    async def record_unless_failing(con: Connection, events: Batch[ProjectWithdrawn]) -> None:
        for event in events:
            attempts.append(event.envelope.subject)
            if event.envelope.subject in failing:
                raise failing[event.envelope.subject]("a bug in the handler, not in the event")
        await record_effects(con, events)

    handlers = HandlerTable(on(ProjectWithdrawn, handle=record_unless_failing))
    retries = {"retry_initial_s": 0.05, "retry_max_s": 0.5}
    async with running_probe(infra, tmp_path, handlers, **retries) as running:
        yield running.pool, running.producer, failing, attempts, running.schema
        failing.clear()


async def _failing_then_after(
    faulty_probe: Any, error: type[Exception]
) -> tuple[bytes, Envelope, Envelope]:
    """On one key: an event the handler raises `error` on, then an event after it."""
    _, producer, failing, _, _ = faulty_probe
    key = str(uuid.uuid4()).encode()
    failed, after = _envelope(uuid.uuid4()), _envelope(uuid.uuid4())
    failing[failed.subject] = error
    await producer.send_and_wait(PROJECTS.name, failed.to_bytes(), key=key)
    await producer.send_and_wait(PROJECTS.name, after.to_bytes(), key=key)
    return key, failed, after


@pytest.mark.parametrize("error", [ValueError, KeyError])
async def test_a_handler_error_is_retried_while_the_partition_waits_and_never_dead_letters(
    faulty_probe, infra, error
):
    pool, _, failing, attempts, service = faulty_probe
    key, good, after = await _failing_then_after(faulty_probe, error)

    await eventually(lambda: attempts.count(good.subject) >= 3)
    # The partition waits: the later event on the same key is not applied past the failing one.
    assert await _effects(pool, uuid.UUID(good.subject)) == 0
    assert await _effects(pool, uuid.UUID(after.subject)) == 0
    failures = REGISTRY.get_sample_value("greenlink_handler_failures_total", {"service": service})
    assert failures is not None and failures >= 2

    del failing[good.subject]  # the bug is fixed: the very same event now applies, once
    await eventually(lambda: _effects(pool, uuid.UUID(after.subject)))
    assert await _effects(pool, uuid.UUID(good.subject)) == 1
    parked = await read_to_end(infra.kafka_access(), PROJECTS.dlq, keep=lambda r: r.key == key)
    assert parked == []


async def test_a_handler_marks_an_event_poison_only_explicitly(faulty_probe, infra):
    pool = faulty_probe[0]
    key, refused, after = await _failing_then_after(faulty_probe, PoisonEvent)

    await eventually(lambda: _effects(pool, uuid.UUID(after.subject)))
    parked = await read_until(
        infra.kafka_access(), PROJECTS.dlq, lambda got: len(got) >= 1, keep=lambda r: r.key == key
    )
    assert b"PoisonEvent" in dict(parked[0].headers)["dlq_reason"]
    assert await _effects(pool, uuid.UUID(refused.subject)) == 0
