"""Local Kafka + PostgreSQL without Docker: `python deploy/local/infra.py start|stop|status|env`.

Tests load this file by path and call `ensure_started()`; see docs/local-infrastructure.md.
"""

from __future__ import annotations

import os
import shutil
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, cast

if __package__ in (None, ""):  # run by path: make `deploy.local` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import typer

from deploy.local import kafka_cluster, postgres, toxiproxy
from deploy.local.kafka_auth import ADMIN, CONTROLLER, MECHANISM
from deploy.local.state import InfraError, cache_dir, state_dir
from servicekit.kafka_access import KafkaAccess, SecurityProtocol
from servicekit.kafka_settings import service_password_variable


@dataclass(frozen=True)
class InfraInfo:
    """Where Kafka and PostgreSQL answer.

    `database_url` connects as the tables' owner (migrations, tests that set up or inspect
    state); `app_database_url` as the role the services use, which owns nothing and so is bound
    by row-level security. Against external PostgreSQL without `MIGRATION_DATABASE_URL`, both
    are `DATABASE_URL`.
    """

    bootstrap_servers: str
    database_url: str = field(repr=False)  # carries the generated password
    app_database_url: str = field(repr=False)
    pids: dict[str, int] = field(default_factory=dict)  # empty for external services
    kafka_users: dict[str, str] = field(default_factory=dict, repr=False)  # principal: password
    kafka_security_protocol: SecurityProtocol = "SASL_PLAINTEXT"

    def kafka_access(self, principal: str = ADMIN) -> KafkaAccess:
        """The cluster as one principal: the admin by default, or a service by its name."""
        access = KafkaAccess(self.bootstrap_servers, self.kafka_security_protocol)
        if not access.uses_sasl:
            return access
        return access.as_user(principal, self.kafka_users[principal])

    def environment(self) -> dict[str, str]:
        """The variables every service process and launcher reads.

        Each service finds its own password in `<SERVICE>_KAFKA_PASSWORD`; the admin's is not
        given to services.
        """
        passwords = {
            service_password_variable(name): password
            for name, password in self.kafka_users.items()
            if name not in (ADMIN, CONTROLLER)
        }
        return {
            "KAFKA_BOOTSTRAP_SERVERS": self.bootstrap_servers,
            "KAFKA_SECURITY_PROTOCOL": self.kafka_security_protocol,
            "KAFKA_SASL_MECHANISM": MECHANISM,
            **passwords,
            "DATABASE_URL": self.app_database_url,
            "MIGRATION_DATABASE_URL": self.database_url,
        }

    def exports(self) -> str:
        return "\n".join(f"export {k}={v}" for k, v in self.environment().items())


@dataclass(frozen=True)
class Row:
    component: str
    running: bool
    pid: int | None
    address: str
    log: str


def ensure_started(brokers: int = 1) -> InfraInfo:
    """Safe to call from many processes at once: the second waits for the first and reuses."""
    pids: dict[str, int] = {}
    bootstrap = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "")
    protocol, users = _external_kafka_principals()
    if bootstrap and (local_users := kafka_cluster.users_of(bootstrap)):
        protocol, users = "SASL_PLAINTEXT", local_users
    if not bootstrap:
        cluster = kafka_cluster.ensure_cluster(brokers)
        bootstrap, protocol, users = cluster.bootstrap, "SASL_PLAINTEXT", cluster.users
        prefix = kafka_cluster.section(brokers)
        pids.update({f"{prefix}-{node}": pid for node, pid in cluster.pids.items()})
    app_url = os.environ.get("DATABASE_URL", "")
    if app_url:
        owner_url = os.environ.get("MIGRATION_DATABASE_URL") or app_url
    else:
        urls, pids["postgres"] = postgres.ensure()
        owner_url, app_url = urls.owner, urls.app
    return InfraInfo(bootstrap, owner_url, app_url, pids, users, protocol)


def _external_kafka_principals() -> tuple[SecurityProtocol, dict[str, str]]:
    """For an external cluster: its protocol and the passwords the environment gives."""
    from servicekit.kafka_acls import services

    protocol = os.environ.get("KAFKA_SECURITY_PROTOCOL", "PLAINTEXT")
    if protocol not in ("PLAINTEXT", "SASL_PLAINTEXT", "SASL_SSL", "SSL"):
        raise InfraError(f"unknown KAFKA_SECURITY_PROTOCOL {protocol!r}")
    users = {
        name: os.environ[service_password_variable(name)]
        for name in services()
        if service_password_variable(name) in os.environ
    }
    if "KAFKA_ADMIN_PASSWORD" in os.environ:
        users[ADMIN] = os.environ["KAFKA_ADMIN_PASSWORD"]
    return cast(SecurityProtocol, protocol), users


def stop(only: str | None = None) -> None:
    """Stops what this launcher started; data is kept for the next start."""
    if only not in (None, "kafka", "kafka3", "postgres"):
        raise InfraError(f"unknown component {only!r}: use kafka, kafka3 or postgres")
    if only in (None, "kafka"):
        kafka_cluster.stop_cluster(1)
    if only in (None, "kafka3"):
        kafka_cluster.stop_cluster(3)
    if only in (None, "postgres"):
        postgres.stop()
    if only is None:
        toxiproxy.stop()


def stop_broker(node_id: int, kill: bool = False) -> None:
    kafka_cluster.stop_broker(node_id, brokers=3, kill=kill)


def start_broker(node_id: int) -> None:
    kafka_cluster.start_broker(node_id, brokers=3)


def proxy_routes() -> list[kafka_cluster.ProxyRoute]:
    """For fault tests: a TCP proxy per node of the three-broker cluster, from the port the
    node advertises on its proxied listener to that listener (deploy/local/toxiproxy.py)."""
    return kafka_cluster.proxy_routes(3)


def stop_postgres(immediate: bool = True) -> None:
    """For fault tests: PostgreSQL stopped in immediate mode; `ensure_started` restarts it."""
    postgres.stop(immediate=immediate)


def reset() -> None:
    """Wipes data and logs but keeps downloaded jars, which are slow to fetch again."""
    kafka_cluster.wipe(1)
    kafka_cluster.wipe(3)
    postgres.wipe()
    root = state_dir()
    for child in root.iterdir():
        if child.name not in ("cache", ".gitignore", "locks"):
            if child.is_dir():
                shutil.rmtree(child, ignore_errors=True)
            else:
                child.unlink(missing_ok=True)


def status() -> list[Row]:
    rows = [
        Row(
            f"{kafka_cluster.section(brokers)}-{s.node.node_id}",
            s.running,
            s.pid,
            f"127.0.0.1:{s.node.port}",
            str(s.node.server_log),
        )
        for brokers in (1, 3)
        for s in kafka_cluster.node_status(brokers)
    ]
    pg = postgres.status()
    if pg.port:
        rows.append(Row("postgres", pg.running, pg.pid, f"127.0.0.1:{pg.port}", str(pg.log)))
    return rows


Brokers = Annotated[int, typer.Option(help="1, or 3 for fault tests")]
app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Local Kafka (KRaft) and PostgreSQL for GreenLink, no Docker.",
)


@contextmanager
def reported() -> Iterator[None]:
    """Problems the user can fix are one line on stderr, not a traceback."""
    try:
        yield
    except InfraError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from None


@app.command("start")
def start_command(brokers: Brokers = 1) -> None:
    """Start Kafka and PostgreSQL, or reuse them if already running."""
    with reported():
        info = ensure_started(brokers)
    typer.echo(f"kafka:    {info.bootstrap_servers}")
    typer.echo(f"postgres: {info.database_url.split('@')[-1]}")


@app.command("stop")
def stop_command(
    only: Annotated[str, typer.Option(help="kafka, kafka3 or postgres")] = "",
) -> None:
    """Stop everything (or one component); data is kept."""
    with reported():
        stop(only or None)


@app.command("status")
def status_command() -> None:
    """Show a table of components, pids, addresses and logs."""
    with reported():
        rows = status()
    typer.echo(f"state: {state_dir()}   jar cache: {cache_dir()}")
    if not rows:
        typer.echo("nothing started yet")
        return
    typer.echo(f"{'COMPONENT':<10} {'STATE':<8} {'PID':>7}  {'ADDRESS':<16} LOG")
    for row in rows:
        state = "running" if row.running else "stopped"
        pid = str(row.pid) if row.running and row.pid else "-"
        typer.echo(f"{row.component:<10} {state:<8} {pid:>7}  {row.address:<16} {row.log}")


@app.command("env")
def env_command(brokers: Brokers = 1) -> None:
    """Print shell exports, starting what is not running: eval "$(infra.py env)"."""
    with reported():
        typer.echo(ensure_started(brokers).exports())


@app.command("reset")
def reset_command() -> None:
    """Stop everything and wipe data and logs (downloaded jars are kept)."""
    with reported():
        reset()


@app.command("lender-credentials")
def lender_credentials_command(lender_id: uuid.UUID) -> None:
    """Create (or reset) a lender's Kafka principal that reads only its own deal feed."""
    from deploy.local.kafka_provision import lender_credentials

    with reported():
        info = ensure_started()
        user, password = lender_credentials(info.bootstrap_servers, info.kafka_users, lender_id)
    typer.echo(f"KAFKA_BOOTSTRAP_SERVERS={info.bootstrap_servers}")
    typer.echo(f"KAFKA_SECURITY_PROTOCOL={info.kafka_security_protocol}")
    typer.echo("KAFKA_SASL_MECHANISM=SCRAM-SHA-512")
    typer.echo(f"KAFKA_USERNAME={user}")
    typer.echo(f"KAFKA_PASSWORD={password}")
    typer.echo(f"GREENLINK_LENDER_ID={lender_id}")


@app.command("stop-broker")
def stop_broker_command(
    node_id: int, kill: Annotated[bool, typer.Option(help="SIGKILL, as a crash")] = False
) -> None:
    """Stop one node of the three-broker cluster, as a fault test would."""
    with reported():
        stop_broker(node_id, kill)


@app.command("stop-postgres")
def stop_postgres_command(
    immediate: Annotated[bool, typer.Option(help="abort without a checkpoint, as a crash")] = True,
) -> None:
    """Stop PostgreSQL as a fault test would; `start` brings it back on the same port."""
    with reported():
        stop_postgres(immediate)


@app.command("start-broker")
def start_broker_command(node_id: int) -> None:
    """Bring a stopped node of the three-broker cluster back."""
    with reported():
        start_broker(node_id)


if __name__ == "__main__":
    app()
