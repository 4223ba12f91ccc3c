"""A consumer span links every event's trace only when spans are recorded: without an
exporter, reading each event's trace context is work nobody sees."""

from __future__ import annotations

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider

from schemas.envelope import new_traceparent
from servicekit import tracing

pytestmark = pytest.mark.unit


def _parsed_while_consuming(monkeypatch: pytest.MonkeyPatch, provider: object) -> int:
    parsed = []
    real = tracing.context_of

    def counting(traceparent: str | None) -> object:
        parsed.append(traceparent)
        return real(traceparent)

    monkeypatch.setattr(trace, "get_tracer_provider", lambda: provider)
    monkeypatch.setattr(tracing, "context_of", counting)
    with tracing.consuming("scoring-projects", "project.registered.v1", [new_traceparent()] * 5):
        pass
    return len(parsed)


def test_without_an_exporting_provider_only_the_parent_trace_is_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert _parsed_while_consuming(monkeypatch, trace.ProxyTracerProvider()) == 1


def test_with_an_exporting_provider_every_event_s_trace_is_linked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert _parsed_while_consuming(monkeypatch, TracerProvider()) == 5
