"""Which PostgreSQL binaries, which OS user and which folder: PostgreSQL refuses to run as root."""

from __future__ import annotations

import hashlib
import os
import pwd
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from deploy.local.state import InfraError, logs_dir, state_dir

PG_HINT = "apt-get install postgresql-15"
SERVER_TOOLS = ("initdb", "pg_ctl", "postgres", "psql")
SOCKET_PATH_MAX = 107


@dataclass(frozen=True)
class PgFiles:
    root: Path
    log: Path
    user: str | None  # None: run as the current (non-root) user

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def run(self) -> Path:
        return self.root / "run"


def bin_dir() -> Path:
    """Debian keeps initdb off PATH, in /usr/lib/postgresql/<major>/bin."""
    found = shutil.which("pg_ctl")
    candidates = [Path(found).resolve().parent] if found else []
    versions = Path("/usr/lib/postgresql").glob("*/bin")
    candidates += sorted(
        versions, key=lambda p: int(re.sub(r"\D", "", p.parent.name) or 0), reverse=True
    )
    for candidate in candidates:
        if all((candidate / tool).exists() for tool in SERVER_TOOLS):
            return candidate
    raise InfraError(f"PostgreSQL server binaries (initdb, pg_ctl) not found; install: {PG_HINT}")


def run_user() -> str | None:
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "greenlink"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    command = [
        "useradd",
        "--system",
        "--no-create-home",
        "--shell",
        "/usr/sbin/nologin",
        "greenlink",
    ]
    if subprocess.run(command, capture_output=True, check=False).returncode != 0:
        raise InfraError("cannot create system user `greenlink` to run PostgreSQL (useradd failed)")
    return "greenlink"


def as_user(user: str | None, command: list[str]) -> list[str]:
    return ["runuser", "-u", user, "--", *command] if user else command


def _reachable(user: str | None, folder: Path) -> bool:
    """access(2) as that user checks search permission on every parent, e.g. a repo in /root."""
    if user is None:
        return True
    check = subprocess.run(as_user(user, ["test", "-x", str(folder)]), check=False)
    return check.returncode == 0


def choose(saved_root: str | None) -> PgFiles:
    """Prefer <state>/pg; fall back to /tmp when the user cannot reach it or the socket
    path would be too long for a Unix socket."""
    user = run_user()
    preferred = state_dir() / "pg"
    fallback = Path(tempfile.gettempdir()) / (
        "greenlink-pg-" + hashlib.sha256(str(state_dir()).encode()).hexdigest()[:12]
    )
    socket_fits = len(f"{preferred}/run/.s.PGSQL.65535") <= SOCKET_PATH_MAX
    if saved_root:
        root = Path(saved_root)
    elif socket_fits and _reachable(user, state_dir()):
        root = preferred
    else:
        root = fallback
    log = logs_dir() / "postgres.log" if root == preferred else root / "postgres.log"
    return PgFiles(root, log, user)


def prepare(files: PgFiles) -> None:
    """Hand the folder and log file to the server's user before initdb and pg_ctl need them."""
    files.run.mkdir(parents=True, exist_ok=True)
    files.log.touch()
    if files.user is None:
        return
    entry = pwd.getpwnam(files.user)
    for path in (files.root, files.run, files.log):
        os.chown(path, entry.pw_uid, entry.pw_gid)
    files.root.chmod(0o700)


def write_owned(files: PgFiles, path: Path, text: str) -> None:
    path.write_text(text)
    if files.user is not None:
        entry = pwd.getpwnam(files.user)
        os.chown(path, entry.pw_uid, entry.pw_gid)
