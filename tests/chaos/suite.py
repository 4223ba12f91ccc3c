"""The fault suite: a workload through the real platform while one fault at a time is injected,
then a checker over the end state (`make chaos`; a small size runs inside `make test`).

The platform runs as OS processes on the three-broker Kafka cluster (replication 3,
`min.insync.replicas=2`) and the local PostgreSQL: registry API and relay, two scoring consumer
replicas in one group and scoring's relay, matching's API, consumer and relay, audit's API and
ledger consumer. For each fault a new enterprise registers projects through the API and the rest
by bulk intake, a new lender's mandate asks for exactly that kind of project, and while the
workload runs the fault is injected and healed. The clients retry blindly with an
Idempotency-Key (a registration after a 503 or a dropped connection, the upload likewise), as
any client may. The checker then asks, Jepsen-style, of the end state alone:

- lost: accepted registrations that are not registered, not scored (current score), or that a
  brute-force recomputation says must be a deal and are not in the lender's feed; and events
  the registry, scoring and matching published about them that the audit ledger lacks;
- duplicated: projects with more than one current score, more than one deal for the lender, or
  a deal announced more than once in the lender's feed; deals the recomputation does not
  expect at all; and events sealed in the ledger more than once;
- and the ledger must verify (GET /v1/ledger/verify answers ok) once the fault has healed.
"""

from __future__ import annotations

import asyncio
import os
import signal
import statistics
import subprocess
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import asyncpg
import httpx
import orjson

from deploy.local import infra as launcher
from deploy.local import postgres, toxiproxy
from deploy.local.infra import InfraInfo
from deploy.local.procs import HOST
from deploy.local.toxiproxy import Toxiproxy
from schemas.vocabulary import City
from servicekit.auth import Role
from servicekit.issuer import mint
from servicekit.relay import CRASHED_BEFORE_MARK
from tests.support.environment import only, without_session_infra
from tests.support.processes import ServiceProcess, free_port
from tests.support.samples import data_centre_body, enterprise_body, lender_body, mandate_body

BROKER = 2  # the node faults hit; the other two keep the in-sync quorum
PAUSE_S = 20.0
LATENCY_MS, JITTER_MS, TOXIC_S = 100, 50, 20.0
PARTITION_S = 40.0  # above the producer's 30 s request timeout (servicekit.kafka)
# How long the checker waits for the platform to catch up after a fault: ten minutes, or more
# at sizes where the backlog alone takes longer to drain on two shared cores.
SETTLE_S_PER_REGISTRATION = 0.015


def settle_timeout(size: int) -> float:
    return max(600.0, size * SETTLE_S_PER_REGISTRATION)


MIN_SCORE = 10


def start_cluster() -> InfraInfo:
    """The three-broker cluster and PostgreSQL as the launcher gives them outside any session."""
    with only(without_session_infra()):
        return launcher.ensure_started(brokers=3)


@dataclass
class Platform:
    """The service processes of one suite run, by name, reaching Kafka directly or through one
    toxiproxy per broker (`through_proxy`)."""

    info: InfraInfo
    jwks_path: str
    processes: dict[str, ServiceProcess] = field(default_factory=dict)
    through_proxy: bool = False
    proxy: Toxiproxy | None = None

    @property
    def env(self) -> dict[str, str]:
        kafka = self.info.bootstrap_servers
        if self.through_proxy:
            kafka = ",".join(f"{HOST}:{route.listen}" for route in launcher.proxy_routes())
        return {
            **self.info.environment(),
            "KAFKA_BOOTSTRAP_SERVERS": kafka,
            "KAFKA_REPLICATION_FACTOR": "3",
            "GREENLINK_JWKS_PATH": self.jwks_path,
            "GREENLINK_ENV": "test",
            "RELAY_BATCH_MAX": "100",
            "CONSUMER_BATCH_MAX": "100",
            "SCORING_MODEL_AUTO_MAX": "0",  # no retraining (and rescoring) mid-run
            "RATE_LIMIT_WRITES_PER_MINUTE": "10000000",
            "INTAKE_MAX_RUNNING_JOBS": "1000",
        }

    def start(self) -> Platform:
        for service in ("registry", "scoring", "matching", "audit"):
            ServiceProcess(service, "migrate", self.env).run_to_end(timeout_s=300)
        self._launch()
        return self

    def route(self, through_proxy: bool) -> None:
        """Restart the service processes so they reach Kafka through the proxies, or not.

        Each broker advertises its proxy's port on its proxied listener, so a client that
        bootstraps through the proxies is sent to them for every broker: all of its traffic
        passes the proxies, while the brokers keep talking to each other directly."""
        if through_proxy == self.through_proxy:
            return
        if through_proxy and self.proxy is None:
            self.proxy = toxiproxy.ensure()
            self.proxy.route(launcher.proxy_routes())
        self.stop()
        self.through_proxy = through_proxy
        self._launch()

    def _launch(self) -> None:
        self.processes = {
            "registry-api": ServiceProcess("registry", "api", self.env, port=free_port()),
            "registry-relay": ServiceProcess("registry", "relay", self.env),
            "scoring-consume-1": ServiceProcess("scoring", "consume", self.env),
            "scoring-consume-2": ServiceProcess("scoring", "consume", self.env),
            "scoring-relay": ServiceProcess("scoring", "relay", self.env),
            "matching-api": ServiceProcess("matching", "api", self.env, port=free_port()),
            "matching-consume": ServiceProcess("matching", "consume", self.env),
            "matching-relay": ServiceProcess("matching", "relay", self.env),
            "audit-api": ServiceProcess("audit", "api", self.env, port=free_port()),
            "audit-consume": ServiceProcess("audit", "consume", self.env),
        }
        for process in self.processes.values():
            process.start()

    def revive(self) -> None:
        """Start again whatever a fault left dead."""
        for process in self.processes.values():
            if process.process is None or process.process.poll() is not None:
                process.start()

    def stop(self) -> None:
        for process in self.processes.values():
            process.stop()

    def url(self, name: str) -> str:
        return self.processes[name].url


# A fault injects itself, waits as long as it lasts, and heals; the workload runs meanwhile.
Fault = Callable[[Platform], Awaitable[None]]


def _broker_pid() -> int:
    rows = {row.component: row for row in launcher.status()}
    row = rows[f"kafka3-{BROKER}"]
    assert row.running and row.pid, f"kafka3-{BROKER} is not running"
    return row.pid


async def broker_killed(_: Platform) -> None:
    await asyncio.to_thread(launcher.stop_broker, BROKER, True)
    await asyncio.sleep(5)
    await asyncio.to_thread(launcher.start_broker, BROKER)


async def broker_paused(_: Platform) -> None:
    pid = _broker_pid()
    os.kill(pid, signal.SIGSTOP)
    try:
        await asyncio.sleep(PAUSE_S)
    finally:
        os.kill(pid, signal.SIGCONT)


async def postgres_stopped(_: Platform) -> None:
    await asyncio.to_thread(postgres.stop, True)
    await asyncio.sleep(3)
    await asyncio.to_thread(postgres.ensure)


async def consumer_replica_killed(platform: Platform) -> None:
    platform.processes["scoring-consume-2"].kill()  # its partitions go to the other replica
    await asyncio.sleep(5)
    platform.processes["scoring-consume-2"].start()


async def relay_stopped(platform: Platform) -> None:
    """Before the workload: rows pile up in the outbox for the crashing relays to claim."""
    platform.processes["registry-relay"].stop()


async def relay_killed_before_marking(platform: Platform) -> None:
    """The registry's relay dies after Kafka acknowledged a batch and before it marked the rows
    published, three times over: the next relay publishes the same rows again, and every
    consumer's inbox absorbs the copies."""
    try:
        for _ in range(3):
            crashing = ServiceProcess(
                "registry", "relay", platform.env | {"FAULT_RELAY_EXIT_BEFORE_MARK": "true"}
            ).start()
            assert crashing.process is not None
            try:  # it exits at its first batch
                await asyncio.to_thread(crashing.process.wait, 30)
            except subprocess.TimeoutExpired:
                crashing.kill()
            assert crashing.process.returncode == CRASHED_BEFORE_MARK, "no batch to crash on"
    finally:
        platform.processes["registry-relay"].start()


async def _poisoned(platform: Platform, toxic: str, attributes: dict[str, int], s: float) -> None:
    """The toxic on every proxy, both ways, for `s` seconds, then healed."""
    proxy = platform.proxy
    assert proxy is not None and platform.through_proxy, "the services do not pass the proxies"
    await asyncio.to_thread(proxy.poison, toxic, attributes)
    try:
        await asyncio.sleep(s)
    finally:
        await asyncio.to_thread(proxy.heal)


async def kafka_slowed(platform: Platform) -> None:
    """Every byte between the services and the brokers arrives LATENCY_MS (± JITTER_MS) late,
    each way."""
    await _poisoned(platform, "latency", {"latency": LATENCY_MS, "jitter": JITTER_MS}, TOXIC_S)


async def kafka_partitioned(platform: Platform) -> None:
    """Nothing passes between the services and the brokers, and connections stay open, as
    when packets are dropped (toxiproxy's timeout toxic with timeout 0): longer than the
    producer's request timeout and the consumers' session timeout, so sends time out and the
    groups lose their members."""
    await _poisoned(platform, "timeout", {"timeout": 0}, PARTITION_S)


FAULTS: dict[str, Fault] = {
    "broker SIGKILL + restart": broker_killed,
    f"broker SIGSTOP {PAUSE_S:.0f} s": broker_paused,
    "PostgreSQL immediate stop": postgres_stopped,
    "consumer replica killed": consumer_replica_killed,
    "relay killed before marking": relay_killed_before_marking,
    f"Kafka link +{LATENCY_MS} ms {TOXIC_S:.0f} s": kafka_slowed,
    f"Kafka partitioned {PARTITION_S:.0f} s": kafka_partitioned,
}
# Faults between the services and Kafka: the services reach Kafka through toxiproxy for them.
THROUGH_PROXY = {kafka_slowed, kafka_partitioned}
# What a fault needs in place before the workload starts.
PREPARE: dict[Fault, Fault] = {relay_killed_before_marking: relay_stopped}


@dataclass
class Outcome:
    fault: str
    accepted: int
    lost: int
    duplicated: int
    p99_ms: float
    recover_s: float
    ledger_ok: bool = False
    detail: dict[str, int] = field(default_factory=dict)

    @property
    def sound(self) -> bool:
        """Nothing lost, nothing doubled, and the ledger verifies."""
        return self.lost == 0 and self.duplicated == 0 and self.ledger_ok

    def row(self) -> str:
        return (
            f"{self.fault:<30} {self.accepted:>9} {self.lost:>6} {self.duplicated:>11}"
            f" {'ok' if self.ledger_ok else 'BROKEN':>7} {self.p99_ms:>10.0f}"
            f" {self.recover_s:>11.1f}"
        )


HEADER = (
    f"{'fault':<30} {'accepted':>9} {'lost':>6} {'duplicated':>11} {'ledger':>7} {'p99 ms':>10}"
    f" {'recover s':>11}"
)


def _bearer(role: Role, tenant: uuid.UUID | None, jwks_path: str) -> dict[str, str]:
    from pathlib import Path

    return {"Authorization": f"Bearer {mint(role, tenant, jwks_path=Path(jwks_path))}"}


def _project(i: int, city: City) -> dict[str, Any]:
    # Every ticket lies in the mandate's range and every tenor under its limit: whether a
    # project becomes a deal rests on its score alone, which the checker reads back.
    need = Decimal(6_000_000 + (i % 40) * 1_000_000).quantize(Decimal("0.01"))
    return data_centre_body(
        name=f"fault {i}", financing_need_cny=str(need), city=str(city), county=None
    )


def city_of(fault: str) -> City:
    """Each fault's projects and mandate are in a city of their own, the same in every run, so
    a fault's new mandate does not also take on every earlier fault's projects (at 100,000 a
    fault, the seventh would open 600,000 deals besides its own) and each row of the table
    measures its fault alone, whichever faults ran before it on the same database."""
    cities = list(reversed(City))  # from Xiangxi on: few other tests register projects there
    names = list(FAULTS)
    return cities[names.index(fault) % len(cities)] if fault in names else City.XIANGXI


@dataclass
class Workload:
    """Registrations through the API (a tenth) and bulk intake (the rest), timed."""

    platform: Platform
    size: int
    city: City = City.XIANGXI
    enterprise: uuid.UUID = field(default_factory=uuid.uuid4)
    accepted: int = 0
    latencies: list[tuple[float, float]] = field(default_factory=list)  # (sent at, ms)

    async def run(self) -> None:
        headers = _bearer(Role.ENTERPRISE, self.enterprise, self.platform.jwks_path)
        registry = self.platform.url("registry-api")
        async with httpx.AsyncClient(base_url=registry, headers=headers, timeout=60) as client:
            created = await client.post("/v1/enterprises", json=enterprise_body())
            assert created.status_code == 201, created.text
            through_api = max(1, self.size // 10)
            rows = b"\n".join(
                orjson.dumps(_project(i, self.city)) for i in range(through_api, self.size)
            )
            upload = {"content-type": "application/x-ndjson"}
            job = await retried(client, "/v1/intake-jobs", content=rows, headers=upload)
            assert job.status_code == 202, job.text
            queue = list(range(through_api))
            await asyncio.gather(*(self._register(client, queue) for _ in range(4)))
            status = await self._intake_done(client, job.json()["job_id"])
            self.accepted += int(status["accepted_rows"])

    async def _register(self, client: httpx.AsyncClient, queue: list[int]) -> None:
        """Each project once, retried blindly under one Idempotency-Key until it is accepted."""
        while queue:
            i = queue.pop()
            answer = await retried(
                client, "/v1/projects", json=_project(i, self.city), timed=self.latencies
            )
            assert answer.status_code in (201, LOST_ANSWER), (answer.status_code, answer.text)
            self.accepted += 1
            await asyncio.sleep(0.05)

    async def _intake_done(self, client: httpx.AsyncClient, job_id: str) -> dict[str, Any]:
        timeout = settle_timeout(self.size)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                answer = await client.get(f"/v1/intake-jobs/{job_id}")
                if answer.status_code == 200 and answer.json()["status"] == "done":
                    return dict(answer.json())
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.5)
        raise AssertionError(f"intake job {job_id} not done within {timeout:.0f} s")


LOST_ANSWER = 409  # carried out, but the answer was lost with a crashed process: not run again


async def retried(
    client: httpx.AsyncClient,
    path: str,
    *,
    timed: list[tuple[float, float]] | None = None,
    **request: Any,
) -> httpx.Response:
    """POST until the platform answers for good, every attempt under one Idempotency-Key: after
    a dropped connection or a 503 (which does not prove that nothing committed) the retry is
    sent blindly, and the key makes it replay rather than create a second time. A 409 with
    Retry-After means the first attempt still runs; one without it, that it was carried out
    and its answer lost. A 500 is a failure of the platform."""
    headers = dict(request.pop("headers", {})) | {"Idempotency-Key": str(uuid.uuid4())}
    while True:
        sent = time.monotonic()
        try:
            answer = await client.post(path, headers=headers, **request)
        except httpx.TransportError:
            await asyncio.sleep(1)
            continue
        if timed is not None:
            timed.append((sent, (time.monotonic() - sent) * 1000))
        retry_after = answer.headers.get("Retry-After")
        if answer.status_code in (503, LOST_ANSWER) and retry_after is not None:
            await asyncio.sleep(float(retry_after) / 5)
            continue
        return answer


async def open_mandate(platform: Platform, city: City) -> uuid.UUID:
    lender = uuid.uuid4()
    headers = _bearer(Role.LENDER, lender, platform.jwks_path)
    async with httpx.AsyncClient(base_url=platform.url("matching-api"), timeout=60) as client:
        registered = await client.post("/v1/lenders", json=lender_body(), headers=headers)
        assert registered.status_code == 201, registered.text
        terms = mandate_body(
            capacity_cny="100000000000.00", min_score=MIN_SCORE, cities=[str(city)]
        )
        created = await client.post("/v1/mandates", json=terms, headers=headers)
        assert created.status_code == 201, created.text
    return lender


@dataclass(frozen=True)
class EndState:
    registered: set[uuid.UUID]
    current_scores: dict[uuid.UUID, int]  # project: how many current scores
    deserving: set[uuid.UUID]  # the brute-force recomputation: projects that must be deals
    deals: dict[uuid.UUID, int]  # project: how many deals for the lender
    announced: dict[uuid.UUID, int]  # deal: how many deal.matched entries in the lender's feed
    published: int = 0  # events the services' outboxes hold about this run's projects and lender
    unsealed: int = 0  # of those, events the audit ledger lacks
    sealed_twice: int = 0  # of those, events the ledger holds more than once


async def read_end_state(info: InfraInfo, enterprise: uuid.UUID, lender: uuid.UUID) -> EndState:
    con = await asyncpg.connect(info.database_url)
    try:
        await con.execute("SELECT set_config('app.role', 'regulator', false)")
        async with con.transaction():  # registry rows are behind row-level security
            await con.execute("SELECT set_config('app.role', 'regulator', true)")
            registered = {
                r["id"]
                for r in await con.fetch(
                    "SELECT id FROM registry.projects WHERE enterprise_id = $1", enterprise
                )
            }
        scores = await con.fetch(
            "SELECT project_id, score, rejected, unscorable, record FROM scoring.scores"
            " WHERE enterprise_id = $1 AND current",
            enterprise,
        )
        current: dict[uuid.UUID, int] = {}
        for r in scores:
            current[r["project_id"]] = current.get(r["project_id"], 0) + 1
        deserving = {r["project_id"] for r in scores if _deserves_a_deal(r)}
        deals: dict[uuid.UUID, int] = {}
        # A new mandate is matched against every live project; the checker judges this
        # enterprise's, whose every term it knows.
        ours = await con.fetch(
            "SELECT deal_id, project_id FROM matching.deals WHERE lender_id = $1"
            " AND enterprise_id = $2",
            lender,
            enterprise,
        )
        for r in ours:
            deals[r["project_id"]] = deals.get(r["project_id"], 0) + 1
        # The feed is read on its own and matched to the deals here: a join the planner costs
        # from statistics taken while the run's tables were still small can turn quadratic
        # once a fault's hundred thousand deals land (it ran for over half an hour).
        our_deal_ids = {r["deal_id"] for r in ours}
        announced: dict[uuid.UUID, int] = {}
        for r in await con.fetch(
            "SELECT deal_id FROM matching.feed WHERE lender_id = $1"
            " AND event_type = 'deal.matched.v1'",
            lender,
        ):
            if r["deal_id"] in our_deal_ids:
                announced[r["deal_id"]] = announced.get(r["deal_id"], 0) + 1
        published, unsealed, sealed_twice = await _ledger_coverage(con, registered, lender)
    finally:
        await con.close()
    return EndState(
        registered, current, deserving, deals, announced, published, unsealed, sealed_twice
    )


# Every event the registry and scoring published about the run's projects, and matching about
# its lender, with how many times the audit ledger holds it (its event_id is unique there, so
# more than once would mean that constraint is gone).
_SEALED = """
WITH published AS (
    SELECT id FROM registry.outbox WHERE aggregate_id = ANY($1::text[])
    UNION ALL SELECT id FROM scoring.outbox WHERE aggregate_id = ANY($1::text[])
    UNION ALL SELECT id FROM matching.outbox WHERE aggregate_id = $2
)
SELECT p.id, count(l.event_id) AS sealed
FROM published p LEFT JOIN audit.ledger l ON l.event_id = p.id
GROUP BY p.id
"""


async def _ledger_coverage(
    con: asyncpg.Connection, projects: set[uuid.UUID], lender: uuid.UUID
) -> tuple[int, int, int]:
    """(events published, of them not in the ledger, of them in the ledger more than once)."""
    rows = await con.fetch(_SEALED, [str(p) for p in projects], str(lender))
    unsealed = sum(1 for r in rows if r["sealed"] == 0)
    return len(rows), unsealed, sum(1 for r in rows if r["sealed"] > 1)


async def ledger_verifies(platform: Platform) -> bool:
    """The audit API re-walks the whole hash chain and finds no broken entry."""
    headers = _bearer(Role.REGULATOR, None, platform.jwks_path)
    async with httpx.AsyncClient(base_url=platform.url("audit-api"), timeout=600) as client:
        report = await client.get("/v1/ledger/verify", headers=headers)
    assert report.status_code == 200, report.text
    return bool(report.json()["ok"])


def _deserves_a_deal(score: asyncpg.Record) -> bool:
    """The mandate's rules recomputed from the score alone (every other term holds by the
    workload's construction): scored, not rejected, at least MIN_SCORE, not flagged."""
    if score["rejected"] or score["unscorable"] or score["score"] is None:
        return False
    record = orjson.loads(score["record"]) if isinstance(score["record"], str) else score["record"]
    flagged = bool((record or {}).get("flags"))  # any plausibility flag; the mandate excludes it
    return bool(score["score"] >= MIN_SCORE) and not flagged


def judge(accepted: int, state: EndState) -> tuple[int, int, dict[str, int]]:
    """(lost, duplicated, what each is made of)."""
    unscored = state.registered - state.current_scores.keys()
    missing_deals = state.deserving - state.deals.keys()
    unexpected_deals = state.deals.keys() - state.deserving
    detail = {
        "unregistered": max(accepted - len(state.registered), 0),
        "unscored": len(unscored),
        "missing deals": len(missing_deals),
        "scored twice": sum(1 for n in state.current_scores.values() if n > 1),
        "dealt twice": sum(1 for n in state.deals.values() if n > 1),
        "announced twice": sum(1 for n in state.announced.values() if n > 1),
        "unexpected deals": len(unexpected_deals),
        "registered beyond accepted": max(len(state.registered) - accepted, 0),
        "unsealed events": state.unsealed,
        "events sealed twice": state.sealed_twice,
    }
    detail["expected deals"] = len(state.deserving)  # for the record; neither lost nor doubled
    detail["events published"] = state.published
    lost = (
        detail["unregistered"]
        + detail["unscored"]
        + detail["missing deals"]
        + detail["unsealed events"]
    )
    duplicated = (
        detail["scored twice"]
        + detail["dealt twice"]
        + detail["announced twice"]
        + detail["unexpected deals"]
        + detail["registered beyond accepted"]
        + detail["events sealed twice"]
    )
    return lost, duplicated, detail


# How far the platform has come, in counts the database answers without shipping any score:
# at 100,000 registrations a full read moves every score's record (some 270 MB), and polling
# with it every two seconds took a core from the platform it waited for. These counts are only
# a gate: the verdict always rests on the full read (read_end_state), so a gate that errs can
# only make the wait longer.
_SCORED = "SELECT count(*) FROM scoring.scores WHERE enterprise_id = $1 AND current"
_DESERVING = """
SELECT count(*) FROM scoring.scores WHERE enterprise_id = $1 AND current
    AND NOT rejected AND unscorable IS NULL AND score >= $2
    AND NOT (jsonb_typeof(record->'flags') = 'array' AND jsonb_array_length(record->'flags') > 0)
"""
_DEALS = "SELECT count(*) FROM matching.deals WHERE enterprise_id = $1 AND lender_id = $2"


async def _count(info: InfraInfo, sql: str, *args: object) -> int:
    con = await asyncpg.connect(info.database_url)
    try:
        await con.execute("SELECT set_config('app.role', 'regulator', false)")
        return int(await con.fetchval(sql, *args))
    finally:
        await con.close()


async def settled(info: InfraInfo, workload: Workload, lender: uuid.UUID) -> EndState:
    """Wait until every accepted registration is scored and the deals stop changing."""
    deadline = time.monotonic() + settle_timeout(workload.size)
    previous: EndState | None = None
    deserving: int | None = None  # counted once every registration is scored (no rescoring)
    while time.monotonic() < deadline:
        if (
            deserving is None
            and await _count(info, _SCORED, workload.enterprise) >= workload.accepted
        ):
            deserving = await _count(info, _DESERVING, workload.enterprise, MIN_SCORE)
        if deserving is None or await _count(info, _DEALS, workload.enterprise, lender) < deserving:
            previous = None
            await asyncio.sleep(2)
            continue
        state = await read_end_state(info, workload.enterprise, lender)
        caught_up = (
            len(state.current_scores) >= workload.accepted
            and state.deserving <= set(state.deals)
            and state.unsealed == 0
        )
        if caught_up and state == previous:
            return state
        previous = state
        await asyncio.sleep(2 if caught_up else 10)  # a full read is heavy: fewer while behind
    return await read_end_state(info, workload.enterprise, lender)


async def run_fault(platform: Platform, name: str, fault: Fault, size: int) -> Outcome:
    await asyncio.to_thread(platform.route, fault in THROUGH_PROXY)
    lender = await open_mandate(platform, city_of(name))
    if prepare := PREPARE.get(fault):
        await prepare(platform)
    workload = Workload(platform, size, city_of(name))
    running = asyncio.create_task(workload.run())
    await asyncio.sleep(1.0)
    fault_began = time.monotonic()
    await fault(platform)
    healed = time.monotonic()
    await running
    platform.revive()
    state = await settled(platform.info, workload, lender)
    recovered = time.monotonic()
    ledger_ok = await ledger_verifies(platform)
    during = [ms for sent, ms in workload.latencies if fault_began <= sent <= healed]
    p99 = statistics.quantiles(during, n=100)[98] if len(during) >= 2 else max(during, default=0)
    lost, duplicated, detail = judge(workload.accepted, state)
    return Outcome(
        name, workload.accepted, lost, duplicated, p99, recovered - healed, ledger_ok, detail
    )


async def run_suite(
    size: int, jwks_path: str, faults: dict[str, Fault] | None = None
) -> list[Outcome]:
    info = await asyncio.to_thread(start_cluster)
    platform = Platform(info, jwks_path).start()
    outcomes = []
    try:
        for name, fault in (faults or FAULTS).items():
            outcomes.append(await run_fault(platform, name, fault, size))
            print(outcomes[-1].row(), outcomes[-1].detail, flush=True)
    finally:
        platform.stop()
        if platform.proxy is not None:
            platform.proxy.heal()
    return outcomes


def table(outcomes: list[Outcome]) -> str:
    return "\n".join([HEADER, *(o.row() for o in outcomes)])
