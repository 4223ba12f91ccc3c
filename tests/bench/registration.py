"""Registration throughput: the API (state + outbox in one transaction) against a naive path.

The naive baseline is what the outbox replaces: one INSERT and one synchronous Kafka
send per project, acknowledged before the next request is taken.
"""

from __future__ import annotations

import asyncio
import statistics
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

import asyncpg
import httpx
import orjson

from schemas.envelope import Envelope
from schemas.project import ProjectRegistered
from servicekit.kafka import make_producer
from servicekit.kafka_access import KafkaAccess
from tests.support.samples import enterprise_body, project_body


@dataclass(frozen=True)
class Rate:
    name: str
    count: int
    seconds: float
    p50_ms: float | None = None
    p99_ms: float | None = None
    quantiles_ms: tuple[float, ...] = ()  # latency at each percentile 0..100, when measured

    @property
    def per_second(self) -> float:
        return self.count / self.seconds

    def line(self) -> str:
        tail = ""
        if self.p50_ms is not None and self.p99_ms is not None:
            tail = f"  p50 {self.p50_ms:6.1f} ms  p99 {self.p99_ms:6.1f} ms"
        rate = f"{self.count:>8} in {self.seconds:6.2f}s = {self.per_second:9.0f}/s"
        return f"{self.name:<44} {rate}{tail}"


def percentiles(sorted_ms: Sequence[float]) -> tuple[float, ...]:
    """The latency at every whole percentile 0..100 (nearest rank) of sorted latencies."""
    last = len(sorted_ms) - 1
    return (
        tuple(round(sorted_ms[round(last * p / 100)], 2) for p in range(101)) if sorted_ms else ()
    )


async def api_registrations(
    base_url: str, headers: dict[str, str], count: int, concurrency: int
) -> Rate:
    latencies: list[float] = []
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(count):
        queue.put_nowait(i)

    async def worker(client: httpx.AsyncClient) -> None:
        while not queue.empty():
            i = queue.get_nowait()
            started = time.perf_counter()
            response = await client.post("/v1/projects", json=project_body(name=f"bench {i}"))
            latencies.append((time.perf_counter() - started) * 1000)
            response.raise_for_status()

    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(base_url=base_url, headers=headers, limits=limits) as client:
        started = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    latencies.sort()
    return Rate(
        f"API POST /v1/projects (concurrency {concurrency})",
        count,
        elapsed,
        statistics.median(latencies),
        latencies[int(len(latencies) * 0.99) - 1],
    )


async def naive_registrations(database_url: str, kafka: KafkaAccess, count: int) -> Rate:
    con = await asyncpg.connect(database_url)
    await con.execute("CREATE TEMP TABLE naive (id uuid PRIMARY KEY, body jsonb)")
    producer = make_producer(kafka, "bench-naive")
    await producer.start()
    try:
        started = time.perf_counter()
        for i in range(count):
            body = project_body(name=f"naive {i}")
            event = ProjectRegistered.model_validate(
                body
                | {
                    "project_id": uuid.uuid4(),
                    "enterprise_id": uuid.uuid4(),
                    "version": 1,
                    "family": "renewable_power",
                    "recorded_at": "2026-01-01T00:00:00Z",
                }
            )
            await con.execute(
                "INSERT INTO naive VALUES ($1, $2::jsonb)",
                event.project_id,
                orjson.dumps(body).decode(),
            )
            envelope = Envelope.wrap(event, source="greenlink/registry")
            await producer.send_and_wait("greenlink.projects", envelope.to_bytes())
        elapsed = time.perf_counter() - started
    finally:
        await producer.stop()
        await con.close()
    return Rate("naive: INSERT + send_and_wait per project", count, elapsed)


async def bulk_intake(base_url: str, headers: dict[str, str], rows: int) -> Rate:
    upload = b"\n".join(orjson.dumps(project_body(name=f"bulk {i}")) for i in range(rows))
    async with httpx.AsyncClient(base_url=base_url, headers=headers, timeout=600) as client:
        started = time.perf_counter()
        response = await client.post(
            "/v1/intake-jobs", content=upload, headers={"content-type": "application/x-ndjson"}
        )
        response.raise_for_status()
        job_id = response.json()["job_id"]
        while True:
            job = (await client.get(f"/v1/intake-jobs/{job_id}")).json()
            if job["status"] == "done":
                break
            await asyncio.sleep(0.1)
        elapsed = time.perf_counter() - started
    return Rate("bulk intake (JSONL upload → rows + outbox)", rows, elapsed)


async def enrol(base_url: str, headers: dict[str, str]) -> None:
    async with httpx.AsyncClient(base_url=base_url, headers=headers) as client:
        (await client.post("/v1/enterprises", json=enterprise_body())).raise_for_status()


def wrk_registrations(
    base_url: str, headers: dict[str, str], connections: int, seconds: int
) -> Rate | None:
    """The same registrations driven by wrk (a C load generator), so the client does not
    compete with the service for the two cores; None when wrk is not installed."""
    import json
    import re
    import shutil
    import subprocess
    import tempfile

    if shutil.which("wrk") is None:
        return None
    body = json.dumps(orjson.dumps(project_body(name="wrk")).decode(), ensure_ascii=False)
    script = "\n".join(
        [
            'wrk.method = "POST"',
            f"wrk.body = {body}",
            'wrk.headers["Content-Type"] = "application/json"',
        ]
        + [f'wrk.headers["{k}"] = "{v}"' for k, v in headers.items()]
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    out = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            "-s",
            f.name,
            f"{base_url}/v1/projects",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 30,
    ).stdout
    total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    elapsed = float(re.search(r"requests in ([\d.]+)s", out).group(1))  # type: ignore[union-attr]

    def pct(label: str) -> float:
        value, unit = re.search(rf"{label}%\s+([\d.]+)(us|ms|s)", out).groups()  # type: ignore[union-attr]
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    if "Non-2xx" in out:
        raise RuntimeError(f"wrk saw failed registrations:\n{out}")
    return Rate(
        f"API POST /v1/projects via wrk ({connections} connections)",
        total,
        elapsed,
        pct("50"),
        pct("99"),
    )
