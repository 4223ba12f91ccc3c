"""A private PostgreSQL cluster: own data folder, own port, loopback only, password auth."""

from __future__ import annotations

import secrets
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from deploy.local.pg_files import PgFiles, as_user, bin_dir, choose, prepare, write_owned
from deploy.local.procs import HOST, pid_alive, port_open, reuse_or_pick
from deploy.local.state import InfraError, component_lock, read_section, write_section

SECTION = "postgres"
DATABASE = ROLE = "greenlink"
APP_ROLE = "greenlink_app"
START_TIMEOUT_S = 60
INITDB_FLAGS = ["-E", "UTF8", "--locale=C", "--auth-local=peer", "--auth-host=scram-sha-256"]

SETTINGS = """\
listen_addresses = '{host}'
port = {port}
unix_socket_directories = '{run}'
max_connections = 200
shared_buffers = 128MB
synchronous_commit = on
fsync = on
"""

# Passwords come in as psql variables on stdin, so they never show in `ps`. `greenlink` owns
# the database and runs migrations; the services connect as `greenlink_app`, which owns no
# table, so row-level security binds it and it can neither alter nor disable a policy.
SETUP_SQL = """\
\\set pw '{password}'
\\set app_pw '{app_password}'
SELECT 'CREATE ROLE greenlink' WHERE NOT EXISTS
  (SELECT 1 FROM pg_roles WHERE rolname = 'greenlink') \\gexec
ALTER ROLE greenlink WITH LOGIN CREATEDB NOSUPERUSER PASSWORD :'pw';
SELECT 'CREATE ROLE greenlink_app' WHERE NOT EXISTS
  (SELECT 1 FROM pg_roles WHERE rolname = 'greenlink_app') \\gexec
ALTER ROLE greenlink_app WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS
  PASSWORD :'app_pw';
SELECT 'CREATE DATABASE greenlink OWNER greenlink ENCODING ''UTF8''' WHERE NOT EXISTS
  (SELECT 1 FROM pg_database WHERE datname = 'greenlink') \\gexec
"""


@dataclass(frozen=True)
class PgStatus:
    pid: int | None
    port: int | None
    log: Path | None
    running: bool


@dataclass(frozen=True)
class PgUrls:
    """Where migrations connect (the owner) and where the services connect (the app role)."""

    owner: str
    app: str


def database_url(password: str, port: int, role: str = ROLE) -> str:
    return f"postgresql://{role}:{password}@{HOST}:{port}/{DATABASE}"


def _urls(saved: dict[str, Any], port: int) -> PgUrls:
    return PgUrls(
        database_url(str(saved["password"]), port),
        database_url(str(saved["app_password"]), port, APP_ROLE),
    )


def _postmaster_pid(files: PgFiles) -> int | None:
    try:
        return int((files.data / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def _running(files: PgFiles, port: int | None) -> bool:
    return pid_alive(_postmaster_pid(files), "postgres") and bool(port) and port_open(port or 0)


def _run(files: PgFiles, tool: str, args: list[str], stdin: str | None = None) -> None:
    command = as_user(files.user, [str(bin_dir() / tool), *args])
    result = subprocess.run(
        command,
        input=stdin,
        capture_output=True,
        text=True,
        cwd=files.root,
        check=False,
        start_new_session=True,
    )
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["no output"]
        raise InfraError(f"PostgreSQL {tool} failed: {detail[0]}; see {files.log}")


def _initdb(files: PgFiles) -> None:
    """Peer auth on the socket for the superuser, SCRAM on TCP for the application role."""
    if (files.data / "PG_VERSION").exists():
        return
    shutil.rmtree(files.data, ignore_errors=True)
    _run(files, "initdb", ["-D", str(files.data), *INITDB_FLAGS])
    conf = files.data / "postgresql.conf"
    write_owned(files, conf, conf.read_text() + "\ninclude_if_exists = 'greenlink.conf'\n")


def status() -> PgStatus:
    saved = read_section(SECTION)
    if not saved:
        return PgStatus(None, None, None, False)
    files = choose(saved.get("root"))
    return PgStatus(
        _postmaster_pid(files), saved.get("port"), files.log, _running(files, saved.get("port"))
    )


def ensure() -> tuple[PgUrls, int]:
    """Idempotent start; returns both roles' URLs and the postmaster pid.

    A running cluster is reused; its roles are declared again only when the saved state lacks
    a password, so a cluster from an older checkout gains the app role on its next use.
    """
    with component_lock(SECTION):
        saved = read_section(SECTION)
        files = choose(saved.get("root"))
        running = bool(saved) and _running(files, saved.get("port"))
        if running and {"password", "app_password"} <= saved.keys():
            return _urls(saved, saved["port"]), _postmaster_pid(files) or 0
        passwords = {
            "password": saved.get("password") or secrets.token_urlsafe(24),
            "app_password": saved.get("app_password") or secrets.token_urlsafe(24),
        }
        port = saved["port"] if running else reuse_or_pick(saved.get("port"), set())
        state = {"root": str(files.root), "port": port, **passwords}
        if not running:
            prepare(files)
            _initdb(files)
            settings = SETTINGS.format(host=HOST, port=port, run=files.run)
            write_owned(files, files.data / "greenlink.conf", settings)
            write_section(SECTION, state)
            wait = ["-w", "-t", str(START_TIMEOUT_S)]
            _run(files, "pg_ctl", ["-D", str(files.data), "-l", str(files.log), *wait, "start"])
        psql = ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", "postgres"]
        setup = SETUP_SQL.format(**passwords)
        _run(files, "psql", [*psql, "-h", str(files.run), "-p", str(port)], stdin=setup)
        write_section(SECTION, state)
        if not _running(files, port):
            raise InfraError(f"PostgreSQL is not answering on port {port}; see {files.log}")
        return _urls(state, port), _postmaster_pid(files) or 0


def stop(immediate: bool = False) -> None:
    """`immediate` aborts every backend without a checkpoint, as a crash would (fault tests);
    the next start recovers from the write-ahead log."""
    with component_lock(SECTION):
        saved = read_section(SECTION)
        if not saved:
            return
        files = choose(saved.get("root"))
        if pid_alive(_postmaster_pid(files), "postgres"):
            mode = "immediate" if immediate else "fast"
            _run(files, "pg_ctl", ["-D", str(files.data), "-m", mode, "-w", "stop"])


def wipe() -> None:
    stop()
    with component_lock(SECTION):
        saved = read_section(SECTION)
        if saved.get("root"):
            shutil.rmtree(saved["root"], ignore_errors=True)
        write_section(SECTION, None)
