"""The readers the AsyncAPI document names for each topic are the consumers the services run."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from schemas.export.topology import PRODUCER_OF_TOPIC, consumers_of, producer_of
from schemas.topics import TOPICS

pytestmark = pytest.mark.unit

SERVICES_DIR = Path(__file__).resolve().parents[3] / "services"
SERVICES = sorted(
    p.name for p in SERVICES_DIR.iterdir() if (p / "app.py").is_file() and p.name != "servicekit"
)


def _topics_read_by_each_service(monkeypatch: pytest.MonkeyPatch) -> dict[str, set[str]]:
    monkeypatch.setenv("DATABASE_URL", "postgresql://greenlink@127.0.0.1:1/greenlink")
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1")
    monkeypatch.setenv("GREENLINK_ENV", "test")
    read: dict[str, set[str]] = {}
    for service in SERVICES:
        spec = importlib.import_module(f"{service}.app").spec()
        read[service] = {name for consumer in spec.consumers for name in consumer.topics}
    return read


def test_documented_readers_of_each_topic_are_the_running_consumers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    read = _topics_read_by_each_service(monkeypatch)
    for topic in TOPICS:
        running = {service for service, topics in read.items() if topic.name in topics}
        assert set(consumers_of(topic)) == running, (
            f"{topic.name}: update CONSUMERS_OF_TOPIC in schemas/export/topology.py"
        )


def test_every_topic_has_exactly_one_known_writer() -> None:
    assert set(PRODUCER_OF_TOPIC) == {t.name for t in TOPICS}
    assert {producer_of(t) for t in TOPICS} <= set(SERVICES)
