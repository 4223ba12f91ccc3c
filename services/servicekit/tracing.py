"""W3C trace context from the HTTP request through the outbox, Kafka and every consumer.

The context always travels: FastAPI's instrumentation continues an incoming `traceparent`,
the outbox stamps the current one on each event (the CloudEvents `traceparent` attribute), the
relay produces inside it (the aiokafka instrumentation adds the `traceparent` record header),
and the inbox runs each handler inside the context of the events it applies, so the events a
handler emits continue the same trace. Spans are recorded and exported only when an operator
asks with the standard variables: `OTEL_TRACES_EXPORTER=console` (or `otlp` where an OTLP
exporter package is installed), `OTEL_SERVICE_NAME`, `OTEL_SDK_DISABLED`. By default nothing is
exported and the tracer is the no-op one.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from opentelemetry import context, trace
from opentelemetry.instrumentation.aiokafka import AIOKafkaInstrumentor
from opentelemetry.instrumentation.asyncpg import AsyncPGInstrumentor
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter, SpanExporter
from opentelemetry.trace import Link, SpanKind
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

log = logging.getLogger(__name__)
TRACER = trace.get_tracer("greenlink")
W3C = TraceContextTextMapPropagator()
_instrumented = False


def _exporter(name: str) -> SpanExporter | None:
    if name == "console":
        return ConsoleSpanExporter()
    if name == "otlp":
        try:
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import (  # type: ignore[import-not-found]
                OTLPSpanExporter,
            )
        except ImportError:
            log.warning("OTEL_TRACES_EXPORTER=otlp needs opentelemetry-exporter-otlp-proto-http")
            return None
        exporter: SpanExporter = OTLPSpanExporter()
        return exporter
    if name != "none":
        log.warning("unknown OTEL_TRACES_EXPORTER entry ignored", extra={"exporter": name})
    return None


def configure_tracing(service: str) -> None:
    """Instrument asyncpg and aiokafka once per process, and install an exporting tracer
    provider only when `OTEL_TRACES_EXPORTER` names an exporter (none by default)."""
    global _instrumented
    if _instrumented:
        return
    _instrumented = True
    AsyncPGInstrumentor().instrument()  # type: ignore[no-untyped-call]
    AIOKafkaInstrumentor().instrument()
    if os.environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return
    names = os.environ.get("OTEL_TRACES_EXPORTER", "none").replace(" ", "").split(",")
    exporters = [e for e in map(_exporter, filter(None, names)) if e is not None]
    if not exporters:
        return
    name = os.environ.get("OTEL_SERVICE_NAME") or f"greenlink-{service}"
    provider = TracerProvider(resource=Resource.create({"service.name": name}))
    for exporter in exporters:
        provider.add_span_processor(BatchSpanProcessor(exporter))
    trace.set_tracer_provider(provider)


def current_traceparent() -> str | None:
    """The W3C `traceparent` of the work in hand, or None outside any trace."""
    carrier: dict[str, str] = {}
    W3C.inject(carrier)
    return carrier.get("traceparent")


def context_of(traceparent: str | None) -> context.Context:
    """The trace context a `traceparent` value names (an empty one for None or garbage)."""
    return W3C.extract({"traceparent": traceparent} if traceparent else {})


def recording() -> bool:
    """Whether spans are recorded: only once an exporting provider is installed. Under the
    default proxy provider spans are non-recording and anything attached to them is dropped."""
    provider = trace.get_tracer_provider()
    return not isinstance(provider, trace.ProxyTracerProvider | trace.NoOpTracerProvider)


def _links(traceparents: Sequence[str | None]) -> list[Link]:
    contexts = [trace.get_current_span(context_of(t)).get_span_context() for t in traceparents]
    return [Link(c) for c in contexts if c.is_valid]


@contextmanager
def consuming(consumer: str, event_type: str, traceparents: Sequence[str | None]) -> Iterator[None]:
    """A consumer span around a handler's batch: the child of the first event's trace, linked
    to every other event's, so each producer's trace shows where its event was applied. The
    links are built only when spans are recorded: parsing every event's trace context costs
    a few microseconds per event (docs/performance.md)."""
    links = _links(traceparents[1:]) if recording() else []
    with TRACER.start_as_current_span(
        f"{consumer} process {event_type}",
        context=context_of(traceparents[0] if traceparents else None),
        kind=SpanKind.CONSUMER,
        links=links,
        attributes={
            "messaging.system": "kafka",
            "messaging.consumer.group.name": consumer,
            "messaging.operation.type": "process",
            "messaging.batch.message_count": len(traceparents),
            "cloudevents.event_type": event_type,
        },
    ):
        yield


@contextmanager
def publishing(topic: str, traceparent: str | None) -> Iterator[None]:
    """The relay's span for one outbox row, inside the trace of the request that wrote it."""
    with TRACER.start_as_current_span(
        f"{topic} publish",
        context=context_of(traceparent),
        kind=SpanKind.PRODUCER,
        attributes={"messaging.system": "kafka", "messaging.destination.name": topic},
    ):
        yield
