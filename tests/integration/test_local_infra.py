"""The local launcher gives clients a working Kafka and PostgreSQL, and reuses them."""

from __future__ import annotations

import asyncio
import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any
from uuid import uuid4

import asyncpg
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from servicekit.kafka_access import KafkaAccess
from tests.support.environment import configured_outside, only, without_session_infra

if TYPE_CHECKING:
    from deploy.local.infra import InfraInfo

pytestmark = pytest.mark.integration

INFRA_PATH = Path(__file__).resolve().parents[2] / "deploy" / "local" / "infra.py"


def load_infra() -> Any:
    """Loaded by path, as services' test fixtures do: deploy/local is not an installed package."""
    spec = importlib.util.spec_from_file_location("greenlink_local_infra", INFRA_PATH)
    assert spec is not None and spec.loader is not None
    module: ModuleType = sys.modules.get(spec.name) or importlib.util.module_from_spec(spec)
    if spec.name not in sys.modules:
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def infra() -> Any:
    return load_infra()


def external_kafka() -> bool:
    return configured_outside("KAFKA_BOOTSTRAP_SERVERS")


def external_infrastructure() -> bool:
    return external_kafka() or configured_outside("DATABASE_URL")


def ensure_started(infra: Any, brokers: int = 1) -> InfraInfo:
    """The launcher as it behaves outside the test session, whose own variables it must not see."""
    with only(without_session_infra()):
        info: InfraInfo = infra.ensure_started(brokers=brokers)
    return info


@pytest.fixture(scope="module")
def local(infra: Any) -> InfraInfo:
    return ensure_started(infra)


def launcher_env(**overrides: str) -> dict[str, str]:
    return {**without_session_infra(), **overrides}


def test_second_start_returns_same_ports_and_pids(infra: Any, local: InfraInfo) -> None:
    if external_infrastructure():
        pytest.skip("external infrastructure configured")
    again = ensure_started(infra)

    assert again == local
    assert "postgres" in local.pids and any(c.startswith("kafka") for c in local.pids), local.pids
    running = {row.component: row.pid for row in infra.status() if row.running}
    for component, pid in local.pids.items():
        assert running[component] == pid
        assert component_of(pid) == component.split("-")[0], (component, pid)


def component_of(pid: int) -> str:
    """What the live process `pid` really is, from its command line, not from the launcher."""
    command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    if "kafka.Kafka" in command:
        return "kafka3" if "/kafka3/" in command else "kafka"
    return "postgres" if "postgres" in command.split()[0] else command


def test_cli_in_another_process_reuses_running_services(local: InfraInfo) -> None:
    if external_infrastructure():
        pytest.skip("external infrastructure configured")
    result = subprocess.run(
        [sys.executable, str(INFRA_PATH), "env"],
        capture_output=True,
        text=True,
        check=True,
        env=launcher_env(),
    )

    assert f"export KAFKA_BOOTSTRAP_SERVERS={local.bootstrap_servers}\n" in result.stdout
    assert f"export DATABASE_URL={local.app_database_url}\n" in result.stdout


async def create_topic(access: KafkaAccess, topic: str, replicas: int) -> None:
    admin = AIOKafkaAdminClient(**access.client_options())
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic, num_partitions=3, replication_factor=replicas)])
    finally:
        await admin.close()


async def produce(access: KafkaAccess, topic: str, values: list[bytes]) -> None:
    producer = AIOKafkaProducer(**access.client_options(), enable_idempotence=True, acks="all")
    async with producer:
        for value in values:
            await producer.send_and_wait(topic, value=value, key=value)


async def read_as_group(access: KafkaAccess, topic: str, group: str, count: int) -> list[bytes]:
    consumer = AIOKafkaConsumer(
        topic,
        **access.client_options(),
        group_id=group,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    seen: list[bytes] = []
    async with consumer:
        async with asyncio.timeout(60):
            while len(seen) < count:
                batches = await consumer.getmany(timeout_ms=1000)
                seen += [m.value for records in batches.values() for m in records if m.value]
        await consumer.commit()
    return seen


async def test_kafka_takes_idempotent_writes_and_serves_a_consumer_group(
    local: InfraInfo,
) -> None:
    topic, group = f"infra-test-{uuid4().hex[:8]}", f"infra-test-{uuid4().hex[:8]}"
    values = [f"event-{i}".encode() for i in range(20)]
    await create_topic(local.kafka_access(), topic, replicas=1)

    await produce(local.kafka_access(), topic, values)
    first_read = await read_as_group(local.kafka_access(), topic, group, len(values))
    await produce(local.kafka_access(), topic, [b"after-commit"])
    second_read = await read_as_group(local.kafka_access(), topic, group, 1)

    assert sorted(first_read) == sorted(values)
    assert second_read == [b"after-commit"]


async def test_postgres_commits_and_rolls_back_transactions(local: InfraInfo) -> None:
    conn = await asyncpg.connect(local.database_url)
    try:
        await conn.execute("CREATE TEMP TABLE t (id int PRIMARY KEY)")
        async with conn.transaction():
            await conn.execute("INSERT INTO t VALUES ($1)", 1)
        with pytest.raises(asyncpg.UniqueViolationError):
            async with conn.transaction():
                await conn.execute("INSERT INTO t VALUES ($1)", 2)
                await conn.execute("INSERT INTO t VALUES ($1)", 1)
        rows = await conn.fetch("SELECT id FROM t ORDER BY id")
        settings = await conn.fetchrow(
            "SELECT current_setting('fsync') AS fsync, "
            "(SELECT rolsuper FROM pg_roles "
            " WHERE rolname = current_user) AS superuser"
        )
    finally:
        await conn.close()

    assert [r["id"] for r in rows] == [1]
    assert settings is not None
    assert settings["fsync"] == "on"
    assert settings["superuser"] is False


def test_concurrent_cold_starts_share_one_cluster(infra: Any, tmp_path: Path) -> None:
    """Two processes racing on an empty state folder must end up with one Kafka and one PG."""
    if external_infrastructure():
        pytest.skip("external infrastructure configured")
    env = launcher_env(
        GREENLINK_STATE_DIR=str(tmp_path / "state"), GREENLINK_CACHE_DIR=str(infra.cache_dir())
    )
    starts = [
        subprocess.Popen(
            [sys.executable, str(INFRA_PATH), "env"],
            env=env,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(2)
    ]
    try:
        outputs = [p.communicate(timeout=240) for p in starts]
    finally:
        subprocess.run([sys.executable, str(INFRA_PATH), "reset"], env=env, check=False)

    assert [p.returncode for p in starts] == [0, 0], [err[-2000:] for _, err in outputs]
    assert outputs[0][0] == outputs[1][0]


@pytest.mark.chaos
async def test_three_brokers_keep_accepting_acks_all_after_one_is_killed(
    infra: Any,
) -> None:
    if external_kafka():
        pytest.skip("external Kafka configured")
    info = ensure_started(infra, brokers=3)
    topic = f"infra-chaos-{uuid4().hex[:8]}"
    try:
        await create_topic(info.kafka_access(), topic, replicas=3)
        await produce(info.kafka_access(), topic, [b"before-0", b"before-1"])
        infra.stop_broker(2, kill=True)
        await produce(info.kafka_access(), topic, [b"after-0", b"after-1"])
        seen = await read_as_group(info.kafka_access(), topic, topic, 4)
        infra.start_broker(2)
    finally:
        infra.stop(only="kafka3")

    assert sorted(seen) == [b"after-0", b"after-1", b"before-0", b"before-1"]
