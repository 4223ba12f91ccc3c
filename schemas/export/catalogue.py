"""`docs/events.md`: the event catalogue a newcomer reads before the AsyncAPI document."""

from __future__ import annotations

from schemas.catalog import EVENT_MODELS
from schemas.export.topology import consumers_of, events_on, producer_of, summary
from schemas.topics import TOPICS, Topic

HEADER = """\
# Event catalogue

Generated from `schemas/` by `python -m schemas.export` (`make contracts`); do not edit by hand.

Every Kafka record is a CloudEvents 1.0 event in the Kafka protocol binding's structured content
mode: the value is the event in the JSON event format
([schema](../schemas/jsonschema/envelope.json)), the `content-type` header is
`application/cloudevents+json`, and no `ce_` headers are set. `data` is the event body named by
`type`; trace context travels as the distributed-tracing extension attribute `traceparent`.
The record key is the topic's key field of the body, so all events about one key stay in order.
Producers write bodies strictly (frozen models, unknown fields refused); consumers read them
tolerantly (unknown fields ignored), so optional fields can be added within a version. A
breaking change is a new `.vN` type published beside the old one. Each topic has a dead-letter
twin `<topic>.dlq` for records a consumer refused. The full contract, with every field, is
[`schemas/asyncapi.yaml`](../schemas/asyncapi.yaml).
"""


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _topic_section(topic: Topic) -> list[str]:
    lines = [
        f"## `{topic.name}`",
        "",
        _cell(topic.description),
        "",
        "| | |",
        "|---|---|",
        f"| Key | `{topic.key}` |",
        f"| Partitions | {topic.partitions} |",
        f"| Written by | {producer_of(topic)} |",
        f"| Read by | {', '.join(consumers_of(topic)) or 'readers outside the platform'} |",
        f"| Dead letters | `{topic.dlq}` |",
        "",
        "| Event type | Model | Meaning |",
        "|---|---|---|",
    ]
    for event_type in events_on(topic):
        model = EVENT_MODELS[event_type]
        link = f"[`{event_type}`](../schemas/jsonschema/{event_type}.json)"
        lines.append(f"| {link} | `{model.__name__}` | {_cell(summary(model))} |")
    return [*lines, ""]


def catalogue_markdown() -> str:
    """The whole catalogue, topics in registry order, event types sorted."""
    sections = [line for topic in TOPICS for line in _topic_section(topic)]
    return HEADER + "\n" + "\n".join(sections)
