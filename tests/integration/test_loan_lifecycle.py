"""A loan's life through the real services: offers reserve mandate capacity and release it when
withdrawn, declined or expired; tranches draw up to the offer; repayments lower the balance that
lender, enterprise and regulator see, and restore a revolving mandate's capacity."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from matching.handlers import expire_offers
from matching.lending.deals import china_date
from servicekit.db import create_pool
from servicekit.rls import SYSTEM, acting_for
from tests.support.deals import (
    deal_for,
    lineage_items,
    offer_body,
    open_mandate,
    register_project,
    tranche_body,
    whole_feed,
)
from tests.support.kafka import eventually

pytestmark = pytest.mark.integration

BIG_PROJECT = {"capex_cny": "150000000.00", "financing_need_cny": "120000000.00"}
BIG_TICKETS = {
    "ticket_max_cny": "80000000.00",
    "capacity_cny": "100000000.00",
    "min_score": 0,
    "exclusions": [],
}


async def _two_deals(registry: Any, matching: Any, mint: Any, **terms: Any) -> Any:
    lender, headers, mandate_id = await open_mandate(matching, mint, **(BIG_TICKETS | terms))
    projects = [await register_project(registry, mint, **BIG_PROJECT) for _ in range(2)]
    deals = [await deal_for(matching, lender, headers, pid) for pid, _ in projects]
    return headers, mandate_id, deals, [owner for _, owner in projects]


async def test_a_second_80m_offer_on_a_100m_mandate_is_refused_naming_what_remains(
    registry: Any, scoring: Any, matching: Any, mint: Any
) -> None:
    headers, mandate_id, deals, owners = await _two_deals(registry, matching, mint)
    first, second = (f"/v1/deals/{d['deal_id']}/responses" for d in deals)
    made = await matching.client.post(first, json=offer_body("80000000.00"), headers=headers)
    assert made.status_code == 201, made.text
    assert made.json()["balance"]["reserved_cny"] == "80000000.00"
    refused = await matching.client.post(second, json=offer_body("80000000.00"), headers=headers)
    assert refused.status_code == 409, refused.text
    assert "remaining capacity of 20,000,000.00 CNY" in refused.text
    assert "amount_cny" in refused.text
    mandate = (await matching.client.get(f"/v1/mandates/{mandate_id}", headers=headers)).json()
    assert (mandate["reserved_cny"], mandate["remaining_capacity_cny"]) == (
        "80000000.00",
        "20000000.00",
    )
    # The allocation plan spreads the whole 100M again over both open deals, offer included.
    plan = (await matching.client.get("/v1/allocation-plan", headers=headers)).json()
    planned = sum(Decimal(line["amount_cny"]) for line in plan["lines"])
    assert Decimal("20000000.00") < planned <= Decimal("100000000.00")

    # The enterprise declines the first offer: only its owner may, and the room comes back.
    decline = f"/v1/deals/{deals[0]['deal_id']}/offer/decline"
    body = {"reason": "we took another bank's terms"}
    assert (await matching.client.post(decline, json=body, headers=owners[1])).status_code == 404
    assert (await matching.client.post(decline, json=body, headers=headers)).status_code == 403
    declined = await matching.client.post(decline, json=body, headers=owners[0])
    assert declined.status_code == 201, declined.text
    assert declined.json()["cause"] == "declined_by_enterprise"
    assert declined.json()["released_cny"] == "80000000.00"
    again = await matching.client.post(second, json=offer_body("80000000.00"), headers=headers)
    assert again.status_code == 201, again.text


async def test_tranches_and_repayments_move_the_balance_everyone_concerned_sees(
    registry: Any, scoring: Any, matching: Any, audit: Any, mint: Any
) -> None:
    headers, mandate_id, deals, owners = await _two_deals(registry, matching, mint, revolving=True)
    deal_id = deals[0]["deal_id"]
    url = f"/v1/deals/{deal_id}/responses"
    for body in (offer_body("60000000.00"), tranche_body("20000000.00")):
        assert (await matching.client.post(url, json=body, headers=headers)).status_code == 201
    second = await matching.client.post(
        url, json=tranche_body("30000000.00", "2026-04-01"), headers=headers
    )
    assert second.status_code == 201, second.text
    too_much = await matching.client.post(url, json=tranche_body("20000000.00"), headers=headers)
    assert too_much.status_code == 422 and "undrawn 10,000,000.00 CNY" in too_much.text
    repaid = await matching.client.post(
        f"/v1/deals/{deal_id}/repayments",
        json={"amount_cny": "15000000.00", "repaid_on": "2026-09-01"},
        headers=headers,
    )
    assert repaid.status_code == 201, repaid.text
    assert repaid.json()["restores_capacity"] is True

    for reader in (headers, owners[0], mint("regulator")):
        loan = await matching.client.get(f"/v1/deals/{deal_id}/loan", headers=reader)
        assert loan.status_code == 200, loan.text
        assert loan.json()["balance"] | {"offer_valid_until": None} == {
            "offered_cny": "60000000.00",
            "drawn_cny": "50000000.00",
            "repaid_cny": "15000000.00",
            "outstanding_cny": "35000000.00",
            "reserved_cny": "10000000.00",
            "offer_valid_until": None,
        }
        assert [t["amount_cny"] for t in loan.json()["tranches"]] == [
            "20000000.00",
            "30000000.00",
        ]
    for stranger in (owners[1], mint("lender", uuid.uuid4())):
        seen = await matching.client.get(f"/v1/deals/{deal_id}/loan", headers=stranger)
        assert seen.status_code in (403, 404)
    mandate = (await matching.client.get(f"/v1/mandates/{mandate_id}", headers=headers)).json()
    assert mandate["remaining_capacity_cny"] == "55000000.00"  # 100 - (10 reserved + 35 owed)

    withdrawn = await matching.client.post(
        f"/v1/deals/{deal_id}/offer/withdrawal", json={}, headers=headers
    )
    assert withdrawn.status_code == 201, withdrawn.text
    assert withdrawn.json()["released_cny"] == "10000000.00"
    mandate = (await matching.client.get(f"/v1/mandates/{mandate_id}", headers=headers)).json()
    assert mandate["remaining_capacity_cny"] == "65000000.00"

    # Every step reached the ledger: flows, the scorecard and lineage report the balance.
    lender_id, regulator = deals[0]["lender_id"], mint("regulator")

    async def flows() -> dict[str, Any] | None:
        report = await audit.client.get(
            "/v1/flows", params={"lender_id": lender_id}, headers=regulator
        )
        total: dict[str, Any] = report.json()["total"]
        return total if total["repayments"] == 1 else None

    total = await eventually(flows, timeout_s=120)
    assert isinstance(total, dict)
    assert (total["disbursed_cny"], total["repaid_cny"], total["outstanding_cny"]) == (
        "50000000.00",
        "15000000.00",
        "35000000.00",
    )
    card = (await audit.client.get(f"/v1/lenders/{lender_id}/scorecard", headers=headers)).json()
    assert card["green_financing"]["outstanding_cny"] == "35000000.00"

    async def story() -> list[str] | None:
        items = await lineage_items(audit, deals[0]["project_id"], regulator)
        steps = [entry["step"] for entry in items or []]
        return steps if "offer_withdrawn_by_lender" in steps else None

    steps = await eventually(story, timeout_s=120)
    assert isinstance(steps, list)
    assert [s for s in steps if s in ("offer", "disbursed", "repaid")] == [
        "offer",
        "disbursed",
        "disbursed",
        "repaid",
    ]


async def test_an_offer_past_its_validity_expires_and_frees_capacity_without_a_request(
    registry: Any, scoring: Any, matching: Any, mint: Any
) -> None:
    headers, mandate_id, deals, _ = await _two_deals(registry, matching, mint)
    deal_id = deals[0]["deal_id"]
    made = await matching.client.post(
        f"/v1/deals/{deal_id}/responses", json=offer_body("80000000.00"), headers=headers
    )
    assert made.status_code == 201, made.text

    # Time passes: the offer's last valid day is moved to before today in China. Two more
    # sweeps race the service's own timed one: the offer still expires once.
    settings = matching.spec.settings
    today = china_date(datetime.now(UTC))
    pools = [await create_pool(settings.database_url, settings.db_schema) for _ in range(2)]
    try:
        async with acting_for(pools[0], SYSTEM, None) as con:
            await con.execute(
                "UPDATE deals SET offer_valid_until = $2,"
                " offer = jsonb_set(offer, '{valid_until}', to_jsonb($2::date::text))"
                " WHERE deal_id = $1::uuid",
                deal_id,
                today - timedelta(days=1),
            )
        swept = await asyncio.gather(*(expire_offers(pool, today) for pool in pools))
        assert sum(swept) <= 1
    finally:
        for pool in pools:
            await pool.close()

    async def expired() -> bool:
        loan = await matching.client.get(f"/v1/deals/{deal_id}/loan", headers=headers)
        return bool(loan.json()["state"] == "offer_expired")

    await eventually(expired, timeout_s=60)
    mandate = (await matching.client.get(f"/v1/mandates/{mandate_id}", headers=headers)).json()
    assert mandate["remaining_capacity_cny"] == "100000000.00"
    feed = await whole_feed(matching, deals[0]["lender_id"], headers)
    closed = [i["event"] for i in feed if i["event_type"] == "deal.offer_closed.v1"]
    assert [(c["cause"], c["released_cny"]) for c in closed] == [("expired", "80000000.00")]
