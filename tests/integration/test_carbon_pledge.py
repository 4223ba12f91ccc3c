"""A forest's expected CCER credits are a carbon-asset pledge loan's collateral: valued with the
price table's row in force on the valuation date, shown to the lender in the feed and the deal,
and no pledge offer lends above their value less the haircut.

Through the real services: registry → Kafka → scoring → Kafka → matching, PostgreSQL's price
table (matching migration 0009), over HTTP.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from fastapi import FastAPI

from tests.support.console import signed_in
from tests.support.deals import deal_for, lineage_items, open_mandate, register_project, whole_feed
from tests.support.kafka import eventually
from tests.support.samples import enterprise_body, forestry_body, project_body

pytestmark = pytest.mark.integration

FOREST = forestry_body(
    name="张家界人工造林碳汇 Zhangjiajie afforestation",
    city="zhangjiajie",
    county="慈利县",
    instruments=["green_loan", "carbon_asset_pledge_loan"],
    tenor_months=120,
    activity={"area_ha": 2000.0},
)
PLEDGE_MANDATE = {
    "name": "Carbon-sink pledge loans",
    "instruments": ["carbon_asset_pledge_loan"],
    "families": ["carbon_sink"],
    "cities": ["zhangjiajie"],
    "ticket_min_cny": "100000.00",
    "ticket_max_cny": "20000000.00",
    "max_tenor_months": 120,
    "min_score": 0,
    "exclusions": [],
    "capacity_cny": "50000000.00",
}


def _pledge(amount: str) -> dict[str, Any]:
    return {
        "response": {
            "kind": "offer",
            "instrument": "carbon_asset_pledge_loan",
            "amount_cny": amount,
            "rate_percent": "3.2",
            "tenor_months": 60,
        }
    }


async def _valued(matching: Any, headers: Any, deal_id: str, on: str) -> Any:
    got = await matching.client.get(
        f"/v1/deals/{deal_id}", params={"valued_on": on}, headers=headers
    )
    assert got.status_code == 200, got.text
    return got.json()["collateral"]


async def _forest_deal(
    registry: Any, matching: Any, mint: Any
) -> tuple[Any, dict[str, str], dict[str, Any]]:
    lender, headers, _ = await open_mandate(matching, mint, **PLEDGE_MANDATE)
    project_id, _ = await register_project(registry, mint, **FOREST)
    return lender, headers, await deal_for(matching, lender, headers, project_id)


async def test_a_pledge_loan_s_collateral_value_follows_the_price_table_s_date(
    registry: Any, scoring: Any, matching: Any, audit: Any, mint: Any
) -> None:
    lender, headers, matched = await _forest_deal(registry, matching, mint)
    deal_id = matched["deal_id"]
    credits = sum(v["tco2e"] for v in matched["project"]["expected_issuance"]["vintages"])
    assert credits > 0

    # Before the table's first CCER row nothing values the credits.
    assert await _valued(matching, headers, deal_id, "2025-11-17") is None
    # The CCER price changed on 2025-11-26 (70.92 -> 62.48 CNY/t): a valuation the day before
    # and the day after use the row in force on each day, and nothing else changes.
    before = await _valued(matching, headers, deal_id, "2025-11-25")
    after = await _valued(matching, headers, deal_id, "2025-11-27")
    assert (before["price"]["price_date"], before["price"]["price_cny_per_t"]) == (
        "2025-11-18",
        "70.92",
    )
    assert (after["price"]["price_date"], after["price"]["price_cny_per_t"]) == (
        "2025-11-26",
        "62.48",
    )
    assert before["credits_tco2e"] == after["credits_tco2e"] == credits
    assert Decimal(before["value_cny"]) == Decimal("70.92") * credits
    assert Decimal(after["value_cny"]) == Decimal("62.48") * credits
    for valued in (before, after):
        assert Decimal(valued["haircut"]) == Decimal("0.5")
        assert Decimal(valued["lendable_cny"]) == Decimal(valued["value_cny"]) / 2
        assert valued["price"]["secondary"] is True and "ccer.com.cn" in valued["price"]["source"]

    # The feed shows the collateral valued today; an offer above its lendable value is refused
    # naming the amount, one at it is made and carries the valuation it was checked against.
    entry = next(
        e
        for e in await whole_feed(matching, lender, headers)
        if e["deal_id"] == deal_id and e["event_type"] == "deal.matched.v1"
    )
    today = entry["collateral"]
    assert today is not None and today["lendable_cny"]
    lendable = Decimal(today["lendable_cny"])
    url = f"/v1/deals/{deal_id}/responses"
    refused = await matching.client.post(url, json=_pledge(str(lendable + 1)), headers=headers)
    assert refused.status_code == 422, refused.text
    assert refused.json()["field"] == "amount_cny" and "lendable value" in refused.text
    made = await matching.client.post(url, json=_pledge(str(lendable)), headers=headers)
    assert made.status_code == 201, made.text
    assert made.json()["collateral"]["lendable_cny"] == today["lendable_cny"]

    # The ledger keeps the valuation the offer was checked against: the lineage shows it.
    async def offer_in_lineage() -> dict[str, Any] | None:
        items = await lineage_items(audit, matched["project_id"], mint("regulator"))
        offers = [i for i in items or [] if i["step"] == "offer"]
        return offers[0] if offers else None

    offer = await eventually(offer_in_lineage, timeout_s=120)
    assert isinstance(offer, dict)
    assert offer["summary"]["collateral_lendable_cny"] == today["lendable_cny"]


async def test_a_pledge_offer_on_a_project_without_carbon_credits_is_refused_naming_the_instrument(
    registry: Any, scoring: Any, matching: Any, mint: Any
) -> None:
    terms = PLEDGE_MANDATE | {"instruments": ["carbon_asset_pledge_loan", "green_loan"]}
    terms |= {"families": ["renewable_power"], "cities": ["zhangjiajie"]}
    lender, headers, _ = await open_mandate(matching, mint, **terms)
    wind = project_body(
        city="zhangjiajie",
        county="桑植县",
        capex_cny="30000000.00",
        financing_need_cny="15000000.00",
        tenor_months=96,
        instruments=["green_loan", "carbon_asset_pledge_loan"],
    )
    project_id, _ = await register_project(registry, mint, **wind)
    matched = await deal_for(matching, lender, headers, project_id)
    assert matched["project"].get("expected_issuance") is None
    url = f"/v1/deals/{matched['deal_id']}/responses"
    refused = await matching.client.post(url, json=_pledge("1000000.00"), headers=headers)
    assert refused.status_code == 422, refused.text
    assert refused.json()["field"] == "instrument"


async def test_the_bank_deal_page_shows_the_collateral_value_haircut_and_dates_in_zh_and_en(
    console: FastAPI, registry: Any, scoring: Any, matching: Any, mint: Any
) -> None:
    lender, headers, matched = await _forest_deal(registry, matching, mint)
    deal = await matching.client.get(f"/v1/deals/{matched['deal_id']}", headers=headers)
    collateral = deal.json()["collateral"]
    price_day = date.fromisoformat(collateral["price"]["price_date"])
    async with signed_in(console, "lender", lender) as client:
        zh = (await client.get(f"/bank/deals/{matched['deal_id']}")).text
        en = (await client.get(f"/bank/deals/{matched['deal_id']}?lang=en")).text
    assert "碳资产质押物" in zh and "折扣率" in zh and "平台参数" in zh
    assert f"{price_day.year}年{price_day.month}月{price_day.day}日" in zh
    assert "Carbon-asset collateral" in en and "Haircut" in en and "50%" in en
    assert f"{price_day.day} {price_day:%b %Y}" in en
    assert f"CNY {Decimal(collateral['lendable_cny']):,}" in en
    assert "ccer.com.cn" in en and "secondary source" in en


async def test_a_declared_ccer_issuance_is_bounded_in_the_score_trace_and_reaches_the_deal(
    registry: Any, scoring: Any, matching: Any, mint: Any
) -> None:
    credits = {
        "registration_ref": "CCER-14-001-V01 demo",
        "crediting_start": "2027-01-01",
        "crediting_years": 20,
        "issuance": [{"vintage": 2027, "tco2e": 1000}, {"vintage": 2028, "tco2e": 900_000}],
    }
    owner = mint("enterprise", uuid.uuid4())
    await registry.client.post("/v1/enterprises", json=enterprise_body(), headers=owner)
    outside = FOREST | {"carbon_credits": credits | {"issuance": [{"vintage": 2047, "tco2e": 1}]}}
    refused = await registry.client.post("/v1/projects", json=outside, headers=owner)
    assert refused.status_code == 422, refused.text
    assert refused.json()["field"].startswith("carbon_credits")
    assert "outside the crediting period" in refused.text

    lender, headers, _ = await open_mandate(matching, mint, **PLEDGE_MANDATE)
    project_id, owner = await register_project(
        registry, mint, **(FOREST | {"carbon_credits": credits})
    )
    matched = await deal_for(matching, lender, headers, project_id)
    issuance = matched["project"]["expected_issuance"]
    score = (await scoring.client.get(f"/v1/scores/{project_id}", headers=owner)).json()
    annual = int(score["score"]["annual_tco2e"])
    assert issuance["basis"] == "declared"
    assert [(v["vintage"], v["tco2e"]) for v in issuance["vintages"]] == [
        (2027, 1000),
        (2028, annual),
    ]
    trace = {item["name"]: item for item in score["score"]["trace"]}
    assert "bounded by the credited annual reduction" in trace["issuance_2028"]["source"]
    assert score["score"]["expected_issuance"] == issuance
