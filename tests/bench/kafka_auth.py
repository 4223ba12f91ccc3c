"""Kafka throughput with SASL/SCRAM and ACLs on, beside the same broker with them off.

`python -m tests.bench.kafka_auth [--records N]`: starts two throwaway single-node brokers in a
temporary folder, one after the other, with the launcher's own settings (the second without
SASL, authorizer or ACLs), and moves the same records through each with the platform's producer
(idempotent, acks=all) and consumer settings: on the secured broker as the `registry` principal
writing `greenlink.projects` and the `scoring` principal reading it, as the pipeline does.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import typer
from aiokafka.admin import AIOKafkaAdminClient

from deploy.local.jars import ensure_kafka_jars, require
from deploy.local.kafka_auth import ADMIN, new_users, scram_format_args
from deploy.local.kafka_config import Node, java_command, new_cluster_id, server_properties
from deploy.local.procs import HOST, reuse_or_pick
from schemas.topics import PROJECTS
from servicekit.kafka import all_topic_names, create_topics, make_consumer, make_producer
from servicekit.kafka_access import KafkaAccess
from servicekit.kafka_acls import platform_acls
from servicekit.kafka_admin import provision

VALUE_BYTES = 700  # about one project event envelope
SASL_KEYS = ("sasl.", "listener.name.", "authorizer.", "allow.everyone", "super.users")


def _properties(node: Node, users: dict[str, str], secured: bool) -> dict[str, str]:
    props = server_properties(node, [node], users)
    if secured:
        return props
    props = {k: v for k, v in props.items() if not k.startswith(SASL_KEYS)}
    listeners = f"PLAINTEXT://{HOST}:{node.port},CONTROLLER://{HOST}:{node.controller_port}"
    return props | {
        "listeners": listeners,
        "advertised.listeners": listeners,
        "inter.broker.listener.name": "PLAINTEXT",
        "listener.security.protocol.map": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
    }


async def _wait_serving(access: KafkaAccess, timeout_s: float = 90.0) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        admin = AIOKafkaAdminClient(**access.client_options(), request_timeout_ms=3_000)
        try:
            await admin.start()
            if (await admin.describe_cluster())["brokers"]:
                return
        except Exception:
            if time.monotonic() > deadline:
                raise
        finally:
            await admin.close()
        await asyncio.sleep(0.5)


def _start(
    root: Path, secured: bool
) -> tuple[subprocess.Popen[bytes], KafkaAccess, dict[str, str]]:
    """Format and start a fresh single-node broker; returns the admin's access to it."""
    taken: set[int] = set()
    port = reuse_or_pick(0, taken)
    taken.add(port)
    node = Node(1, port, reuse_or_pick(0, taken), root / "node", root / "logs", "bench")
    node.home.mkdir(parents=True)
    node.logs.mkdir(parents=True)
    users = new_users()
    lines = [f"{k}={v}" for k, v in _properties(node, users, secured).items()]
    node.properties.write_text("\n".join(lines) + "\n")
    (node.home / "log4j2.properties").write_text("rootLogger.level = WARN\n")
    java, libs = require("java"), ensure_kafka_jars()
    scram = scram_format_args(users) if secured else []
    tool = ["kafka.tools.StorageTool", "format", "--standalone", *scram]
    args = [*tool, "-t", new_cluster_id(), "-c", str(node.properties)]
    subprocess.run(java_command(java, libs, node, args), check=True, capture_output=True)
    command = java_command(java, libs, node, ["kafka.Kafka", str(node.properties)])
    with (root / "broker.out").open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    access = KafkaAccess(f"{HOST}:{port}")
    if secured:
        access = KafkaAccess(access.bootstrap_servers, "SASL_PLAINTEXT").as_user(
            ADMIN, users[ADMIN]
        )
    return process, access, users


@asynccontextmanager
async def broker(root: Path, secured: bool) -> AsyncIterator[tuple[KafkaAccess, dict[str, str]]]:
    process, access, users = _start(root, secured)
    try:
        await _wait_serving(access)
        yield access, users
    finally:
        process.terminate()
        await asyncio.to_thread(process.wait, 60)


async def _produce(access: KafkaAccess, records: int) -> float:
    producer = make_producer(access, "bench-producer")
    await producer.start()
    value = os.urandom(VALUE_BYTES // 2).hex().encode()
    try:
        started = time.perf_counter()
        futures = [
            await producer.send(PROJECTS.name, value, key=uuid.uuid4().bytes)
            for _ in range(records)
        ]
        await asyncio.gather(*futures)
        return records / (time.perf_counter() - started)
    finally:
        await producer.stop()


async def _consume(access: KafkaAccess, group: str, records: int) -> float:
    consumer = make_consumer(access, group, [PROJECTS.name])
    await consumer.start()
    try:
        seen, started = 0, time.perf_counter()
        while seen < records:
            batches = await consumer.getmany(timeout_ms=1000, max_records=2000)
            seen += sum(len(b) for b in batches.values())
        return records / (time.perf_counter() - started)
    finally:
        await consumer.stop()


async def _prepare(admin: KafkaAccess, users: dict[str, str]) -> tuple[KafkaAccess, KafkaAccess]:
    """Writer and reader: the registry and scoring principals when the broker authenticates."""
    await create_topics(admin, all_topic_names())
    if not admin.uses_sasl:
        return admin, admin
    services = {n: p for n, p in users.items() if n in ("registry", "scoring")}
    await provision(admin, services, platform_acls())
    return admin.as_user("registry", users["registry"]), admin.as_user("scoring", users["scoring"])


async def measure(records: int, rounds: int) -> dict[str, tuple[list[float], list[float]]]:
    """Both brokers run at once and take turns, so a busy machine weighs on both alike."""
    rates: dict[str, tuple[list[float], list[float]]] = {}
    with tempfile.TemporaryDirectory(prefix="greenlink-kafka-bench-") as tmp:
        async with (
            broker(Path(tmp) / "secured", True) as secured,
            broker(Path(tmp) / "plain", False) as plain,
        ):
            clients = {
                "SASL/SCRAM + ACLs": await _prepare(*secured),
                "plaintext, no ACLs": await _prepare(*plain),
            }
            for round_ in range(rounds):
                for label, (writer, reader) in clients.items():
                    produced, consumed = rates.setdefault(label, ([], []))
                    produced.append(await _produce(writer, records))
                    consumed.append(await _consume(reader, f"scoring-bench-{round_}", records))
    return rates


def main(
    records: int = typer.Option(100_000, help="records per round"),
    rounds: int = typer.Option(3, help="rounds per broker; the median is reported"),
) -> None:
    for label, (produced, consumed) in asyncio.run(measure(records, rounds)).items():
        typer.echo(
            f"{label:<20} produce {statistics.median(produced):>9,.0f} rec/s"
            f" ({min(produced):,.0f}-{max(produced):,.0f})"
            f"  consume {statistics.median(consumed):>9,.0f} rec/s"
            f" ({min(consumed):,.0f}-{max(consumed):,.0f})"
            f"  [{records:,} x {VALUE_BYTES} B, {rounds} rounds: median (range)]"
        )


if __name__ == "__main__":
    typer.run(main)
