"""A lender's pages over the real services: the live feed, answers, mandates, reports."""

from __future__ import annotations

import uuid

import pytest
from fastapi import FastAPI

from tests.support.console import csrf_of, mandate_form, reason_form_posts, signed_in
from tests.support.deals import deal_for, open_mandate, register_project
from tests.support.samples import lender_body, mandate_body

pytestmark = pytest.mark.integration


async def _deal(registry, matching, mint) -> tuple[uuid.UUID, str, str]:
    """A lender with a mandate, a project matched to it; (lender, deal id, project name)."""
    lender, headers, _ = await open_mandate(matching, mint)
    name = f"湘西数据中心 {uuid.uuid4().hex[:6]}"
    project_id, _ = await register_project(registry, mint, name=name)
    deal = await deal_for(matching, lender, headers, project_id)
    return lender, deal["deal_id"], name


async def test_a_new_deal_arrives_through_the_live_stream_with_its_fit_explanation(
    console: FastAPI, registry, scoring, matching, mint
) -> None:
    lender, headers, _ = await open_mandate(matching, mint)
    async with signed_in(console, "lender", lender) as client:
        page = await client.get("/bank")
        assert 'data-stream="/bank/feed/stream"' in page.text
        name = f"湘西数据中心 {uuid.uuid4().hex[:6]}"
        project_id, _ = await register_project(registry, mint, name=name)
        await deal_for(matching, lender, headers, project_id)
        stream = await client.get("/bank/feed/stream", params={"idle_timeout_s": 1})
    assert stream.status_code == 200
    assert stream.headers["content-type"].startswith("text/event-stream")
    assert "event: entry" in stream.text
    assert name in stream.text
    assert "✓" in stream.text  # each passed constraint, explained


async def test_a_reconnecting_stream_resumes_after_the_last_entry_it_had(
    console: FastAPI, registry, scoring, matching, mint
) -> None:
    lender, _, name = await _deal(registry, matching, mint)
    async with signed_in(console, "lender", lender) as client:
        first = await client.get("/bank/feed/stream", params={"idle_timeout_s": 0.5})
        last = [line for line in first.text.splitlines() if line.startswith("id:")][-1]
        again = await client.get(
            "/bank/feed/stream",
            params={"idle_timeout_s": 0.5},
            headers={"Last-Event-ID": last.removeprefix("id:").strip()},
        )
    assert name in first.text
    assert name not in again.text


async def test_a_lender_answers_interest_then_offers_disburses_and_books_a_repayment(
    console: FastAPI, registry, scoring, matching, mint
) -> None:
    lender, deal_id, name = await _deal(registry, matching, mint)
    async with signed_in(console, "lender", lender) as client:
        page = await client.get(f"/bank/deals/{deal_id}")
        assert name in page.text  # the feed itself: the stream tests (a new lender's mandate
        # may match many projects already in a shared database, beyond the feed's first page)
        token = csrf_of(page.text)
        steps = [
            ("answer", {"kind": "interest", "note": "请提供可研报告"}),
            (
                "answer",
                {
                    "kind": "offer",
                    "instrument": "green_loan",
                    "amount_cny": "20000000.00",
                    "rate_percent": "3.1",
                    "tenor_months": "96",
                },
            ),
            (
                "answer",
                {"kind": "disbursed", "amount_cny": "5000000.00", "disbursed_on": "2026-03-02"},
            ),
            ("repayments", {"amount_cny": "1000000.00", "repaid_on": "2026-06-02"}),
        ]
        for action, form in steps:
            answer = await client.post(
                f"/bank/deals/{deal_id}/{action}", data=form | {"csrf_token": token}
            )
            assert answer.status_code == 303, answer.text
        detail = await client.get(f"/bank/deals/{deal_id}")
    assert "2,000.00 万元" in detail.text  # the offer
    assert "500.00 万元" in detail.text  # the tranche
    assert "400.00 万元" in detail.text  # outstanding after the repayment


async def test_a_decline_without_its_reason_is_named_and_leaves_the_deal_as_it_was(
    console: FastAPI, registry, scoring, matching, mint
) -> None:
    lender, deal_id, _ = await _deal(registry, matching, mint)
    headers = mint("lender", lender)
    before = (await matching.client.get(f"/v1/deals/{deal_id}", headers=headers)).json()
    async with signed_in(console, "lender", lender) as client:
        page = await client.get(f"/bank/deals/{deal_id}")
        answer = await client.post(
            f"/bank/deals/{deal_id}/answer",
            data={"kind": "decline", "reason": "", "csrf_token": csrf_of(page.text)},
        )
    assert answer.status_code == 422
    assert "reason" in answer.text
    after = (await matching.client.get(f"/v1/deals/{deal_id}", headers=headers)).json()
    assert after == before


async def test_a_lender_registers_itself_then_a_mandate_and_sees_its_capacity(
    console: FastAPI, matching, mint
) -> None:
    lender = uuid.uuid4()
    async with signed_in(console, "lender", lender) as client:
        page = await client.get("/bank")
        token = csrf_of(page.text)
        registered = await client.post("/bank/profile", data={**lender_body(), "csrf_token": token})
        assert registered.status_code == 303
        created = await client.post(
            "/bank/mandates", data=mandate_form(mandate_body()) | {"csrf_token": token}
        )
        assert created.status_code == 303
        mandate_url = created.headers["location"]
        listed = await client.get("/bank/mandates")
        changed = await client.post(
            mandate_url,
            data=mandate_form(mandate_body(capacity_cny="200000000.00")) | {"csrf_token": token},
        )
        edited = await client.get(mandate_url)
    assert "1.00 亿元" in listed.text  # capacity, all of it left
    assert changed.status_code == 303
    assert "2.00 亿元" in edited.text and "v2" in edited.text


async def test_a_mandate_form_with_incoherent_terms_names_them_and_creates_nothing(
    console: FastAPI, matching, mint
) -> None:
    lender = uuid.uuid4()
    await matching.client.post("/v1/lenders", json=lender_body(), headers=mint("lender", lender))
    incoherent = mandate_body(ticket_min_cny="90000000.00", max_tenor_months="many")
    async with signed_in(console, "lender", lender) as client:
        page = await client.get("/bank/mandates")
        refused = await client.post(
            "/bank/mandates", data=mandate_form(incoherent) | {"csrf_token": csrf_of(page.text)}
        )
    assert refused.status_code == 422
    assert 'id="max_tenor_months-error"' in refused.text
    listed = await matching.client.get("/v1/mandates", headers=mint("lender", lender))
    assert listed.json()["items"] == []


async def test_the_scorecard_and_allocation_plan_render_for_a_lender(
    console: FastAPI, registry, scoring, matching, audit, mint
) -> None:
    lender, _, _ = await _deal(registry, matching, mint)
    async with signed_in(console, "lender", lender) as client:
        scorecard = await client.get("/bank/scorecard")
        plan = await client.get("/bank/allocation?lang=en")
    assert scorecard.status_code == 200 and "匹配项目数" in scorecard.text
    assert plan.status_code == 200 and "Open deals" in plan.text


async def test_a_lender_closes_a_mandate_from_its_editor_with_a_reason(
    console: FastAPI, matching, mint
) -> None:
    lender, headers, mandate_id = await open_mandate(matching, mint)
    async with signed_in(console, "lender", lender) as client:
        page = await client.get(f"/bank/mandates/{mandate_id}?lang=en")
        close = f"/bank/mandates/{mandate_id}/close"
        forged, refused, closed = await reason_form_posts(
            client, page.text, close, "额度已用于其他项目"
        )
        after = await client.get(f"/bank/mandates/{mandate_id}?lang=en")
    assert "Close the mandate" in page.text
    assert forged.status_code == 403
    assert refused.status_code == 422 and 'id="close-reason-error"' in refused.text
    assert closed.status_code == 303
    assert closed.headers["location"] == f"/bank/mandates/{mandate_id}"
    assert f"/bank/mandates/{mandate_id}/close" not in after.text
    stored = await matching.client.get(f"/v1/mandates/{mandate_id}", headers=headers)
    assert stored.json()["closed"] is True


async def test_a_mandates_editor_leaves_blank_the_terms_it_does_not_set(
    console: FastAPI, matching, mint
) -> None:
    lender, _, mandate_id = await open_mandate(matching, mint)  # no abatement-cost ceiling
    async with signed_in(console, "lender", lender) as client:
        page = await client.get(f"/bank/mandates/{mandate_id}")
    assert 'name="max_abatement_cost_cny_per_tco2e" value=""' in page.text
    assert 'value="None"' not in page.text
