"""Is the cluster serving? Asked as the admin principal, from a thread of its own.

The listener demands SASL, so a bare Metadata request no longer answers; aiokafka does the
handshake. It runs on a private event loop in a thread, so the check also works when the caller
is itself inside a running event loop (the test process).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient

from deploy.local.kafka_auth import ADMIN
from deploy.local.procs import HOST
from servicekit.kafka_access import KafkaAccess

PROBE_TIMEOUT_S = 5.0


def admin_access(bootstrap: str, users: dict[str, str]) -> KafkaAccess:
    return KafkaAccess(bootstrap, "SASL_PLAINTEXT", "SCRAM-SHA-512", ADMIN, users[ADMIN])


async def _describe(access: KafkaAccess) -> dict[str, Any]:
    admin = AIOKafkaAdminClient(
        **access.client_options(), client_id="greenlink-infra", request_timeout_ms=3_000
    )
    try:
        await admin.start()
        cluster: dict[str, Any] = await admin.describe_cluster()
        return cluster
    finally:
        await admin.close()


def run_blocking(coroutine: Any, timeout_s: float = 60.0) -> Any:
    """Run a coroutine to completion on a fresh loop in a worker thread."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result(timeout=timeout_s)


def serving(port: int, brokers: int, users: dict[str, str]) -> bool:
    """True once `brokers` nodes are registered and a controller is known."""
    access = admin_access(f"{HOST}:{port}", users)
    try:
        cluster = run_blocking(
            asyncio.wait_for(_describe(access), PROBE_TIMEOUT_S), PROBE_TIMEOUT_S + 5
        )
    except Exception:  # not up yet: refused, closed, authentication not ready, timeout
        return False
    return len(cluster.get("brokers", [])) >= brokers and int(cluster.get("controller_id", -1)) >= 0
