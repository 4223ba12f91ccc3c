"""Where local infrastructure keeps its files, and the lock that serialises concurrent starts."""

from __future__ import annotations

import fcntl
import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
LOCK_TIMEOUT_S = 300.0


class InfraError(RuntimeError):
    """A problem the user can fix; the CLI prints it as one line."""


def state_dir() -> Path:
    """Everything mutable lives in one ignored folder so `reset` is a single delete."""
    root = Path(os.environ.get("GREENLINK_STATE_DIR") or REPO_ROOT / ".greenlink").resolve()
    root.mkdir(parents=True, exist_ok=True)  # concurrent first starts race to create it
    ignore = root / ".gitignore"
    if not ignore.exists():
        ignore.write_text("*\n")
    return root


def cache_dir() -> Path:
    """Jars outlive `reset` when the cache is pointed elsewhere, e.g. shared between clones."""
    default = state_dir() / "cache"
    return Path(os.environ.get("GREENLINK_CACHE_DIR") or default).resolve()


def logs_dir() -> Path:
    path = state_dir() / "logs"
    path.mkdir(parents=True, exist_ok=True)
    return path


@contextmanager
def file_lock(path: Path, timeout_s: float = LOCK_TIMEOUT_S) -> Iterator[None]:
    """flock, not lockf: it also excludes a second holder inside the same process."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise InfraError(f"timed out waiting for lock {path}") from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


@contextmanager
def component_lock(name: str) -> Iterator[None]:
    """One lock per component, so a Kafka start never waits for a PostgreSQL start."""
    with file_lock(state_dir() / "locks" / f"{name}.lock"):
        yield


def _state_file() -> Path:
    return state_dir() / "state.json"


def read_section(name: str) -> dict[str, Any]:
    """Writes are atomic renames, so readers need no lock."""
    try:
        data = json.loads(_state_file().read_text())
    except FileNotFoundError:
        return {}
    section = data.get(name, {})
    return section if isinstance(section, dict) else {}


def write_section(name: str, section: dict[str, Any] | None) -> None:
    """Read-modify-write under a short lock; components hold their own locks around this."""
    with file_lock(state_dir() / "locks" / "state.lock"):
        path = _state_file()
        try:
            data = json.loads(path.read_text())
        except FileNotFoundError:
            data = {}
        if section is None:
            data.pop(name, None)
        else:
            data[name] = section
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
        tmp.chmod(0o600)  # holds the generated database password
        os.replace(tmp, path)
