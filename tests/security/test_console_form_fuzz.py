"""Every console form, posted with hostile values in any of its fields, answers below 500;
a refusal is a page that marks the field (or names it in an alert), never a stack trace."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.security.matching_matrix import lending
from tests.security.matrix import SeedContext, Tenant
from tests.support.console import browser, csrf_of, mandate_form, project_form
from tests.support.samples import enterprise_body, mandate_body, project_body

pytestmark = [pytest.mark.security, pytest.mark.integration]
EXAMPLES = max(int(os.environ.get("GREENLINK_FUZZ_EXAMPLES", "100")) // 4, 5)
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
    """An enterprise with a project and a lender with an offered deal on it."""
    return await lending(seed_context)


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


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
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
