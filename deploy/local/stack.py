"""The whole platform on one machine: `python deploy/local/stack.py up|down|status`.

`up` starts Kafka and PostgreSQL (infra.py), migrates every service, runs each service role
under supervisord (one log file per process), waits until every API is ready, loads the seeds
and prints where everything is. `down` stops it all; state stays under .greenlink/.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Annotated

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import typer

from deploy.local.infra import ensure_started
from deploy.local.infra import stop as stop_infra
from deploy.local.state import state_dir

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
SERVICES: dict[str, tuple[int, tuple[str, ...]]] = {
    "registry": (8001, ("api", "relay")),
    "scoring": (8002, ("api", "relay", "consume")),
    "matching": (8003, ("api", "relay", "consume")),
    "audit": (8004, ("api", "relay", "consume")),
    "console": (8005, ("api",)),
}
# Where a person starts on each service: the console's pages, the others' OpenAPI docs.
FRONT_PAGE = {"console": "/"}
app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)


def present_services() -> dict[str, tuple[int, tuple[str, ...]]]:
    """Services whose package exists in this checkout."""
    return {n: v for n, v in SERVICES.items() if (ROOT / "services" / n / "app.py").exists()}


def _environment() -> dict[str, str]:
    info = ensure_started()
    keys = state_dir() / "keys" / "jwks.json"
    return {
        **info.environment(),
        "GREENLINK_ENV": os.environ.get("GREENLINK_ENV", "development"),
        "GREENLINK_STATE_DIR": str(state_dir()),
        "GREENLINK_JWKS_PATH": str(keys),
        "PYTHONUNBUFFERED": "1",
    }


def _own_secrets(env: dict[str, str], service: str) -> dict[str, str]:
    """Each service process gets its own Kafka password and no other service's."""
    own = f"{service.upper()}_KAFKA_PASSWORD"
    return {k: v for k, v in env.items() if not k.endswith("_KAFKA_PASSWORD") or k == own}


MAX_SCALE = 10
SCALED_ROLES = ("relay", "consume")  # APIs scale behind a balancer, not on one machine's port


def _programs(name: str, roles: tuple[str, ...], scale: int) -> list[tuple[str, int, str]]:
    """(role, replica, program name) for every process of a service: `scale` replicas of each
    relay and consumer role (they share the work: SKIP LOCKED outbox claims, one Kafka consumer
    group per consumer), one API."""
    programs = []
    for role in roles:
        if role in SCALED_ROLES and scale > 1:
            programs += [(role, r, f"{name}-{role}-{r + 1}") for r in range(scale)]
        else:
            programs.append((role, 0, f"{name}-{role}"))
    return programs


def metrics_port(api_port: int, role: str, replica: int) -> int:
    """Where a relay or consumer replica serves /metrics: 9020-9029 registry relays, 9030-9039
    registry consumers, 9040... scoring, and so on; 0 for the API, which serves its own."""
    if role not in SCALED_ROLES:
        return 0
    return 9000 + (api_port - 8000) * 20 + (10 if role == "consume" else 0) + replica


def _supervisor_config(env: dict[str, str], scale: int = 1) -> Path:
    logs = state_dir() / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    sections = [
        "[supervisord]",
        f"logfile={logs / 'supervisord.log'}",
        f"pidfile={state_dir() / 'supervisord.pid'}",
        f"childlogdir={logs}",
        "nodaemon=false",
        "",
        "[unix_http_server]",
        f"file={state_dir() / 'supervisor.sock'}",
        "",
        "[rpcinterface:supervisor]",
        "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface",
        "",
        "[supervisorctl]",
        f"serverurl=unix://{state_dir() / 'supervisor.sock'}",
    ]
    for name, (port, roles) in present_services().items():
        env_line = ",".join(f'{k}="{v}"' for k, v in sorted(_own_secrets(env, name).items()))
        for role, replica, program in _programs(name, roles, scale):
            metrics = metrics_port(port, role, replica)
            sections += [
                "",
                f"[program:{program}]",
                f"command={PYTHON} -m {name} {role}",
                f"directory={ROOT}",
                f'environment={env_line},{name.upper()}_PORT="{port}",METRICS_PORT="{metrics}"',
                "autorestart=true",
                "startsecs=3",
                "stopwaitsecs=20",
                "redirect_stderr=true",
                f"stdout_logfile={logs / f'{program}.log'}",
                "stdout_logfile_maxbytes=20MB",
            ]
    path = state_dir() / "supervisord.conf"
    path.write_text("\n".join(sections) + "\n")
    return path


def _supervisorctl(*args: str) -> subprocess.CompletedProcess[str]:
    conf = state_dir() / "supervisord.conf"
    return subprocess.run(
        [PYTHON, "-m", "supervisor.supervisorctl", "-c", str(conf), *args],
        capture_output=True,
        text=True,
        check=False,
    )


def _wait_ready(timeout_s: float = 120) -> None:
    deadline = time.monotonic() + timeout_s
    for name, (port, _) in present_services().items():
        url = f"http://127.0.0.1:{port}/readyz"
        while True:
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                typer.echo(
                    f"{name} not ready at {url}; see .greenlink/logs/{name}-api.log", err=True
                )
                raise typer.Exit(1)
            time.sleep(0.5)
        typer.echo(f"  {name:<9} ready   http://127.0.0.1:{port}{FRONT_PAGE.get(name, '/docs')}")


Scale = Annotated[
    int,
    typer.Option(
        min=1, max=MAX_SCALE, help="replicas of every relay and consumer process", envvar="SCALE"
    ),
]


@app.command()
def up(seed: bool = True, scale: Scale = 1) -> None:
    """Start infrastructure and every service, then load the seeds."""
    env = _environment()
    os.environ.update(env)
    from servicekit.issuer import ensure_keys

    ensure_keys(Path(env["GREENLINK_JWKS_PATH"]))
    typer.echo(
        f"kafka {env['KAFKA_BOOTSTRAP_SERVERS']}  postgres {env['DATABASE_URL'].split('@')[-1]}"
    )
    for name in present_services():
        subprocess.run(
            [PYTHON, "-m", name, "migrate"],
            cwd=ROOT,
            env=os.environ,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    conf = _supervisor_config(env, scale)
    if _supervisorctl("pid").returncode != 0:
        subprocess.run([PYTHON, "-m", "supervisor.supervisord", "-c", str(conf)], check=True)
    else:
        _supervisorctl("reread")
        _supervisorctl("update")
    typer.echo("services:")
    _wait_ready()
    if seed:
        subprocess.run(
            [PYTHON, str(ROOT / "deploy" / "seed.py")], cwd=ROOT, env=os.environ, check=True
        )
        _seeded_lenders_kafka_principals()
    typer.echo(f"logs: {state_dir() / 'logs'}   stop with: make down")


def _seeded_lenders_kafka_principals() -> None:
    """Each seeded lender gets a Kafka principal that reads only its own deal feed."""
    from deploy.local.kafka_provision import lenders_credentials
    from seeds.lenders import load_lender_seeds

    info = ensure_started()
    lenders = load_lender_seeds(ROOT / "seeds" / "lenders.json")
    path = state_dir() / "lender-kafka-credentials.json"
    ids = [lender.lender_id for lender in lenders]
    lenders_credentials(info.bootstrap_servers, info.kafka_users, ids, path)
    typer.echo(f"lenders' Kafka credentials (each reads only its own deal feed): {path}")


@app.command()
def down() -> None:
    """Stop every service and the infrastructure; data is kept."""
    if (state_dir() / "supervisord.conf").exists():
        _supervisorctl("shutdown")
    stop_infra()
    typer.echo("stopped")


@app.command()
def status() -> None:
    """Show every service process."""
    typer.echo(_supervisorctl("status").stdout or "services not running")


if __name__ == "__main__":
    app()
