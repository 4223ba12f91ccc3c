"""asyncpg pools with JSON codecs, scoped to one service's schema."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeAlias

import asyncpg
import orjson
from asyncpg.pool import PoolConnectionProxy

Connection: TypeAlias = "asyncpg.Connection[asyncpg.Record] | PoolConnectionProxy[asyncpg.Record]"
Executor: TypeAlias = "Connection | asyncpg.Pool[asyncpg.Record]"


def _jsonb_encode(value: Any) -> bytes:
    return b"\x01" + orjson.dumps(value, default=str)


def _jsonb_decode(data: bytes) -> Any:
    return orjson.loads(data[1:])


def _json_encode(value: Any) -> bytes:
    return orjson.dumps(value, default=str)


async def init_connection(con: asyncpg.Connection[asyncpg.Record]) -> None:
    """Binary JSON codecs: fast, and usable by COPY (which only speaks binary)."""
    await con.set_type_codec(
        "jsonb",
        encoder=_jsonb_encode,
        decoder=_jsonb_decode,
        schema="pg_catalog",
        format="binary",
    )
    await con.set_type_codec(
        "json",
        encoder=_json_encode,
        decoder=orjson.loads,
        schema="pg_catalog",
        format="binary",
    )


async def create_pool(
    database_url: str, schema: str, *, min_size: int = 1, max_size: int = 10
) -> asyncpg.Pool[asyncpg.Record]:
    """A pool whose connections see only `schema` (plus public) on their search path."""
    pool = await asyncpg.create_pool(
        database_url,
        min_size=min_size,
        max_size=max_size,
        init=init_connection,
        server_settings={"search_path": f"{schema},public", "application_name": schema},
    )
    assert pool is not None
    return pool


COPY_THRESHOLD = 50


async def insert_rows(
    con: Connection, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """INSERT a handful of rows, COPY a batch: bulk paths stay fast without two code paths."""
    if not rows:
        return
    if len(rows) >= COPY_THRESHOLD:
        await con.copy_records_to_table(table, records=rows, columns=list(columns))
        return
    placeholders = ", ".join(f"${i}" for i in range(1, len(columns) + 1))
    await con.executemany(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})", rows
    )
