"""The console over the real services: sign-in, sessions, CSRF, each role's pages."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi import FastAPI

from tests.support.console import browser, csrf_of, signed_in
from tests.support.samples import enterprise_body, project_body

pytestmark = pytest.mark.integration


async def _enterprise_with_project(
    registry, mint
) -> tuple[uuid.UUID, dict[str, Any], dict[str, Any]]:
    enterprise_id = uuid.uuid4()
    headers = mint("enterprise", enterprise_id)
    profile = enterprise_body()
    project = project_body(name=f"湘江风电 {uuid.uuid4().hex[:6]}")
    assert (await registry.client.post("/v1/enterprises", json=profile, headers=headers)).is_success
    assert (await registry.client.post("/v1/projects", json=project, headers=headers)).is_success
    return enterprise_id, profile, project


async def test_an_enterprise_signs_in_and_sees_its_credit_code_and_projects(
    console: FastAPI, registry, mint
) -> None:
    enterprise_id, profile, project = await _enterprise_with_project(registry, mint)
    async with signed_in(console, "enterprise", enterprise_id) as client:
        page = await client.get("/enterprise")
    assert page.status_code == 200
    assert profile["credit_code"] in page.text
    assert project["name"] in page.text
    assert "2.20 亿元" in page.text  # the financing need, in the Chinese reader's unit


async def test_the_front_door_sends_each_role_to_its_home(console: FastAPI) -> None:
    for role, tenant, home in (
        ("enterprise", uuid.uuid4(), "/enterprise"),
        ("lender", uuid.uuid4(), "/bank"),
        ("regulator", None, "/regulator"),
    ):
        async with signed_in(console, role, tenant) as client:
            assert (await client.get("/")).headers["location"] == home
            assert (await client.get(home)).status_code == 200


async def test_a_stranger_is_sent_to_sign_in_and_comes_back_after(console: FastAPI) -> None:
    async with browser(console) as client:
        answer = await client.get("/enterprise")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/signin?next=/enterprise"


async def test_a_role_never_sees_another_roles_pages(console: FastAPI) -> None:
    async with signed_in(console, "enterprise", uuid.uuid4()) as client:
        assert (await client.get("/bank")).status_code == 403
        assert (await client.get("/regulator")).status_code == 403
    async with signed_in(console, "lender", uuid.uuid4()) as client:
        assert (await client.get("/enterprise")).status_code == 403


async def test_the_session_cookie_is_signed_httponly_and_samesite_lax(console: FastAPI) -> None:
    async with browser(console) as client:
        page = await client.get("/signin")
        answer = await client.post(
            "/signin/dev", data={"role": "regulator", "csrf_token": csrf_of(page.text)}
        )
    cookie = answer.headers["set-cookie"].lower()
    assert "greenlink_session=" in cookie
    assert "httponly" in cookie
    assert "samesite=lax" in cookie


@pytest.mark.parametrize("token", [None, "forged-token"])
async def test_a_sign_in_without_the_forms_csrf_token_is_refused_and_signs_nobody_in(
    console: FastAPI, token: str | None
) -> None:
    async with browser(console) as client:
        await client.get("/signin")
        form = {"role": "regulator"} | ({"csrf_token": token} if token else {})
        refused = await client.post("/signin/dev", data=form)
        after = await client.get("/regulator")
    assert refused.status_code == 403
    assert after.status_code == 303  # still nobody: sent to sign in


@pytest.mark.parametrize("token", [None, "forged-token"])
async def test_sign_out_without_the_csrf_token_is_refused_and_the_session_stays(
    console: FastAPI, token: str | None
) -> None:
    async with signed_in(console, "regulator") as client:
        form = {"csrf_token": token} if token else {}
        refused = await client.post("/signout", data=form)
        after = await client.get("/regulator")
    assert refused.status_code == 403
    assert after.status_code == 200


async def test_chinese_by_default_english_on_request_and_remembered(console: FastAPI) -> None:
    async with signed_in(console, "regulator") as client:
        chinese = await client.get("/regulator")
        english = await client.get("/regulator?lang=en")
        remembered = await client.get("/regulator")
    assert 'lang="zh-CN"' in chinese.text and "监管看板" in chinese.text
    assert 'lang="en"' in english.text and "Regulator dashboard" in english.text
    assert "Regulator dashboard" in remembered.text


async def test_the_local_sign_in_names_the_field_it_cannot_use(console: FastAPI) -> None:
    async with browser(console) as client:
        page = await client.get("/signin")
        answer = await client.post(
            "/signin/dev",
            data={"role": "enterprise", "tenant": "not-a-uuid", "csrf_token": csrf_of(page.text)},
        )
    assert answer.status_code == 422
    assert 'id="tenant-error"' in answer.text
