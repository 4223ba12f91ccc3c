"""Matching end to end: a registered project reaches the feed of a bank whose mandate fits."""

from __future__ import annotations

import asyncio
import uuid

import orjson
import pytest

from tests.support.deals import deal_for, open_mandate, register_project, rematched

pytestmark = pytest.mark.integration


async def _feed(matching, lender, headers):
    items, cursor = [], None
    while True:
        params = {"limit": 500} | ({"after": cursor} if cursor else {})
        page = (
            await matching.client.get(f"/v1/lenders/{lender}/deals", params=params, headers=headers)
        ).json()
        items += page["items"]
        if not page["items"]:
            return items
        cursor = page["next_cursor"]


async def _settled_feed(matching, lender, headers, quiet_s: float = 3.0):
    """The feed once the mandate's own re-match has also run (no change for `quiet_s`)."""
    previous = None
    for _ in range(60):
        current = await _feed(matching, lender, headers)
        if current == previous:
            return current
        previous = current
        await asyncio.sleep(quiet_s)
    raise AssertionError("feed kept changing")


async def test_registered_project_appears_in_the_feed_of_a_fitting_mandate(
    registry, scoring, matching, mint
):
    lender, headers, _ = await open_mandate(matching, mint)
    project_id, owner = await register_project(registry, mint)
    deal = await deal_for(matching, lender, headers, project_id)
    assert deal["lender_id"] == str(lender)
    assert all(c["passed"] for c in deal["explanation"]["constraints"])
    assert "contact_email" not in orjson.dumps(deal).decode()

    other = mint("lender", uuid.uuid4())
    assert (
        await matching.client.get(f"/v1/lenders/{lender}/deals", headers=other)
    ).status_code == 404
    assert (
        await matching.client.get(f"/v1/deals/{deal['deal_id']}", headers=other)
    ).status_code == 404

    interest = await matching.client.post(
        f"/v1/deals/{deal['deal_id']}/responses",
        json={"response": {"kind": "interest", "note": "send the audit"}},
        headers=headers,
    )
    assert interest.status_code == 201, interest.text
    seen = (await matching.client.get(f"/v1/projects/{project_id}/lenders", headers=owner)).json()
    assert [s["state"] for s in seen] == ["interested"]


async def test_disbursement_past_capacity_is_refused_and_an_exhausted_mandate_stops_matching(
    registry, scoring, matching, mint
):
    lender, headers, _mandate_id = await open_mandate(
        matching,
        mint,
        capacity_cny="60000000.00",
        ticket_max_cny="40000000.00",
        ticket_min_cny="30000000.00",
        min_score=0,
    )
    first, _ = await register_project(registry, mint)
    deal = await deal_for(matching, lender, headers, first)
    url = f"/v1/deals/{deal['deal_id']}/responses"
    offer = {
        "kind": "offer",
        "instrument": "green_loan",
        "amount_cny": "40000000.00",
        "rate_percent": "3.1",
        "tenor_months": 96,
    }
    assert (
        await matching.client.post(url, json={"response": offer}, headers=headers)
    ).status_code == 201
    too_much = {"kind": "disbursed", "amount_cny": "70000000.00", "disbursed_on": "2026-03-01"}
    refused = await matching.client.post(url, json={"response": too_much}, headers=headers)
    assert refused.status_code in (409, 422) and "amount" in refused.text
    paid = {"kind": "disbursed", "amount_cny": "40000000.00", "disbursed_on": "2026-03-01"}
    assert (
        await matching.client.post(url, json={"response": paid}, headers=headers)
    ).status_code == 201

    # 20 million left is below the 30 million minimum ticket: no new deals.
    second, _ = await register_project(registry, mint)
    control_lender, control_headers, _ = await open_mandate(matching, mint)
    await deal_for(matching, control_lender, control_headers, second)
    feed = await _feed(matching, lender, headers)
    assert not any(i["event"].get("project_id") == second for i in feed)


async def test_replayed_matching_leaves_the_feed_identical(registry, scoring, matching, mint):
    """The mandate is matched once by hand before the feed is read: whether the consumer's own
    re-match of the new mandate runs before, between or after the two reads, a replay must
    change nothing."""
    lender, headers, mandate_id = await open_mandate(matching, mint)
    project_id, _ = await register_project(registry, mint)
    await deal_for(matching, lender, headers, project_id)

    await rematched(matching, mandate_id)
    before = await _settled_feed(matching, lender, headers)
    await rematched(matching, mandate_id)
    after = await _feed(matching, lender, headers)
    assert [i["position"] for i in after] == [i["position"] for i in before]


async def test_sse_client_that_disconnects_and_resumes_sees_every_deal_once(
    registry, scoring, matching, mint
):
    lender, headers, mandate_id = await open_mandate(matching, mint)
    await rematched(matching, mandate_id)  # earlier tests' projects join the feed first
    projects = [(await register_project(registry, mint))[0] for _ in range(3)]
    for p in projects:
        await deal_for(matching, lender, headers, p)
    total = len(await _feed(matching, lender, headers))

    url = f"/v1/lenders/{lender}/deals/stream"
    first = await matching.client.get(url, params={"max_events": 2}, headers=headers)
    ids = [
        line.split(":", 1)[1].strip() for line in first.text.splitlines() if line.startswith("id:")
    ]
    assert len(ids) == 2
    rest = await matching.client.get(
        url, params={"idle_timeout_s": 1}, headers=headers | {"Last-Event-ID": ids[-1]}
    )
    ids += [
        line.split(":", 1)[1].strip() for line in rest.text.splitlines() if line.startswith("id:")
    ]
    assert ids == [str(i) for i in range(1, total + 1)]


async def test_allocation_plan_is_readable_and_never_worse_than_greedy(
    registry, scoring, matching, mint
):
    lender, headers, _ = await open_mandate(matching, mint)
    project_id, _ = await register_project(registry, mint)
    await deal_for(matching, lender, headers, project_id)
    own = await matching.client.get("/v1/allocation-plan", headers=headers)
    assert own.status_code == 200, own.text
    plan = own.json()
    assert plan["open_deals"] >= 1
    assert plan["financed_tco2e"] >= plan["greedy_financed_tco2e"] - 1e-6
    assert all(line["reason"] for line in plan["lines"])
    assert {line["mandate_id"] for line in plan["lines"]} <= {
        m["mandate_id"]
        for m in (await matching.client.get("/v1/mandates", headers=headers)).json()["items"]
    }
    enterprise = mint("enterprise", uuid.uuid4())
    assert (await matching.client.get("/v1/allocation-plan", headers=enterprise)).status_code == 403
