"""Prometheus metrics every service exposes at /metrics."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram, start_http_server

HTTP_REQUESTS = Counter(
    "greenlink_http_requests_total", "HTTP requests served", ["service", "route", "status"]
)
HTTP_LATENCY = Histogram(
    "greenlink_http_request_seconds", "HTTP request latency", ["service", "route"]
)
EVENTS_PRODUCED = Counter(
    "greenlink_events_produced_total", "Events the outbox relay published", ["service", "topic"]
)
EVENTS_CONSUMED = Counter(
    "greenlink_events_consumed_total", "Events a consumer applied", ["service", "topic"]
)
EVENTS_DUPLICATE = Counter(
    "greenlink_events_duplicate_total", "Re-delivered events the inbox skipped", ["service"]
)
DEAD_LETTERS = Counter(
    "greenlink_dead_letters_total", "Records sent to a dead-letter topic", ["service", "topic"]
)
OUTBOX_LAG = Gauge("greenlink_outbox_unpublished", "Outbox rows not yet published", ["service"])
CONSUMER_LAG = Gauge(
    "greenlink_consumer_lag",
    "Records on a partition this replica owns that its consumer group has not yet applied",
    ["service", "consumer", "topic", "partition"],
)
HANDLER_FAILURES = Counter(
    "greenlink_handler_failures_total",
    "Batches a handler failed on; the partition waits and the batch is retried",
    ["service"],
)
TRANSIENT_RETRIES = Counter(
    "greenlink_transient_retries_total", "Batches retried after a transient failure", ["service"]
)


def serve_metrics(host: str, port: int) -> None:
    """/metrics for a process without an API (relay, consumers), on a thread of its own."""
    if port:
        start_http_server(port, addr=host)
