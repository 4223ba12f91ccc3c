"""The event contracts keep their promises, and the committed documents match the code."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import orjson
import pytest
import yaml
from jsonschema import Draft202012Validator
from pydantic import ValidationError

from schemas.catalog import EVENT_MODELS, TOPIC_OF_EVENT, model_for
from schemas.envelope import Envelope, EventData
from schemas.export import REGENERATE, export, rendered
from schemas.export.asyncapi import asyncapi_document
from schemas.export.files import JSONSCHEMA_DIR, ROOT, schema_id
from schemas.topics import TOPICS, Topic
from tests.unit.contracts.examples import examples

pytestmark = pytest.mark.unit

EVENT_TYPE = re.compile(r"^[a-z]+(\.[a-z_]+)+\.v[0-9]+$")
EXAMPLES = examples()
ALL_TYPES = sorted(EVENT_MODELS)
TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"


def test_committed_generated_files_match_the_contracts() -> None:
    stale = export(check=True)
    assert not stale, (
        f"generated contracts are stale: {', '.join(map(str, stale))}; regenerate with: "
        f"{REGENERATE}"
    )


def test_check_mode_names_edited_and_orphaned_files_and_changes_nothing(tmp_path: Path) -> None:
    export(tmp_path)
    edited = tmp_path / "schemas/asyncapi.yaml"
    edited.write_text("asyncapi: 3.0.0\n")
    orphan = tmp_path / "schemas/jsonschema/project.renamed.v1.json"
    orphan.write_text("{}\n")

    assert export(tmp_path, check=True) == [
        Path("schemas/asyncapi.yaml"),
        Path("schemas/jsonschema/project.renamed.v1.json"),
    ]
    assert edited.read_text() == "asyncapi: 3.0.0\n"
    export(tmp_path)
    assert export(tmp_path, check=True) == []
    assert not orphan.exists()


def test_rendering_twice_gives_identical_bytes() -> None:
    assert rendered() == rendered()


def test_every_event_type_has_a_schema_file_and_an_asyncapi_message() -> None:
    files = {path.name for path in rendered()}
    messages = asyncapi_document()["components"]["messages"]
    for event_type in ALL_TYPES:
        assert f"{event_type}.json" in files
        assert messages[event_type]["title"] == EVENT_MODELS[event_type].__name__


@pytest.mark.parametrize("event_type", ALL_TYPES)
def test_event_type_is_dotted_and_versioned(event_type: str) -> None:
    assert EVENT_TYPE.fullmatch(event_type), event_type
    assert EVENT_MODELS[event_type].event_type == event_type


@pytest.mark.parametrize("event_type", ALL_TYPES)
def test_event_model_is_frozen_strict_and_documented(event_type: str) -> None:
    model = EVENT_MODELS[event_type]
    assert issubclass(model, EventData)
    assert model.model_config.get("frozen") is True
    assert model.model_config.get("extra") == "forbid"
    assert (model.__doc__ or "").strip(), "the event catalogue shows the docstring's first line"


@pytest.mark.parametrize("event_type", ALL_TYPES)
def test_event_carries_the_field_its_topic_is_keyed_by(event_type: str) -> None:
    model, topic = EVENT_MODELS[event_type], TOPIC_OF_EVENT[event_type]
    assert topic in TOPICS
    assert topic.key in model.model_fields, f"the outbox keys {topic.name} by {topic.key}"


def test_every_event_type_has_an_example_for_these_tests() -> None:
    missing = sorted(set(EVENT_MODELS) - set(EXAMPLES))
    assert not missing, f"add a body for {missing} to tests/unit/contracts/examples.py"


@pytest.mark.parametrize("event_type", sorted(EXAMPLES))
def test_producer_refuses_unknown_fields_and_consumer_ignores_them(event_type: str) -> None:
    event = EXAMPLES[event_type]
    model = type(event)
    wire = event.model_dump(mode="json") | {"added_in_a_later_release": 1}
    with pytest.raises(ValidationError, match="added_in_a_later_release"):
        model.model_validate(wire)
    assert model.model_validate(wire, extra="ignore") == event


@pytest.mark.parametrize("event_type", sorted(EXAMPLES))
def test_event_cannot_change_after_it_is_built(event_type: str) -> None:
    event = EXAMPLES[event_type]
    key = TOPIC_OF_EVENT[event_type].key
    with pytest.raises(ValidationError, match="frozen"):
        setattr(event, key, getattr(event, key))


@pytest.mark.parametrize("event_type", sorted(EXAMPLES))
def test_envelope_round_trips_through_the_wire_form(event_type: str) -> None:
    event = EXAMPLES[event_type]
    envelope = Envelope.wrap(event, source="greenlink/test", traceparent=TRACEPARENT)

    parsed = Envelope.from_bytes(envelope.to_bytes())

    assert parsed == envelope
    assert parsed.type == event_type
    assert parsed.subject == event.subject()
    assert model_for(parsed.type).model_validate(parsed.data, extra="ignore") == event


def test_envelope_reading_tolerates_attributes_it_does_not_know() -> None:
    envelope = Envelope.wrap(EXAMPLES[ALL_TYPES[0]], source="greenlink/test")
    raw = orjson.loads(envelope.to_bytes()) | {"partitionkey": "x", "dataschema": "urn:x"}
    assert Envelope.model_validate(raw) == envelope


@pytest.fixture(scope="module")
def committed_asyncapi() -> dict[str, Any]:
    parsed: dict[str, Any] = yaml.safe_load(rendered()[Path("schemas/asyncapi.yaml")])
    return parsed


@pytest.mark.parametrize("topic", TOPICS, ids=lambda t: t.name)
def test_every_topic_and_its_dead_letter_twin_are_documented(
    topic: Topic, committed_asyncapi: dict[str, Any]
) -> None:
    channels, messages = (
        committed_asyncapi["channels"],
        committed_asyncapi["components"]["messages"],
    )
    assert topic.dlq == f"{topic.name}.dlq"
    assert channels[topic.name]["bindings"]["kafka"]["partitions"] == topic.partitions
    assert channels[topic.dlq]["address"] == topic.dlq
    for event_type in (t for t, owner in TOPIC_OF_EVENT.items() if owner == topic):
        assert event_type in channels[topic.name]["messages"]
        assert messages[event_type]["bindings"]["kafka"]["key"]["title"] == topic.key


@pytest.mark.parametrize("event_type", sorted(EXAMPLES))
def test_each_json_schema_names_itself_with_an_id_and_accepts_its_example(event_type: str) -> None:
    schema = orjson.loads((ROOT / JSONSCHEMA_DIR / f"{event_type}.json").read_bytes())
    assert schema["$id"] == schema_id(event_type)
    Draft202012Validator.check_schema(schema)
    Draft202012Validator(schema).validate(EXAMPLES[event_type].model_dump(mode="json"))


def test_the_envelope_schema_accepts_a_wire_envelope() -> None:
    schema = orjson.loads((ROOT / JSONSCHEMA_DIR / "envelope.json").read_bytes())
    assert schema["$id"] == schema_id("envelope")
    envelope = Envelope.wrap(EXAMPLES[ALL_TYPES[0]], source="greenlink/test")
    Draft202012Validator(schema).validate(orjson.loads(envelope.to_bytes()))
