"""Helpers for tests that walk a deal through its life: a lender, a project, its deal."""

from __future__ import annotations

import uuid
from typing import Any, cast

from tests.support.kafka import eventually
from tests.support.samples import data_centre_body, enterprise_body, lender_body, mandate_body
from tests.support.services import RunningService

Headers = dict[str, str]


async def open_mandate(
    matching: RunningService, mint: Any, **terms: Any
) -> tuple[uuid.UUID, Headers, str]:
    """A new lender with one mandate (terms override the sample's)."""
    lender = uuid.uuid4()
    headers = mint("lender", lender)
    registered = await matching.client.post("/v1/lenders", json=lender_body(), headers=headers)
    assert registered.status_code == 201, registered.text
    created = await matching.client.post(
        "/v1/mandates", json=mandate_body(**terms), headers=headers
    )
    assert created.status_code == 201, created.text
    return lender, headers, created.json()["mandate_id"]


async def rematched(matching: RunningService, mandate_id: str | uuid.UUID) -> None:
    """Return once the mandate has met every stored project. A new mandate is matched against
    the projects already stored by a sweep beside the relay, a chunk at a time (docs/matching.md);
    a test that counts a lender's deals waits for it, or it counts a feed still growing."""
    from matching.mandate_sweeps import rematch_now

    pool = matching.client._transport.app.state.pool  # type: ignore[attr-defined]
    await rematch_now(pool, uuid.UUID(str(mandate_id)))


async def register_project(
    registry: RunningService, mint: Any, **overrides: Any
) -> tuple[str, Headers]:
    """A new enterprise's data-centre project; returns its id and the owner's headers."""
    headers = mint("enterprise", uuid.uuid4())
    await registry.client.post("/v1/enterprises", json=enterprise_body(), headers=headers)
    response = await registry.client.post(
        "/v1/projects", json=data_centre_body(**overrides), headers=headers
    )
    assert response.status_code == 201, response.text
    return response.json()["project_id"], headers


async def whole_feed(
    matching: RunningService, lender: uuid.UUID, headers: Headers
) -> list[dict[str, Any]]:
    """Every entry of the lender's feed, page by page: in a shared database a new mandate may
    match many projects other tests registered, beyond the first page."""
    entries: list[dict[str, Any]] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 500} | ({"after": cursor} if cursor else {})
        page = await matching.client.get(
            f"/v1/lenders/{lender}/deals", params=params, headers=headers
        )
        assert page.status_code == 200, page.text
        items = page.json()["items"]
        if not items:
            return entries
        entries.extend(items)
        cursor = page.json()["next_cursor"]


async def deal_for(
    matching: RunningService, lender: uuid.UUID, headers: Headers, project_id: str
) -> dict[str, Any]:
    """The `deal.matched.v1` body of this project in the lender's feed, once it arrives."""

    async def probe() -> dict[str, Any] | None:
        for item in await whole_feed(matching, lender, headers):
            event = item["event"]
            if item["event_type"] == "deal.matched.v1" and event["project_id"] == project_id:
                return dict(event)
        return None

    return cast(dict[str, Any], await eventually(probe, timeout_s=180))


def offer_body(amount: str, **terms: Any) -> dict[str, Any]:
    body = {
        "kind": "offer",
        "instrument": "green_loan",
        "amount_cny": amount,
        "rate_percent": "3.1",
        "tenor_months": 96,
    }
    return {"response": body | terms}


def tranche_body(amount: str, on: str = "2026-03-02") -> dict[str, Any]:
    return {"response": {"kind": "disbursed", "amount_cny": amount, "disbursed_on": on}}


async def lineage_items(
    audit: Any, project_id: str, headers: dict[str, str]
) -> list[dict[str, Any]] | None:
    """A project's lineage as the regulator reads it, or None while the ledger has not yet
    sealed the project's first event (the lineage answers 404 until then)."""
    lineage = await audit.client.get(f"/v1/projects/{project_id}/lineage", headers=headers)
    if lineage.status_code == 404:
        return None
    assert lineage.status_code == 200, lineage.text
    items: list[dict[str, Any]] = lineage.json()["items"]
    return items
