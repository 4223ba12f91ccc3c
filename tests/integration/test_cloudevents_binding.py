"""GreenLink records are CloudEvents in the Kafka binding's structured mode, proven with the
official CloudEvents SDK both ways: it decodes what the platform writes, and the platform
accepts what it encodes."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from cloudevents.core.bindings.kafka import KafkaMessage, from_kafka, to_binary, to_structured
from cloudevents.core.formats.json import JSONFormat
from cloudevents.core.v1.event import CloudEvent
from cloudevents.v1.kafka import KafkaMessage as V1KafkaMessage
from cloudevents.v1.kafka import from_structured as v1_from_structured

from schemas.envelope import new_traceparent
from schemas.project import ProjectRegistered
from schemas.topics import PROJECTS, SCORES
from tests.support.kafka import first_records_about, read_until, send_one
from tests.support.projects import register_projects
from tests.support.samples import project_body
from tests.unit.contracts.examples import examples

pytestmark = pytest.mark.integration


async def test_the_sdk_decodes_a_record_read_from_the_broker(registry, mint, infra) -> None:
    (project_id,), _ = await register_projects(registry, mint, [project_body()])
    [record] = await first_records_about(infra.kafka_access(), PROJECTS.name, project_id)
    record_headers = {name: value for name, value in record.headers}
    assert not [name for name in record_headers if name.startswith("ce_")], "mixed modes"
    message = KafkaMessage(headers=record_headers, key=record.key, value=record.value)

    event = from_kafka(message, JSONFormat())  # detects the mode from the headers itself

    attributes = event.get_attributes()
    assert attributes["type"] == "project.registered.v1"
    assert attributes["source"] == "greenlink/registry"
    assert attributes["subject"] == project_id
    assert attributes["traceparent"].startswith("00-")
    data = event.get_data()
    assert isinstance(data, dict) and data["project_id"] == project_id
    legacy = v1_from_structured(V1KafkaMessage(record_headers, record.key, record.value))
    assert legacy["id"] == attributes["id"] and legacy.data["project_id"] == project_id


def _registration_from_the_sdk(project_id: uuid.UUID) -> CloudEvent:
    body = examples()["project.registered.v1"]
    assert isinstance(body, ProjectRegistered)
    data = body.model_copy(update={"project_id": project_id}).model_dump(mode="json")
    return CloudEvent(
        attributes={
            "id": str(uuid.uuid4()),
            "source": "greenlink/registry",
            "type": "project.registered.v1",
            "subject": str(project_id),
            "time": datetime(2026, 3, 1, 8, 30, tzinfo=UTC),
            "datacontenttype": "application/json",
            "traceparent": new_traceparent(),
        },
        data=data,
    )


async def _send(infra, client_id: str, project_id: uuid.UUID, message: KafkaMessage) -> None:
    """The SDK's record on the projects topic, keyed by project as the registry keys it."""
    headers = message.headers.items()
    key = str(project_id).encode()
    await send_one(
        infra.kafka_access(), client_id, PROJECTS.name, message.value, key=key, headers=headers
    )


async def test_a_record_the_sdk_encodes_is_accepted_and_scored(scoring, infra) -> None:
    project_id = uuid.uuid4()
    message = to_structured(_registration_from_the_sdk(project_id), JSONFormat())
    await _send(infra, "test-cloudevents-sdk", project_id, message)
    scored = await first_records_about(infra.kafka_access(), SCORES.name, project_id)
    assert scored, "scoring did not accept the SDK's structured-mode record"
    assert dict(scored[0].headers)["content-type"].startswith(b"application/cloudevents+json")


async def test_a_binary_mode_record_is_dead_lettered_naming_the_mode(scoring, infra) -> None:
    project_id = uuid.uuid4()
    message = to_binary(_registration_from_the_sdk(project_id), JSONFormat())
    await _send(infra, "test-cloudevents-binary", project_id, message)
    dead = await read_until(
        infra.kafka_access(),
        PROJECTS.dlq,
        lambda got: any(b"binary-mode" in dict(r.headers)["dlq_reason"] for r in got),
        keep=lambda r: r.key == str(project_id).encode(),
    )
    reasons = [dict(r.headers)["dlq_reason"] for r in dead]
    assert any(b"binary-mode" in reason for reason in reasons), reasons
    assert all(dict(r.headers).get("ce_specversion") == b"1.0" for r in dead), "headers kept"
