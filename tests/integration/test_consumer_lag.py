"""Consumer lag as Kafka holds it: a group put behind its topic on purpose shows that lag per
partition through its service's `/v1/consumer-lag`, and on the regulator's pipeline page, in
Chinese and in English."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.structs import OffsetAndMetadata
from fastapi import FastAPI

from schemas.topics import PROJECTS
from scoring.config import ScoringSettings
from servicekit.dlq import send_to_dlq
from servicekit.http import create_app
from tests.support.console import console_app, signed_in
from tests.support.kafka import eventually
from tests.support.samples import enterprise_body, project_body

pytestmark = pytest.mark.integration


async def _ends(consumer: AIOKafkaConsumer) -> dict[TopicPartition, int]:
    tps = [TopicPartition(PROJECTS.name, p) for p in range(PROJECTS.partitions)]
    ends: dict[TopicPartition, int] = await consumer.end_offsets(tps)
    return ends


@asynccontextmanager
async def lagging_group(
    registry: httpx.AsyncClient, headers: dict[str, str]
) -> AsyncIterator[tuple[str, dict[TopicPartition, int], AIOKafkaConsumer]]:
    """A scoring consumer group that applied nothing of the projects topic: its offsets are
    committed at 0 on every partition but the first, which it never committed on. Yields the
    group, the partitions' end offsets (read after a project was registered, so the topic holds
    a record) and the consumer, to read them again."""
    await registry.post("/v1/enterprises", json=enterprise_body(), headers=headers)
    made = await registry.post("/v1/projects", json=project_body(), headers=headers)
    assert made.status_code == 201, made.text
    group = f"scoring-lag-{uuid.uuid4().hex[:10]}"
    access = ScoringSettings().kafka_access
    consumer = AIOKafkaConsumer(**access.client_options(), group_id=group, enable_auto_commit=False)
    await consumer.start()
    try:

        async def written() -> dict[TopicPartition, int] | None:
            ends = await _ends(consumer)
            return ends if sum(ends.values()) else None

        ends = await eventually(written, timeout_s=60)
        assert isinstance(ends, dict)
        consumer.assign(sorted(ends))
        committed = {tp: OffsetAndMetadata(0, "") for tp in sorted(ends) if tp.partition}
        await consumer.commit(committed)
        yield group, ends, consumer
    finally:
        await consumer.stop()


@asynccontextmanager
async def scoring_api(groups: dict[str, tuple[str, ...]]) -> AsyncIterator[httpx.AsyncClient]:
    """Scoring's API shell, reporting `groups`, with its own Kafka principal and ACLs."""
    app: FastAPI = create_app(
        ScoringSettings(), [], title="scoring", description="lag", consumer_groups=groups
    )
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://scoring") as client:
            yield client


async def test_a_group_behind_its_topic_reports_its_lag_on_every_partition(
    registry, infra, mint
) -> None:
    owner = mint("enterprise", uuid.uuid4())
    async with (
        lagging_group(registry.client, owner) as (group, ends, _),
        scoring_api({group: (PROJECTS.name,)}) as client,
    ):
        answer = await client.get("/v1/consumer-lag", headers=mint("regulator"))
        refused = await client.get("/v1/consumer-lag", headers=owner)

    assert answer.status_code == 200, answer.text
    (measured,) = answer.json()["groups"]
    assert measured["group"] == group
    by_partition = {p["partition"]: p for p in measured["partitions"]}
    assert set(by_partition) == {tp.partition for tp in ends}
    for tp, end in ends.items():
        row = by_partition[tp.partition]
        assert row["end_offset"] >= end
        assert row["lag"] == row["end_offset"]  # nothing applied: everything written is behind
        assert row["committed_offset"] == (None if tp.partition == 0 else 0)
    assert measured["total_lag"] == sum(p["lag"] for p in measured["partitions"]) > 0
    assert refused.status_code == 403


async def test_the_pipeline_page_shows_each_groups_lag_and_worst_partition_in_both_languages(
    registry, scoring, matching, audit, infra, mint
) -> None:
    owner = mint("enterprise", uuid.uuid4())
    async with (
        lagging_group(registry.client, owner) as (group, ends, consumer),
        scoring_api({group: (PROJECTS.name,)}) as lagging,
    ):
        clients = {
            "registry": registry.client,
            "scoring": lagging,
            "matching": matching.client,
            "audit": audit.client,
        }
        async with console_app(clients) as console, signed_in(console, "regulator") as user:
            chinese = await user.get("/regulator/pipeline?lang=zh")
            english = await user.get("/regulator/pipeline?lang=en")
        ends_after = await _ends(consumer)

    assert chinese.status_code == english.status_code == 200
    row = re.search(rf'<tr data-group="{group}">(.*?)</tr>', english.text, re.S)
    assert row, english.text
    shown = re.search(r'class="lag-total">([^<]*)<', row[1])
    assert shown, row[1]
    total = int(shown[1].replace(",", ""))
    assert sum(ends.values()) <= total <= sum(ends_after.values())
    worst = re.search(rf"{PROJECTS.name} #(\d+): ([\d,]+)<", row[1])
    assert worst, row[1]
    assert 0 < max(ends.values()) <= int(worst[2].replace(",", "")) <= max(ends_after.values())
    for real in ("audit-ledger", "matching-deals", "matching-lender-feeds"):
        assert f'data-group="{real}"' in english.text
    assert "Consumer lag" in english.text and "Records behind" in english.text
    assert "消费延迟" in chinese.text and "落后记录数" in chinese.text
    assert f'<tr data-group="{group}">' in chinese.text


async def _parked(client: httpx.AsyncClient, headers: dict[str, str]) -> dict[str, int]:
    answer = await client.get("/v1/consumer-lag", headers=headers)
    assert answer.status_code == 200, answer.text
    return {d["topic"]: d["records"] for d in answer.json()["dead_letters"]}


async def test_a_record_parked_by_a_consumer_process_counts_on_the_api_and_the_page(
    registry, scoring, matching, audit, infra, mint
) -> None:
    """The consumer that parks the record is not the API process answering: the count comes
    from the twin's offsets, as an operator running consumers apart from the API needs."""
    regulator = mint("regulator")
    twin = PROJECTS.dlq
    async with scoring_api({"scoring-projects": (PROJECTS.name,)}) as api:
        before = await _parked(api, regulator)
        assert twin in before
        producer = AIOKafkaProducer(**ScoringSettings().kafka_access.client_options())
        await producer.start()
        try:
            record: ConsumerRecord[bytes, bytes] = ConsumerRecord(
                topic=PROJECTS.name,
                partition=3,
                offset=41,
                timestamp=0,
                timestamp_type=0,
                key=b"k",
                value=b"not an event",
                checksum=None,
                serialized_key_size=1,
                serialized_value_size=12,
                headers=[],
            )
            await send_to_dlq(producer, "scoring-projects", "scoring", record, ValueError("bad"))
        finally:
            await producer.stop()
        after = await _parked(api, regulator)
        clients = {
            "registry": registry.client,
            "scoring": api,
            "matching": matching.client,
            "audit": audit.client,
        }
        async with console_app(clients) as console, signed_in(console, "regulator") as user:
            page = await user.get("/regulator/pipeline?lang=en")
    assert after[twin] == before[twin] + 1
    row = re.search(rf'<tr data-dlq="{re.escape(twin)}">(.*?)</tr>', page.text, re.S)
    assert row, page.text
    shown = re.search(r'class="dlq-records">(?:<span class="error">)?([\d,]+)<', row[1])
    assert shown and int(shown[1].replace(",", "")) >= after[twin] > 0
    assert "scoring" in row[1] and "matching" in row[1] and "audit" in row[1]
