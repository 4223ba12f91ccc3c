"""Ordered SQL migrations per service schema, plumbing tables first, under an advisory lock."""

from __future__ import annotations

import logging
import zlib
from pathlib import Path

import asyncpg

log = logging.getLogger(__name__)
PLUMBING_DIR = Path(__file__).parent / "migrations"


def _files(directory: Path, prefix: str) -> list[tuple[str, Path]]:
    return [(f"{prefix}/{p.name}", p) for p in sorted(directory.glob("*.sql"))]


async def migrate(database_url: str, schema: str, service_dir: Path) -> list[str]:
    """Apply unapplied migrations of servicekit and the service; return the ones applied."""
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
    finally:
        await con.execute("SELECT pg_advisory_unlock_all()")
        await con.close()
    return applied
