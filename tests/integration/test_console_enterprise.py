"""An enterprise's pages over the real services: register, preview, see it scored, upload."""

from __future__ import annotations

import asyncio
import uuid
from decimal import Decimal

import httpx
import orjson
import pytest
from fastapi import FastAPI

from servicekit.kafka_access import KafkaAccess
from tests.security.matching_matrix import lending
from tests.security.matrix import SeedContext
from tests.support.console import (
    csrf_of,
    project_form,
    reason_form_posts,
    signed_in,
    submitted,
)
from tests.support.samples import enterprise_body, forestry_body, project_body

pytestmark = pytest.mark.integration
METHODOLOGY = "re-wind-solar"  # the wind farm sample's methodology
HUNAN_GRID_FACTOR = "0.4976"
NEW_PROJECT = "/enterprise/projects/new"
UPLOADS = "/enterprise/uploads"
NDJSON = "application/x-ndjson"


@pytest.fixture
async def enterprise_id(registry, mint) -> uuid.UUID:
    """A newly registered enterprise, for a test to sign in as."""
    registered = uuid.uuid4()
    answer = await registry.client.post(
        "/v1/enterprises", json=enterprise_body(), headers=mint("enterprise", registered)
    )
    assert answer.status_code == 201
    return registered


async def _upload(
    client: httpx.AsyncClient, name: str, content: bytes, media_type: str
) -> httpx.Response:
    """A file sent through the uploads page as its form sends it."""
    return await submitted(client, UPLOADS, UPLOADS, files={"file": (name, content, media_type)})


async def _project_count(registry, mint, enterprise_id: uuid.UUID) -> int:
    answer = await registry.client.get("/v1/projects", headers=mint("enterprise", enterprise_id))
    return len(answer.json()["items"])


async def test_an_enterprise_registers_itself_through_the_profile_form(
    console: FastAPI, registry, mint
) -> None:
    enterprise_id = uuid.uuid4()
    body = enterprise_body()
    async with signed_in(console, "enterprise", enterprise_id) as client:
        page = await client.get("/enterprise")
        assert 'action="/enterprise/profile"' in page.text
        form = {k: body[k] for k in ("name", "credit_code", "city", "industry")}
        answer = await client.post(
            "/enterprise/profile", data=form | {"csrf_token": csrf_of(page.text)}
        )
        assert answer.status_code == 303
        assert body["credit_code"] in (await client.get("/enterprise")).text


async def test_a_registered_project_is_shown_with_its_score_trace_once_scored(
    console: FastAPI, scoring, enterprise_id: uuid.UUID
) -> None:
    name = f"浏阳风电 {uuid.uuid4().hex[:6]}"
    async with signed_in(console, "enterprise", enterprise_id) as client:
        form = project_form(project_body(name=name))
        answer = await submitted(client, NEW_PROJECT, "/enterprise/projects", form)
        assert answer.status_code == 303
        detail_url = answer.headers["location"]
        for _ in range(100):
            detail = await client.get(detail_url)
            if METHODOLOGY in detail.text:
                break
            await asyncio.sleep(0.2)
    assert detail.status_code == 200
    assert name in detail.text
    assert METHODOLOGY in detail.text  # the methodology of the score's trace
    assert "计算过程" in detail.text


@pytest.mark.parametrize(
    ("refused", "shown"),
    [
        ({"capex_cny": "-5"}, ('id="capex_cny-error"', 'value="-5"')),  # typed text stays
    ],
    ids=["negative-capex"],
)
async def test_the_registrys_refusal_comes_back_beside_its_field_and_registers_nothing(
    console: FastAPI,
    registry,
    mint,
    enterprise_id: uuid.UUID,
    refused: dict[str, str],
    shown: tuple[str, str],
) -> None:
    async with signed_in(console, "enterprise", enterprise_id) as client:
        form = project_form(project_body(**refused))
        answer = await submitted(client, NEW_PROJECT, "/enterprise/projects", form)
    assert answer.status_code == 422
    assert all(text in answer.text for text in shown)
    assert await _project_count(registry, mint, enterprise_id) == 0


async def test_a_forest_registered_with_its_crediting_period_asks_for_a_pledge_loan(
    console: FastAPI, registry, mint, enterprise_id: uuid.UUID
) -> None:
    credits = {"crediting_start": "2025-03-01", "crediting_years": 20, "registration_ref": "CCER-1"}
    body = forestry_body(instruments=["carbon_asset_pledge_loan"], carbon_credits=credits)
    async with signed_in(console, "enterprise", enterprise_id) as client:
        page = await client.get(NEW_PROJECT)
        assert 'name="carbon_credits.crediting_start"' in page.text
        answer = await submitted(client, NEW_PROJECT, "/enterprise/projects", project_form(body))
    assert answer.status_code == 303, answer.text
    listed = await registry.client.get("/v1/projects", headers=mint("enterprise", enterprise_id))
    [project] = listed.json()["items"]
    assert project["project"]["carbon_credits"]["crediting_years"] == 20
    assert project["project"]["instruments"] == ["carbon_asset_pledge_loan"]


async def test_a_crediting_period_without_its_start_is_named_beside_that_field(
    console: FastAPI, registry, mint, enterprise_id: uuid.UUID
) -> None:
    body = forestry_body(carbon_credits={"crediting_years": 20})
    async with signed_in(console, "enterprise", enterprise_id) as client:
        answer = await submitted(client, NEW_PROJECT, "/enterprise/projects", project_form(body))
    assert answer.status_code == 422
    assert 'id="carbon_credits-crediting_start-error"' in answer.text
    assert 'value="20"' in answer.text  # what was typed stays
    assert await _project_count(registry, mint, enterprise_id) == 0


async def test_a_number_field_holding_letters_is_named_before_any_service_is_called(
    console: FastAPI, registry, mint, enterprise_id: uuid.UUID
) -> None:
    async with signed_in(console, "enterprise", enterprise_id) as client:
        letters = {"tenor_months": "ten", "activity.capacity_mw": "fifty"}
        form = project_form(project_body()) | letters
        answer = await submitted(client, NEW_PROJECT, "/enterprise/projects", form)
    assert answer.status_code == 422
    assert 'id="tenor_months-error"' in answer.text
    assert 'id="activity-capacity_mw-error"' in answer.text
    assert await _project_count(registry, mint, enterprise_id) == 0


async def test_the_estimate_preview_shows_methodology_factor_and_tonnes_without_registering(
    console: FastAPI, registry, scoring, mint, enterprise_id: uuid.UUID
) -> None:
    async with signed_in(console, "enterprise", enterprise_id) as client:
        page = await client.get("/enterprise/projects/new")
        token = csrf_of(page.text)
        form = project_form(project_body()) | {"csrf_token": token}
        fragment = await client.post("/enterprise/estimate", data=form, headers={"X-Fragment": "1"})
        whole = await client.post("/enterprise/estimate", data=form)
    assert fragment.status_code == 200
    assert METHODOLOGY in fragment.text and "<html" not in fragment.text
    assert HUNAN_GRID_FACTOR in fragment.text and "tCO2" in fragment.text
    assert whole.status_code == 200 and "<html" in whole.text and METHODOLOGY in whole.text
    assert await _project_count(registry, mint, enterprise_id) == 0


async def test_the_preview_of_a_project_elsewhere_names_its_provinces_factor_year_and_source(
    console: FastAPI, scoring, enterprise_id: uuid.UUID
) -> None:
    river = project_body(
        type="hydro", province="yunnan", activity={"annual_generation_mwh": 196960.0}
    )
    async with signed_in(console, "enterprise", enterprise_id) as client:
        page = await client.get(NEW_PROJECT)
        answer = await submitted(
            client,
            NEW_PROJECT,
            "/enterprise/estimate",
            project_form(river),
            headers={"X-Fragment": "1"},
        )
    assert (
        'name="province"' in page.text and 'name="activity.operating_hours_per_year"' in page.text
    )
    assert answer.status_code == 200, answer.text
    assert "re-hydro" in answer.text and "0.1073" in answer.text
    assert "2022" in answer.text and "MEE provincial table" in answer.text


async def test_an_impossible_claim_is_named_in_the_preview(
    console: FastAPI, scoring, enterprise_id: uuid.UUID
) -> None:
    impossible = project_body(activity={"capacity_mw": 1.0, "annual_generation_mwh": 100000.0})
    async with signed_in(console, "enterprise", enterprise_id) as client:
        form = project_form(impossible)
        answer = await submitted(
            client, NEW_PROJECT, "/enterprise/estimate", form, headers={"X-Fragment": "1"}
        )
    assert answer.status_code == 422
    assert "activity.annual_generation_mwh" in answer.text


async def test_a_bulk_upload_shows_its_progress_and_offers_the_refused_lines_as_csv(
    console: FastAPI, enterprise_id: uuid.UUID
) -> None:
    good = orjson.dumps(project_body(name=f"批量 {uuid.uuid4().hex[:6]}"))
    bad = orjson.dumps(project_body(tenor_months=0))
    async with signed_in(console, "enterprise", enterprise_id) as client:
        answer = await _upload(client, "projects.jsonl", good + b"\n" + bad + b"\n", NDJSON)
        assert answer.status_code == 303
        job_url = answer.headers["location"]
        for _ in range(100):
            progress = await client.get(job_url)
            if "已完成" in progress.text:
                break
            await asyncio.sleep(0.2)
        errors = await client.get(f"{job_url}/errors.csv")
    assert "<progress" in progress.text and "已完成" in progress.text
    assert errors.status_code == 200
    assert errors.headers["content-type"].startswith("text/csv")
    lines = errors.text.strip().splitlines()
    assert lines[0] == "line,reason" and lines[1].startswith("2,")
    assert "tenor_months" in lines[1]


async def test_an_upload_of_another_kind_of_file_is_named_and_sent_nowhere(
    console: FastAPI, enterprise_id: uuid.UUID
) -> None:
    async with signed_in(console, "enterprise", enterprise_id) as client:
        answer = await _upload(client, "projects.xlsx", b"PK\x03\x04", "application/octet-stream")
    assert answer.status_code == 422
    assert 'id="file-error"' in answer.text


async def test_an_enterprise_withdraws_its_project_and_its_list_shows_the_lifecycle(
    console: FastAPI, registry, mint, enterprise_id: uuid.UUID
) -> None:
    headers = mint("enterprise", enterprise_id)
    made = await registry.client.post("/v1/projects", json=project_body(), headers=headers)
    project_id = made.json()["project_id"]
    async with signed_in(console, "enterprise", enterprise_id) as client:
        listed = await client.get("/enterprise")
        page = await client.get(f"/enterprise/projects/{project_id}")
        answer = await client.post(
            f"/enterprise/projects/{project_id}/withdraw",
            data={"reason": "项目取消", "csrf_token": csrf_of(page.text)},
        )
        after = await client.get(f"/enterprise/projects/{project_id}")
    assert "待匹配" in listed.text  # no lender has answered yet
    assert answer.status_code == 303
    assert "已撤回" in after.text and "/withdraw" not in after.text
    stored = await registry.client.get(f"/v1/projects/{project_id}", headers=headers)
    assert stored.json()["status"] == "withdrawn"


async def test_an_enterprise_declines_a_lenders_offer_with_its_reason_and_the_capacity_returns(
    console: FastAPI, registry, matching, mint
) -> None:
    ctx = SeedContext(
        {"registry": registry.client, "matching": matching.client}, mint, KafkaAccess("")
    )
    tenant = await lending(ctx)
    deal_id, project_id = tenant.objects["deal_id"], tenant.objects["project_id"]
    lender = mint("lender", tenant.lender_id)
    mandate = f"/v1/mandates/{tenant.objects['mandate_id']}"
    reserved = (await matching.client.get(mandate, headers=lender)).json()["reserved_cny"]
    async with signed_in(console, "enterprise", tenant.enterprise_id) as client:
        page = await client.get(f"/enterprise/projects/{project_id}?lang=en")
        decline = f"/enterprise/deals/{deal_id}/decline"
        forged, refused, answer = await reason_form_posts(client, page.text, decline, "利率偏高")
        after = await client.get(f"/enterprise/projects/{project_id}")
    assert f'action="/enterprise/deals/{deal_id}/decline"' in page.text
    assert "Decline the offer" in page.text and "3.20%" in page.text
    assert forged.status_code == 403
    assert refused.status_code == 422
    assert f'id="decline-{deal_id}-reason-error"' in refused.text
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/enterprise/projects/{project_id}"
    assert f"/enterprise/deals/{deal_id}/decline" not in after.text
    assert "offer declined" in after.text  # the lender's answer stays, as the enterprise left it
    loan = (await matching.client.get(f"/v1/deals/{deal_id}/loan", headers=lender)).json()
    assert loan["offer_open"] is False
    left = (await matching.client.get(mandate, headers=lender)).json()["reserved_cny"]
    assert Decimal(reserved) > 0 and Decimal(left) == 0
