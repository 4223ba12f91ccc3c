"""Kafka's own doors: who may connect, write and read, enforced by the broker's ACLs."""

from __future__ import annotations

import asyncio
import stat
import uuid
from pathlib import Path
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.errors import KafkaError, TopicAuthorizationFailedError

from deploy.local.infra import InfraInfo
from schemas.lender_feed import lender_feed_topic
from schemas.topics import DEALS
from servicekit.kafka import all_topic_names
from servicekit.kafka_access import KafkaAccess
from servicekit.kafka_acls import services, writable_topics
from servicekit.kafka_admin import provision, provision_lender

pytestmark = [pytest.mark.security, pytest.mark.integration]

REFUSAL_TIMEOUT_S = 30.0


def _local_only(infra: InfraInfo) -> None:
    if not infra.kafka_access().uses_sasl:
        pytest.skip("the configured Kafka does not authenticate")


async def _can_connect(access: KafkaAccess) -> bool:
    producer = AIOKafkaProducer(**access.client_options(), request_timeout_ms=5_000)
    try:
        async with asyncio.timeout(REFUSAL_TIMEOUT_S):
            await producer.start()
        return True
    except (KafkaError, TimeoutError):
        return False
    finally:
        await producer.stop()


async def _write_refusals(access: KafkaAccess, topics: list[str]) -> dict[str, bool]:
    """For each topic, whether the broker refused this principal's write."""
    producer = AIOKafkaProducer(**access.client_options(), request_timeout_ms=5_000)
    await producer.start()
    refused: dict[str, bool] = {}
    try:
        for topic in topics:
            try:
                async with asyncio.timeout(REFUSAL_TIMEOUT_S):
                    await producer.send_and_wait(topic, b"{}", key=b"probe")
                refused[topic] = False
            except TopicAuthorizationFailedError:
                refused[topic] = True
    finally:
        await producer.stop()
    return refused


async def _read(access: KafkaAccess, topic: str, group: str, want: int = 1) -> list[Any]:
    """Records of `topic` from the start; raises TopicAuthorizationFailedError when refused."""
    consumer = AIOKafkaConsumer(
        topic, **access.client_options(), group_id=group, auto_offset_reset="earliest"
    )
    await consumer.start()
    got: list[Any] = []
    try:
        async with asyncio.timeout(REFUSAL_TIMEOUT_S):
            while len(got) < want:
                batches = await consumer.getmany(timeout_ms=500)
                got += [r for records in batches.values() for r in records]
    finally:
        await consumer.stop()
    return got


async def test_a_client_without_credentials_cannot_connect_to_read_or_write(
    infra: InfraInfo, topics: None
) -> None:
    _local_only(infra)
    plaintext = KafkaAccess(infra.bootstrap_servers)
    wrong_password = infra.kafka_access("registry").as_user("registry", "not-the-password")

    assert await _can_connect(infra.kafka_access("registry"))
    assert not await _can_connect(plaintext)
    assert not await _can_connect(wrong_password)


async def test_a_principal_without_acls_can_neither_read_nor_write_any_topic(
    infra: InfraInfo, topics: None
) -> None:
    _local_only(infra)
    name, password = f"nobody-{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
    await provision(infra.kafka_access(), {name: password}, [])
    nobody = infra.kafka_access().as_user(name, password)

    refused = await _write_refusals(nobody, all_topic_names())

    assert refused == dict.fromkeys(all_topic_names(), True)
    for topic in all_topic_names():
        with pytest.raises(TopicAuthorizationFailedError):
            await _read(nobody, topic, f"{name}-group")


async def test_a_service_principal_cannot_produce_to_a_topic_it_does_not_own(
    infra: InfraInfo, topics: None
) -> None:
    _local_only(infra)
    foreign_feed = lender_feed_topic(uuid.uuid4())
    for service in services():
        others = [t for t in all_topic_names() if t not in writable_topics(service)]
        if service != "matching":
            others.append(foreign_feed)

        refused = await _write_refusals(infra.kafka_access(service), others)

        assert refused == dict.fromkeys(others, True), service


async def test_a_lender_reads_its_own_deal_feed_and_not_another_lenders(
    infra: InfraInfo, topics: None
) -> None:
    _local_only(infra)
    admin = infra.kafka_access()
    lenders = {uuid.uuid4(): uuid.uuid4().hex for _ in range(2)}
    access = {}
    for lender_id, password in lenders.items():
        user = await provision_lender(admin, lender_id, password)
        access[lender_id] = admin.as_user(user, password)
    producer = AIOKafkaProducer(**admin.client_options())
    async with producer:
        for lender_id in lenders:
            await producer.send_and_wait(lender_feed_topic(lender_id), str(lender_id).encode())
    own, other = list(lenders)
    me = access[own]

    mine = await _read(me, lender_feed_topic(own), f"lender-{own}-feed")

    assert [r.value for r in mine] == [str(own).encode()]
    with pytest.raises(TopicAuthorizationFailedError):
        await _read(me, lender_feed_topic(other), f"lender-{own}-peek")
    with pytest.raises(TopicAuthorizationFailedError):
        await _read(me, DEALS.name, f"lender-{own}-all")
    assert not (await _write_refusals(admin, [lender_feed_topic(own)]))[lender_feed_topic(own)]
    assert (await _write_refusals(me, [lender_feed_topic(own)]))[lender_feed_topic(own)]


async def test_seeded_lenders_get_principals_that_keep_their_passwords(
    infra: InfraInfo, topics: None, tmp_path: Path
) -> None:
    _local_only(infra)
    from deploy.local.kafka_provision import lenders_credentials

    lenders, path = [uuid.uuid4(), uuid.uuid4()], tmp_path / "lenders.json"
    args = (infra.bootstrap_servers, infra.kafka_users, lenders, path)
    first = await asyncio.to_thread(lenders_credentials, *args)
    again = await asyncio.to_thread(lenders_credentials, *args)
    own, other = (first[str(lender)] for lender in lenders)
    me = infra.kafka_access().as_user(own["username"], own["password"])
    producer = AIOKafkaProducer(**infra.kafka_access().client_options())
    async with producer:
        await producer.send_and_wait(lender_feed_topic(lenders[0]), b"deal")

    assert again == first and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert own["username"] == f"lender-{lenders[0]}" and own["password"] != other["password"]
    assert [r.value for r in await _read(me, lender_feed_topic(lenders[0]), own["username"])] == [
        b"deal"
    ]
    with pytest.raises(TopicAuthorizationFailedError):
        await _read(me, lender_feed_topic(lenders[1]), own["username"])
