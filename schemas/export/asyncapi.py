"""The AsyncAPI 3.1 document: servers and their security, topics and their DLQs, every message,
who sends and receives."""

from __future__ import annotations

from typing import Any, Final, Literal

from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from schemas.catalog import EVENT_MODELS, TOPIC_OF_EVENT
from schemas.envelope import CONTENT_TYPE, Envelope
from schemas.export.topology import consumers_of, events_on, producer_of, summary
from schemas.topics import TOPICS

# The documents describe the bytes producers put on the wire.
SCHEMA_MODE: Final[Literal["serialization"]] = "serialization"
KAFKA_BINDING = "0.5.0"
DEAD_LETTER = "dead-letter"
CONTENT_TYPE_HEADER = {
    "type": "string",
    "const": CONTENT_TYPE,
    "description": "CloudEvents Kafka binding, structured content mode: the value is the event.",
}
DLQ_HEADERS = {
    "dlq_reason": "Why the consumer refused the record.",
    "dlq_error_type": "The exception class that refused it.",
    "dlq_consumer": "The consumer group that refused it.",
    "dlq_source_topic": "Topic the record came from.",
    "dlq_source_partition": "Partition the record came from.",
    "dlq_source_offset": "Offset of the record in its partition.",
}


def _asyncapi_schema(node: Any) -> Any:
    """Keys sorted; pydantic's discriminator object dropped (AsyncAPI's is a bare name)."""
    if isinstance(node, dict):
        return {
            key: _asyncapi_schema(value)
            for key, value in sorted(node.items())
            if not (key == "discriminator" and isinstance(value, dict))
        }
    if isinstance(node, list):
        return [_asyncapi_schema(item) for item in node]
    return node


def _headers(properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": sorted(properties)}


def _message(event_type: str, schema_name: str, schema: dict[str, Any]) -> dict[str, Any]:
    model, key = EVENT_MODELS[event_type], TOPIC_OF_EVENT[event_type].key
    data = {"$ref": f"#/components/schemas/{schema_name}"}
    return {
        "name": event_type,
        "title": model.__name__,
        "summary": summary(model),
        "contentType": "application/cloudevents+json",
        "headers": _headers({"content-type": CONTENT_TYPE_HEADER}),
        "payload": {
            "allOf": [
                {"$ref": "#/components/schemas/Envelope"},
                {"type": "object", "properties": {"data": data, "type": {"const": event_type}}},
            ]
        },
        "bindings": {
            "kafka": {
                "key": {**schema["properties"][key], "title": key},
                "bindingVersion": KAFKA_BINDING,
            }
        },
    }


def _dead_letter() -> dict[str, Any]:
    return {
        "name": DEAD_LETTER,
        "summary": "A record a consumer could not accept, its key, value and headers unchanged.",
        "contentType": "application/octet-stream",
        "headers": {
            **_headers(
                {name: {"type": "string", "description": d} for name, d in DLQ_HEADERS.items()}
            ),
            "additionalProperties": {"type": "string"},
        },
        "payload": {"type": "string", "format": "binary"},
    }


def _channels() -> dict[str, Any]:
    channels: dict[str, Any] = {}
    for topic in TOPICS:
        channels[topic.name] = {
            "address": topic.name,
            "description": f"{topic.description} Keyed by `{topic.key}` over "
            f"{topic.partitions} partitions, so each {topic.key}'s events stay in order.",
            "messages": {t: {"$ref": f"#/components/messages/{t}"} for t in events_on(topic)},
            "bindings": {
                "kafka": {"partitions": topic.partitions, "bindingVersion": KAFKA_BINDING}
            },
        }
        channels[topic.dlq] = {
            "address": topic.dlq,
            "description": f"Records of {topic.name} a consumer refused; the headers say why.",
            "messages": {DEAD_LETTER: {"$ref": f"#/components/messages/{DEAD_LETTER}"}},
        }
    return channels


SCRAM = "scramSha512"
SERVERS: dict[str, Any] = {
    "production": {
        "host": "{bootstrap}",
        "protocol": "kafka-secure",
        "description": "The platform's brokers: TLS (SASL_SSL) and SASL/SCRAM-SHA-512; every "
        "service, and every lender for its own feed, has its own principal and ACLs.",
        "variables": {"bootstrap": {"description": "host:port of a bootstrap broker"}},
        "security": [{"$ref": f"#/components/securitySchemes/{SCRAM}"}],
    },
    "local": {
        "host": "127.0.0.1:{port}",
        "protocol": "kafka",
        "description": "A development machine's brokers (SASL_PLAINTEXT, SCRAM-SHA-512), as "
        "`deploy/local/infra.py` starts them.",
        "variables": {"port": {"description": "the port infra.py reports"}},
        "security": [{"$ref": f"#/components/securitySchemes/{SCRAM}"}],
    },
}
SECURITY_SCHEMES: dict[str, Any] = {
    SCRAM: {
        "type": SCRAM,
        "description": "SASL/SCRAM-SHA-512 with a principal per service and per lender; "
        "passwords are generated per install (docs/security.md).",
    }
}


def _operation(service: str, action: str, channel: str, messages: list[str]) -> dict[str, Any]:
    return {
        "action": action,
        "channel": {"$ref": f"#/channels/{channel}"},
        "summary": f"{service} {action}s {channel}.",
        "messages": [{"$ref": f"#/channels/{channel}/messages/{m}"} for m in messages],
    }


def _operations() -> dict[str, Any]:
    found: dict[str, Any] = {}
    for topic in TOPICS:
        types, writer = events_on(topic), producer_of(topic)
        found[f"{writer}.send.{topic.name}"] = _operation(writer, "send", topic.name, types)
        for reader in consumers_of(topic):
            found[f"{reader}.receive.{topic.name}"] = _operation(
                reader, "receive", topic.name, types
            )
            found[f"{reader}.send.{topic.dlq}"] = _operation(
                reader, "send", topic.dlq, [DEAD_LETTER]
            )
    return dict(sorted(found.items()))


def asyncapi_document() -> dict[str, Any]:
    """The whole document as plain data, every mapping in a fixed order."""
    types = sorted(EVENT_MODELS)
    inputs: list[tuple[type[BaseModel], JsonSchemaMode]] = [
        *((EVENT_MODELS[t], SCHEMA_MODE) for t in types),
        (Envelope, SCHEMA_MODE),
    ]
    refs, defs = models_json_schema(inputs, ref_template="#/components/schemas/{model}")
    schemas: dict[str, Any] = _asyncapi_schema(defs["$defs"])
    names = {t: refs[(EVENT_MODELS[t], SCHEMA_MODE)]["$ref"].rsplit("/", 1)[1] for t in types}
    messages = {t: _message(t, names[t], schemas[names[t]]) for t in types}
    return {
        "asyncapi": "3.1.0",
        "info": {
            "title": "GreenLink events",
            "version": "1.0.0",
            "description": "Generated from schemas/ by `python -m schemas.export`; do not edit. "
            "Every record is a CloudEvents 1.0 event in the Kafka binding's structured content "
            "mode (value in the JSON event format, `content-type: application/cloudevents+json`) "
            "whose `data` is the event body; "
            "types are versioned, and a breaking change is a new `.vN` type.",
        },
        "defaultContentType": "application/cloudevents+json",
        "servers": SERVERS,
        "channels": _channels(),
        "operations": _operations(),
        "components": {
            "schemas": schemas,
            "messages": {**messages, DEAD_LETTER: _dead_letter()},
            "securitySchemes": SECURITY_SCHEMES,
        },
    }
