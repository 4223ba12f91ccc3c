"""Raw limits of the machine's own broker and database, measured in the same run as the platform.

Kafka: Apache Kafka's own producer benchmark (`org.apache.kafka.tools.ProducerPerformance`, from
the `kafka-tools` jar of the broker's version) sends 1 KiB records to the local broker with the
platform's producer settings (acks=all, idempotence, linger 5 ms, 256 KiB batches) over the
broker's SASL/SCRAM listener as the admin principal. PostgreSQL: asyncpg's COPY into one table,
and small transactions of three INSERTs each (what a registration writes: the project, its
history row and its outbox row) from a few connections. Platform figures are printed as ratios
of these, so a change shows how far the platform is from what the parts underneath allow.
"""

from __future__ import annotations

import asyncio
import re
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import asyncpg
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from deploy.local.jars import ensure_kafka_tools_jars, require
from servicekit.kafka_access import KafkaAccess
from tests.bench.registration import Rate

TOPIC = "bench.producer-performance"
RECORD_BYTES = 1024
TRANSACTION_CONNECTIONS = 8
# The platform's producer (servicekit.kafka.make_producer), in the Java client's names.
PRODUCER_SETTINGS = {
    "acks": "all",
    "enable.idempotence": "true",
    "linger.ms": "5",
    "batch.size": str(256 * 1024),
    "request.timeout.ms": "30000",
}
_SUMMARY = re.compile(
    r"(?P<count>\d+) records sent, (?P<rate>[\d.]+) records/sec .*?"
    r"(?P<p50>\d+) ms 50th, \d+ ms 95th, (?P<p99>\d+) ms 99th"
)


def producer_summary(output: str) -> Rate:
    """The final line ProducerPerformance prints (the last line naming the 50th percentile)."""
    for line in reversed(output.splitlines()):
        found = _SUMMARY.search(line)
        if found:
            count, rate = int(found["count"]), float(found["rate"])
            return Rate(
                f"Kafka ProducerPerformance ({RECORD_BYTES} B, acks=all, idempotent)",
                count,
                count / rate,
                float(found["p50"]),
                float(found["p99"]),
            )
    raise RuntimeError("ProducerPerformance printed no summary: " + output[-500:])


def client_properties(access: KafkaAccess) -> dict[str, str]:
    """The Java client's security settings for the principal `access` holds."""
    properties: dict[str, str] = {"security.protocol": access.security_protocol}
    if access.uses_sasl:
        module = "org.apache.kafka.common.security.scram.ScramLoginModule"
        properties |= {
            "sasl.mechanism": access.sasl_mechanism,
            "sasl.jaas.config": (
                f'{module} required username="{access.username}" password="{access.password}";'
            ),
        }
    return properties


async def _ensure_topic(access: KafkaAccess) -> None:
    admin = AIOKafkaAdminClient(**access.client_options())
    await admin.start()
    try:
        await admin.create_topics([NewTopic(TOPIC, num_partitions=3, replication_factor=1)])
    except TopicAlreadyExistsError:
        pass
    finally:
        await admin.close()


def kafka_producer_rate(access: KafkaAccess, records: int) -> Rate:
    """Run Kafka's producer benchmark once; the password goes in a file only the owner reads."""
    asyncio.run(_ensure_topic(access))
    libs = ensure_kafka_tools_jars()
    settings = client_properties(access) | PRODUCER_SETTINGS
    with tempfile.TemporaryDirectory(prefix="greenlink-perf-") as tmp:
        config = Path(tmp) / "producer.properties"
        config.touch(mode=0o600)
        config.write_text("".join(f"{k}={v}\n" for k, v in settings.items()))
        command = [
            require("java"),
            "-Xmx256m",
            "-cp",
            f"{libs}/*",
            "org.apache.kafka.tools.ProducerPerformance",
            "--bootstrap-server",
            access.bootstrap_servers,
            "--topic",
            TOPIC,
            "--num-records",
            str(records),
            "--record-size",
            str(RECORD_BYTES),
            "--throughput",
            "-1",
            "--command-config",
            str(config),
        ]
        done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    if done.returncode != 0:
        raise RuntimeError("ProducerPerformance failed: " + (done.stdout + done.stderr)[-800:])
    return producer_summary(done.stdout)


_TABLES = ("projects", "history", "outbox")


async def _database_rates(owner_url: str, rows: int, transactions: int) -> tuple[Rate, Rate]:
    schema = f"bench_raw_{uuid.uuid4().hex[:8]}"
    con = await asyncpg.connect(owner_url)
    try:
        await con.execute(f"CREATE SCHEMA {schema}")
        for table in _TABLES:
            await con.execute(
                f"CREATE TABLE {schema}.{table} (id uuid PRIMARY KEY, name text NOT NULL,"
                " body jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now())"
            )
        body = '{"capacity_mw": "10.00", "city": "Shanghai", "type": "solar"}'
        records = [(uuid.uuid4(), f"project {i}", body) for i in range(rows)]
        started = time.perf_counter()
        await con.copy_records_to_table(
            "projects", schema_name=schema, records=records, columns=("id", "name", "body")
        )
        copy = Rate("PostgreSQL COPY (asyncpg, one table)", rows, time.perf_counter() - started)
        await con.execute(f"TRUNCATE {schema}.projects")
        inserts = [
            f"INSERT INTO {schema}.{table} (id, name, body) VALUES ($1, $2, $3)"
            for table in _TABLES
        ]
        pool = await asyncpg.create_pool(
            owner_url, min_size=TRANSACTION_CONNECTIONS, max_size=TRANSACTION_CONNECTIONS
        )
        try:
            queue = list(range(transactions))

            async def worker() -> None:
                async with pool.acquire() as worker_con:
                    while queue:
                        i = queue.pop()
                        async with worker_con.transaction():
                            for sql in inserts:
                                await worker_con.execute(sql, uuid.uuid4(), f"tx {i}", body)

            started = time.perf_counter()
            await asyncio.gather(*(worker() for _ in range(TRANSACTION_CONNECTIONS)))
            elapsed = time.perf_counter() - started
        finally:
            await pool.close()
        label = f"PostgreSQL 3-INSERT transactions ({TRANSACTION_CONNECTIONS} conns)"
        return copy, Rate(label, transactions, elapsed)
    finally:
        await con.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        await con.close()


@dataclass(frozen=True)
class RawLimits:
    kafka: Rate
    copy: Rate
    transactions: Rate

    def lines(self) -> list[str]:
        return [
            "raw limits (same machine, same broker and database, same run)",
            self.kafka.line(),
            self.copy.line(),
            self.transactions.line(),
        ]


def measure(access: KafkaAccess, owner_url: str, scale: float) -> RawLimits:
    """Floors keep even a quick run long enough to outlast the JVM's and the pool's start."""
    kafka = kafka_producer_rate(access, max(20_000, int(200_000 * scale)))
    copy, transactions = asyncio.run(
        _database_rates(
            owner_url, max(20_000, int(200_000 * scale)), max(1000, int(10_000 * scale))
        )
    )
    return RawLimits(kafka, copy, transactions)


def ratio(figure: float, limit: float) -> str:
    """`figure` as a share of `limit`: a percentage below one, a multiple above."""
    share = figure / limit
    return f"{share:.1%}" if share < 1 else f"{share:.1f}x"
