"""The fault suite's Kafka faults touch the services' traffic only if all of it passes the proxies:
a client that bootstraps through them must be sent to them for every broker, and a partition
there must cut it off while the cluster itself, reached directly, keeps serving."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError

from deploy.local import infra as launcher
from deploy.local import toxiproxy
from deploy.local.kafka_auth import ADMIN
from deploy.local.procs import HOST
from servicekit.kafka_access import KafkaAccess
from tests.chaos.suite import start_cluster
from tests.integration.test_local_infra import create_topic, produce

pytestmark = [pytest.mark.chaos, pytest.mark.timeout(600)]


async def _sent(producer: AIOKafkaProducer, topic: str, value: bytes) -> bool:
    try:
        await asyncio.wait_for(producer.send_and_wait(topic, value=value, key=value), 15)
    except (KafkaError, TimeoutError):
        return False
    return True


async def test_a_client_bootstrapping_through_the_proxies_reaches_every_broker_through_them() -> (
    None
):
    info = await asyncio.to_thread(start_cluster)
    routes = launcher.proxy_routes()
    proxy = await asyncio.to_thread(toxiproxy.ensure)
    await asyncio.to_thread(proxy.route, routes)
    direct = info.kafka_access()
    proxied = KafkaAccess(
        ",".join(f"{HOST}:{r.listen}" for r in routes), info.kafka_security_protocol
    ).as_user(ADMIN, info.kafka_users[ADMIN])
    topic = f"proxied-{uuid.uuid4().hex[:8]}"
    await create_topic(direct, topic, replicas=3)
    producer = AIOKafkaProducer(**proxied.client_options(), acks="all", request_timeout_ms=3000)
    await producer.start()
    try:
        before = await _sent(producer, topic, b"before")
        brokers = {(b.host, b.port) for b in producer.client.cluster.brokers()}
        await asyncio.to_thread(proxy.poison, "timeout", {"timeout": 0})
        try:
            cut_off = not await _sent(producer, topic, b"cut off")
            await produce(direct, topic, [b"direct"])  # the cluster serves meanwhile
        finally:
            await asyncio.to_thread(proxy.heal)
        after = await _sent(producer, topic, b"after")
    finally:
        await producer.stop()

    assert brokers == {(HOST, r.listen) for r in routes}
    assert (before, cut_off, after) == (True, True, True)
