"""Environment variables set for the length of a block, then restored exactly as they were."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager


@contextmanager
def environment(values: Mapping[str, str]) -> Iterator[None]:
    """Settings objects read the environment when built; this scopes what they see."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


# Taken when conftest imports this module, before any fixture runs: what the person running the
# tests configured, as opposed to what the session's own infrastructure fixture adds later.
_BEFORE_SESSION = dict(os.environ)
INFRA_VARIABLES = (
    "KAFKA_BOOTSTRAP_SERVERS",
    "KAFKA_SECURITY_PROTOCOL",
    "KAFKA_SASL_MECHANISM",
    "DATABASE_URL",
    "MIGRATION_DATABASE_URL",
)


def configured_outside(name: str) -> bool:
    """Whether `name` was set by whoever started the tests (external infrastructure)."""
    return bool(_BEFORE_SESSION.get(name))


def without_session_infra() -> dict[str, str]:
    """The process environment minus the infrastructure variables the session itself added.

    A launcher started with this sees exactly what it would outside the test session, so it
    starts or reuses the local cluster instead of mistaking the session's for an external one.
    """

    def infra(name: str) -> bool:
        return name in INFRA_VARIABLES or name.endswith("_KAFKA_PASSWORD")

    kept = {name: value for name, value in os.environ.items() if not infra(name)}
    return kept | {name: value for name, value in _BEFORE_SESSION.items() if infra(name)}


@contextmanager
def only(values: Mapping[str, str]) -> Iterator[None]:
    """Replace the whole environment for the length of a block, then restore it exactly."""
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(values)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)
