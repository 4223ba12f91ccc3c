"""Ordered SQL migrations per service schema, plumbing tables first, under an advisory lock."""

from __future__ import annotations

import logging
import zlib
from collections.abc import Sequence
from pathlib import Path

import asyncpg

log = logging.getLogger(__name__)
PLUMBING_DIR = Path(__file__).parent / "migrations"


def _files(directory: Path, prefix: str) -> list[tuple[str, Path]]:
    return [(f"{prefix}/{p.name}", p) for p in sorted(directory.glob("*.sql"))]


def _quoted(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


async def grant_app_role(
    con: asyncpg.Connection, schema: str, role: str, append_only: Sequence[str] = ()
) -> None:
    """Let the services' role read and write the schema's rows and nothing more.

    It owns no table, so it cannot alter or disable row-level security or drop anything; on
    append-only tables it may only read and insert, whatever the triggers there also refuse.
    """
    s, r = _quoted(schema), _quoted(role)
    await con.execute(
        f"GRANT USAGE ON SCHEMA {s} TO {r};"
        f" GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA {s} TO {r};"
        f" GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {s} TO {r};"
        f" GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA {s} TO {r};"
    )
    for table in append_only:
        await con.execute(f"REVOKE UPDATE, DELETE, TRUNCATE ON {s}.{_quoted(table)} FROM {r}")


async def migrate(
    database_url: str,
    schema: str,
    service_dir: Path,
    *,
    app_role: str | None = None,
    append_only: Sequence[str] = (),
) -> list[str]:
    """Apply unapplied migrations of servicekit and the service; return the ones applied.

    With `app_role`, the rights of that role are granted afresh after every run.
    """
    con = await asyncpg.connect(database_url)
    applied: list[str] = []
    try:
        await con.execute("SELECT pg_advisory_lock($1)", zlib.crc32(schema.encode()))
        await con.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
        await con.execute(f'SET search_path TO "{schema}", public')
        await con.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations"
            " (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        done = {r["name"] for r in await con.fetch("SELECT name FROM schema_migrations")}
        files = _files(PLUMBING_DIR, "servicekit") + _files(service_dir / "migrations", schema)
        for name, path in files:
            if name in done:
                continue
            async with con.transaction():
                await con.execute(path.read_text())
                await con.execute("INSERT INTO schema_migrations (name) VALUES ($1)", name)
            applied.append(name)
            log.info("migration applied", extra={"migration": name, "schema": schema})
        if app_role:
            await grant_app_role(con, schema, app_role, append_only)
    finally:
        await con.execute("SELECT pg_advisory_unlock_all()")
        await con.close()
    return applied
