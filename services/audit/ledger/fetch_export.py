"""Fetch what offline verification needs through the audit API alone: the checkpoints, then
the ledger, then the public key, each to a file a regulator keeps.

Checkpoints are fetched before the ledger so the ledger export reaches every checkpoint
fetched (a checkpoint past the export's end would read as missing entries).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import orjson

PAGE = 500


@dataclass(frozen=True)
class Fetched:
    ledger: Path
    checkpoints: Path
    public_key: Path
    entries: int
    signed_checkpoints: int


async def _pages(client: httpx.AsyncClient, path: str) -> AsyncIterator[list[dict[str, Any]]]:
    cursor: str | None = None
    while True:
        params = {"limit": str(PAGE)} | ({"after": cursor} if cursor else {})
        response = await client.get(path, params=params)
        response.raise_for_status()
        page = response.json()
        yield page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            return


async def _save_lines(
    client: httpx.AsyncClient, path: str, to: Path, counted: Callable[[dict[str, Any]], bool]
) -> int:
    """Every item of every page as one JSON line; returns how many items `counted` accepts."""
    count = 0
    with to.open("wb") as out:  # a local file, written page by page as it arrives
        async for items in _pages(client, path):
            out.writelines(orjson.dumps(item) + b"\n" for item in items)
            count += sum(1 for item in items if counted(item))
    return count


async def fetch_export(client: httpx.AsyncClient, out_dir: Path) -> Fetched:
    """Write checkpoints.ndjson, ledger.ndjson and signing-key.json under `out_dir`."""
    await asyncio.to_thread(out_dir.mkdir, parents=True, exist_ok=True)
    checkpoints, ledger = out_dir / "checkpoints.ndjson", out_dir / "ledger.ndjson"
    signed = await _save_lines(
        client, "/v1/ledger/checkpoints", checkpoints, lambda c: bool(c.get("signature"))
    )
    entries = await _save_lines(client, "/v1/ledger", ledger, lambda _: True)
    key = await client.get("/v1/ledger/signing-key")
    key.raise_for_status()
    public_key = out_dir / "signing-key.json"
    await asyncio.to_thread(public_key.write_bytes, key.content)
    return Fetched(ledger, checkpoints, public_key, entries, signed)
