"""The seeded demo organisations a developer may sign in as (development only)."""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import orjson

# The namespace deploy/seed.py derives seeded enterprises' tenant ids from (a test holds
# the two equal), so signing in as a seeded enterprise finds the projects the seeds loaded.
SEED_TENANTS = uuid.UUID("6f1c1b52-8d7e-4d8a-9a43-5b0f3c0e2a11")


@dataclass(frozen=True)
class Organisation:
    role: str
    tenant: uuid.UUID
    name: str
    city: str


def seeds_dir() -> Path:
    configured = os.environ.get("CONSOLE_SEEDS_DIR")
    if configured:
        return Path(configured)
    beside_source = Path(__file__).resolve().parents[2] / "seeds"
    return beside_source if beside_source.is_dir() else Path.cwd() / "seeds"


@cache
def seeded() -> tuple[Organisation, ...]:
    """Enterprises from enterprises.jsonl and lenders from lenders.json; none if absent."""
    root = seeds_dir()
    found: list[Organisation] = []
    enterprises = root / "enterprises.jsonl"
    if enterprises.is_file():
        for line in enterprises.read_text(encoding="utf-8").splitlines():
            if line.strip():
                e = orjson.loads(line)
                tenant = uuid.uuid5(SEED_TENANTS, e["credit_code"])
                found.append(Organisation("enterprise", tenant, e["name"], e["city"]))
    lenders = root / "lenders.json"
    if lenders.is_file():
        for lender in orjson.loads(lenders.read_bytes())["lenders"]:
            tenant = uuid.UUID(lender["lender_id"])
            found.append(Organisation("lender", tenant, lender["name"], lender["city"]))
    return tuple(found)


def name_of(tenant: uuid.UUID | None) -> str | None:
    return next((o.name for o in seeded() if o.tenant == tenant), None)
