"""One request's W3C trace is carried through the outbox and Kafka into every consumer that
acts on its consequences, recorded by OpenTelemetry (an in-memory exporter here; none by
default)."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterator

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from tests.support.kafka import eventually
from tests.support.samples import enterprise_body, project_body

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def spans() -> Iterator[InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    trace.set_tracer_provider(provider)  # once per process: the services' tracers follow it
    assert trace.get_tracer_provider() is provider, "another tracer provider was installed"
    yield exporter
    exporter.shutdown()  # later tests' spans are dropped, not kept in memory


def _in_trace(span: ReadableSpan, trace_id: int) -> bool:
    own = span.context is not None and span.context.trace_id == trace_id
    return own or any(link.context.trace_id == trace_id for link in span.links)


async def test_one_registration_s_trace_reaches_scoring_matching_and_audit(
    spans: InMemorySpanExporter, registry, scoring, matching, audit, mint
) -> None:
    trace_id = secrets.token_hex(16)
    traced = {"traceparent": f"00-{trace_id}-{secrets.token_hex(8)}-01"}
    headers = mint("enterprise", uuid.uuid4())
    made = await registry.client.post(
        "/v1/enterprises", json=enterprise_body(), headers=headers | traced
    )
    assert made.status_code == 201
    created = await registry.client.post(
        "/v1/projects", json=project_body(), headers=headers | traced
    )
    assert created.status_code == 201, created.text
    wanted = {
        ("scoring-projects", "project.registered.v1"),
        ("matching-deals", "project.scored.v1"),
        ("audit-ledger", "project.registered.v1"),
        ("audit-ledger", "project.scored.v1"),
    }

    def seen() -> set[tuple[str, str]]:
        found = {
            (
                str((s.attributes or {}).get("messaging.consumer.group.name")),
                str((s.attributes or {}).get("cloudevents.event_type")),
            )
            for s in spans.get_finished_spans()
            if _in_trace(s, int(trace_id, 16))
        }
        return found if wanted <= found else set()

    await eventually(seen, timeout_s=90)
    names = {s.name for s in spans.get_finished_spans() if _in_trace(s, int(trace_id, 16))}
    assert any(name.endswith(" publish") for name in names), names  # the relay, in the trace
