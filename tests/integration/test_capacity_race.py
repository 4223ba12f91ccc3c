"""Capacity holds under concurrent offers from two API processes racing on one database: live
offers' reservations plus outstanding balances never exceed the mandate's capacity."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest

from tests.support.deals import deal_for, offer_body, open_mandate, register_project
from tests.support.processes import ServiceProcess, api_processes

pytestmark = pytest.mark.integration

CAPACITY = Decimal("100000000.00")


@pytest.fixture
def two_apis(matching: Any) -> Iterator[list[ServiceProcess]]:
    """Two more matching API processes beside the test's own (its schema already migrated)."""
    with api_processes("matching") as apis:
        yield apis


@pytest.mark.parametrize(
    ("offer_cny", "ticket_min_cny", "live_offers"),
    [
        ("30000000.00", "5000000.00", 3),  # 3 × 30M fit in 100M; 10M stays open to match
        ("40000000.00", "30000000.00", 2),  # 2 × 40M leave 20M, below a ticket: the rest close
    ],
)
async def test_offers_racing_from_two_processes_never_commit_more_than_the_capacity(
    registry: Any,
    scoring: Any,
    matching: Any,
    mint: Any,
    two_apis: list[ServiceProcess],
    offer_cny: str,
    ticket_min_cny: str,
    live_offers: int,
) -> None:
    lender, headers, mandate_id = await open_mandate(
        matching,
        mint,
        capacity_cny=str(CAPACITY),
        ticket_min_cny=ticket_min_cny,
        min_score=0,
        exclusions=[],
    )
    projects = [await register_project(registry, mint) for _ in range(6)]
    deals = [(await deal_for(matching, lender, headers, pid))["deal_id"] for pid, _ in projects]

    async with httpx.AsyncClient(timeout=60) as client:

        async def offer(api: ServiceProcess, deal_id: str) -> httpx.Response:
            return await client.post(
                f"{api.url}/v1/deals/{deal_id}/responses",
                json=offer_body(offer_cny),
                headers=headers,
            )

        # Every deal is offered on from both processes at once, in opposite orders.
        answers = await asyncio.gather(
            *(offer(two_apis[0], d) for d in deals),
            *(offer(two_apis[1], d) for d in reversed(deals)),
        )
        loans = [
            (await client.get(f"{two_apis[0].url}/v1/deals/{d}/loan", headers=headers)).json()
            for d in deals
        ]

    assert {a.status_code for a in answers} <= {201, 409}, [a.text for a in answers]
    refused = [a for a in answers if a.status_code == 409]
    assert refused and all(
        "remaining capacity of" in a.text or "deal that is withdrawn" in a.text for a in refused
    )
    committed = sum(
        Decimal(loan["balance"]["reserved_cny"]) + Decimal(loan["balance"]["outstanding_cny"])
        for loan in loans
    )
    assert committed <= CAPACITY
    assert sum(1 for loan in loans if loan["offer_open"]) == live_offers
    mandate = (await matching.client.get(f"/v1/mandates/{mandate_id}", headers=headers)).json()
    assert Decimal(mandate["reserved_cny"]) == committed
    assert Decimal(mandate["remaining_capacity_cny"]) == CAPACITY - committed
