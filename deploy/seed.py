"""Load the Hunan demo data in seeds/ through the services' public APIs (idempotent).

Each seeded enterprise and lender gets a stable tenant id derived from its credit code or
name, and acts with a token from the development issuer, exactly as a real user would.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Any

import httpx
import orjson

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
TENANTS = uuid.UUID("6f1c1b52-8d7e-4d8a-9a43-5b0f3c0e2a11")
REGISTRY = os.environ.get("REGISTRY_URL", "http://127.0.0.1:8001")


def tenant_of(natural_key: str) -> uuid.UUID:
    """Stable tenant id for a seeded organisation, so reloading finds the same one."""
    return uuid.uuid5(TENANTS, natural_key)


def _headers(role: str, tenant: uuid.UUID | None) -> dict[str, str]:
    from servicekit.auth import Role
    from servicekit.issuer import mint

    return {"Authorization": f"Bearer {mint(Role(role), tenant)}"}


def _lines(path: Path) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in path.read_text().splitlines() if line.strip()]


def _check(response: httpx.Response, *ok: int) -> None:
    if response.status_code not in ok:
        raise SystemExit(
            f"{response.request.method} {response.request.url}: "
            f"{response.status_code} {response.text[:500]}"
        )


def load_enterprises_and_projects(client: httpx.Client) -> tuple[int, int]:
    enterprises = _lines(SEEDS / "enterprises.jsonl")
    projects = _lines(SEEDS / "projects.jsonl")
    by_code: dict[str, list[dict[str, Any]]] = {}
    for line in projects:
        by_code.setdefault(line["enterprise_credit_code"], []).append(line["project"])
    new_projects = 0
    for enterprise in enterprises:
        headers = _headers("enterprise", tenant_of(enterprise["credit_code"]))
        _check(
            client.post(f"{REGISTRY}/v1/enterprises", json=enterprise, headers=headers), 201, 409
        )
        existing = client.get(f"{REGISTRY}/v1/projects", params={"limit": 1}, headers=headers)
        _check(existing, 200)
        if existing.json()["items"]:
            continue
        for project in by_code.get(enterprise["credit_code"], []):
            _check(client.post(f"{REGISTRY}/v1/projects", json=project, headers=headers), 201)
            new_projects += 1
    return len(enterprises), new_projects


def main() -> None:
    with httpx.Client(timeout=30) as client:
        enterprises, projects = load_enterprises_and_projects(client)
    print(f"seeds: {enterprises} enterprises, {projects} new projects loaded")


if __name__ == "__main__":
    main()
