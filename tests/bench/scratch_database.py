"""A database of its own for one benchmark run, on the same PostgreSQL cluster.

A bulk run registers its mandate book, and a new mandate is matched against every live project
already stored: on the development database, which keeps every earlier run's projects, that
would time earlier runs as much as this one. An empty database makes each run start from the
same state; the services migrate it when they start, as they would a new deployment.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

import asyncpg

URL_VARIABLES = ("DATABASE_URL", "MIGRATION_DATABASE_URL")


def on_database(url: str, database: str) -> str:
    """`url` with its database (the path) replaced."""
    return urlunsplit(urlsplit(url)._replace(path=f"/{database}"))


async def _recreate(owner_url: str, database: str, create: bool, wait_s: float = 60) -> None:
    """Drop `database` (and create it again, empty): its last connections may still be
    closing as the run's processes stop, and only their own role may end them, so the drop
    is tried again until they are gone."""
    con = await asyncpg.connect(owner_url)
    try:
        deadline = time.monotonic() + wait_s
        while True:
            try:
                await con.execute(f'DROP DATABASE IF EXISTS "{database}"')
                break
            except asyncpg.ObjectInUseError:
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(1)
        if create:
            await con.execute(f"CREATE DATABASE \"{database}\" ENCODING 'UTF8'")
    finally:
        await con.close()


@contextmanager
def scratch_database(env: dict[str, str], database: str) -> Iterator[dict[str, str]]:
    """`env` with both database URLs moved to a new, empty `database`, dropped afterwards.

    The owner role (`MIGRATION_DATABASE_URL`) creates it and so owns it, as it owns the
    development database; the services' own role reaches it through PUBLIC's CONNECT right.
    """
    owner = env["MIGRATION_DATABASE_URL"]
    asyncio.run(_recreate(owner, database, create=True))
    try:
        yield env | {name: on_database(env[name], database) for name in URL_VARIABLES}
    finally:
        asyncio.run(_recreate(owner, database, create=False))
