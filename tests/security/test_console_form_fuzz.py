"""Every console form, posted with hostile values in any of its fields, answers below 500;
a refusal is a page that marks the field (or names it in an alert), never a stack trace.
Every console page, asked for with hostile values in its query parameters (filters, cursors,
the language, where to go after signing in, and names it does not know), answers below 500
too."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.security import console_matrix
from tests.security.apps import offline_app
from tests.security.console_matrix import with_upload
from tests.security.matching_matrix import lending
from tests.security.matrix import Caller, SeedContext, Tenant, World, fill
from tests.support.console import browser, csrf_of, mandate_form, project_form
from tests.support.samples import enterprise_body, mandate_body, project_body

pytestmark = [pytest.mark.security, pytest.mark.integration]
EXAMPLES = max(int(os.environ.get("GREENLINK_FUZZ_EXAMPLES", "100")) // 4, 5)
# Each example signs in and calls the console over ASGI: slow, and the app fixture is shared.
FUZZING = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
HOSTILE = st.one_of(
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "NaN",
            "Infinity",
            "-Infinity",
            "-1",
            "0",
            "1e400",
            "１２３",
            "2026-02-30",
            "99999999999999999999999999.999",
            "x" * 5000,
            "<script>alert(1)</script>",
            "{{ 7*7 }}",
            "' OR 1=1 --",
            "changsha",
            "green_loan",
        ]
    ),
    st.text(max_size=60),
)
REFUSAL_MARKS = ('aria-invalid="true"', 'role="alert"', 'class="field-error"')


@pytest.fixture(scope="module")
async def tenant(seed_context: SeedContext) -> Tenant:
    """An enterprise with a project and an upload, and a lender with an offered deal on it."""
    return await with_upload(seed_context, await lending(seed_context))


def _forms(tenant: Tenant) -> dict[str, tuple[str, str, Callable[[], dict[str, Any]]]]:
    """Form action → (role, tenant id, a valid form to spoil)."""
    deal, mandate = tenant.objects["deal_id"], tenant.objects["mandate_id"]
    enterprise, lender = str(tenant.enterprise_id), str(tenant.lender_id)
    return {
        "/enterprise/projects": ("enterprise", enterprise, lambda: project_form(project_body())),
        "/enterprise/estimate": ("enterprise", enterprise, lambda: project_form(project_body())),
        "/enterprise/profile": ("enterprise", enterprise, enterprise_body),
        f"/enterprise/deals/{deal}/decline": (
            "enterprise",
            enterprise,
            lambda: {"reason": "the rate is too high"},
        ),
        "/bank/mandates": ("lender", lender, lambda: mandate_form(mandate_body())),
        f"/bank/mandates/{mandate}/close": ("lender", lender, lambda: {"reason": "full"}),
        f"/bank/deals/{deal}/answer": (
            "lender",
            lender,
            lambda: {"kind": "disbursed", "amount_cny": "100.00", "disbursed_on": "2026-03-02"},
        ),
        f"/bank/deals/{deal}/repayments": (
            "lender",
            lender,
            lambda: {"amount_cny": "1.00", "repaid_on": "2026-06-02"},
        ),
        "/signin/dev": ("enterprise", enterprise, lambda: {"role": "lender", "tenant": lender}),
    }


@FUZZING
@given(data=st.data())
async def test_a_form_with_hostile_fields_is_refused_by_name_and_never_fails_the_server(
    matrix_console: FastAPI, tenant: Tenant, data: st.DataObject
) -> None:
    forms = _forms(tenant)
    action = data.draw(st.sampled_from(sorted(forms)), label="form")
    role, tenant_id, valid = forms[action]
    form = valid()
    spoiled = data.draw(
        st.lists(st.sampled_from(sorted(form)), min_size=1, max_size=3, unique=True),
        label="fields",
    )
    for name in spoiled:
        form[name] = data.draw(HOSTILE, label=name)
    async with browser(matrix_console) as client:
        token = csrf_of((await client.get("/signin")).text)
        signed = {"role": role, "tenant": tenant_id, "csrf_token": token}
        assert (await client.post("/signin/dev", data=signed)).status_code == 303
        token = csrf_of((await client.get("/signin")).text)
        response = await client.post(action, data=form | {"csrf_token": token})

    assert response.status_code < 500, response.text[:2000]
    if response.status_code == 422:
        assert any(mark in response.text for mark in REFUSAL_MARKS), response.text[:2000]


def _query_names() -> dict[str, list[str]]:
    """Each console page (GET route) and the query parameters it declares, plus those every
    page reads (`lang`), the sign-in page's `next`, and one it has never heard of."""
    routes = {
        str(context.path): [p.alias for p in context.original_route.dependant.query_params]
        for context in iter_route_contexts(offline_app("console").routes)
        if isinstance(context.original_route, APIRoute) and "GET" in (context.methods or ())
    }
    pages = [row for row in console_matrix.ROWS if row.method == "GET"]
    return {
        row.path: sorted({*routes[row.path], *row.query, "lang", "next", "utm_x"}) for row in pages
    }


QUERY_NAMES = _query_names()
SIGNED_IN_AS = {
    Caller.ENTERPRISE_OWN: "enterprise",
    Caller.LENDER_OWN: "lender",
    Caller.REGULATOR: "regulator",
}
STREAM_IDLE_S = "0.2"


def _bounded(name: str, value: str) -> str:
    """A live stream stays open while its feed is idle: an idle timeout it would accept (even
    written in full-width digits) becomes a short one, so every example ends."""
    if name != "idle_timeout_s":
        return value
    try:
        seconds = float(value)
    except ValueError:
        return value
    return STREAM_IDLE_S if 0 < seconds <= 3600 else value


@FUZZING
@given(data=st.data())
async def test_a_page_asked_with_hostile_query_parameters_never_fails_the_server(
    matrix_console: FastAPI, tenant: Tenant, data: st.DataObject
) -> None:
    path = data.draw(st.sampled_from(sorted(QUERY_NAMES)), label="page")
    row = next(r for r in console_matrix.ROWS if r.method == "GET" and r.path == path)
    world = World(tenant, tenant)
    params = {k: fill(v, world) for k, v in row.query.items()}
    spoiled = data.draw(
        st.lists(st.sampled_from(QUERY_NAMES[path]), min_size=1, max_size=3, unique=True),
        label="parameters",
    )
    for name in spoiled:
        params[name] = data.draw(HOSTILE, label=name)
    if "idle_timeout_s" in QUERY_NAMES[path]:
        params["idle_timeout_s"] = _bounded("idle_timeout_s", params.get("idle_timeout_s", "0.2"))
    role = SIGNED_IN_AS.get(row.owner, "enterprise")
    tenant_id = {"enterprise": tenant.enterprise_id, "lender": tenant.lender_id}.get(role)
    async with browser(matrix_console) as client:
        token = csrf_of((await client.get("/signin")).text)
        signed = {"role": role, "tenant": str(tenant_id or ""), "csrf_token": token}
        assert (await client.post("/signin/dev", data=signed)).status_code == 303
        response = await client.get(fill(path, world), params=params)

    assert response.status_code < 500, (path, params, response.text[:2000])
