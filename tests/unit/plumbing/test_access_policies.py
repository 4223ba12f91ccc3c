"""The shared access policies admit exactly the roles the BOLA matrix expects, and the services
use them instead of role lists and row-level-security blocks of their own."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
from fastapi import HTTPException

from servicekit import policies
from servicekit.auth import Principal, Role
from servicekit.errors import NotFound
from tests.security import expectations
from tests.security.matrix import Caller

pytestmark = pytest.mark.unit
SERVICES = Path(__file__).resolve().parents[3] / "services"
# The role each caller of the matrix signs in with.
ROLE_OF = {
    Caller.ENTERPRISE_OWN: Role.ENTERPRISE,
    Caller.ENTERPRISE_OTHER: Role.ENTERPRISE,
    Caller.LENDER_OWN: Role.LENDER,
    Caller.LENDER_OTHER: Role.LENDER,
    Caller.REGULATOR: Role.REGULATOR,
    Caller.ADMIN: Role.ADMIN,
}
NAMES = [
    "ENTERPRISE_READ",
    "OWNER_WRITE",
    "LENDER_READ",
    "LENDER_WRITE",
    "DEAL_PARTIES_READ",
    "EACH_LENDER_ITS_OWN",
    "READERS_ONLY",
    "ADMIN_ONLY",
    "EVERYONE",
]
# Services whose API modules take callers, connections and settings as shared dependencies.
CONVERTED = ("registry", "scoring", "audit", "matching")


def _principal(role: Role) -> Principal:
    tenant = uuid.uuid4() if role in (Role.ENTERPRISE, Role.LENDER) else None
    return Principal("someone", role, tenant)


@pytest.mark.parametrize("name", NAMES)
def test_each_policy_admits_the_roles_its_matrix_expectation_lets_in(name: str) -> None:
    policy: policies.Policy = getattr(policies, name)
    expected = getattr(expectations, name)
    for caller, role in ROLE_OF.items():
        if expected[caller] == 403:
            with pytest.raises(HTTPException) as refused:
                policy.check(_principal(role))
            assert refused.value.status_code == 403
        else:
            assert policy.check(_principal(role)).role is role


@pytest.mark.parametrize("name", NAMES)
def test_a_tenant_sees_its_own_object_and_readers_see_every_tenants(name: str) -> None:
    policy: policies.Policy = getattr(policies, name)
    for role in policy.roles:
        caller = _principal(role)
        assert policy.may_see(caller, uuid.uuid4()) is (role in (Role.REGULATOR, Role.ADMIN))
        if caller.tenant is not None:
            assert policy.may_see(caller, caller.tenant)


def test_a_tenant_role_without_a_tenant_is_refused() -> None:
    with pytest.raises(HTTPException) as refused:
        policies.ENTERPRISE_READ.check(Principal("someone", Role.ENTERPRISE, None))
    assert refused.value.status_code == 403


@pytest.mark.parametrize("service", CONVERTED)
def test_api_modules_keep_no_role_lists_rls_blocks_or_app_state_reads(service: str) -> None:
    modules = [*(SERVICES / service).glob("*api*.py"), *(SERVICES / service).glob("api/*.py")]
    assert modules, service
    for module in modules:
        text = module.read_text()
        assert not re.search(r"^\w*READERS\w* = ", text, re.M), module
        assert "acting_as(" not in text and "acting_for(" not in text, module
        assert "require_role(" not in text, module
        assert "request.app.state" not in text, module


def test_another_tenants_object_and_a_missing_one_get_the_same_404() -> None:
    caller = _principal(Role.ENTERPRISE)
    answers = []
    for owner in (uuid.uuid4(), None):
        with pytest.raises(NotFound) as hidden:
            policies.ENTERPRISE_READ.reveal(caller, owner, "project not found", "project_id")
        answers.append((hidden.value.status, hidden.value.message, hidden.value.field))
    assert answers[0] == answers[1] == (404, "project not found", "project_id")
    policies.ENTERPRISE_READ.reveal(caller, caller.tenant, "project not found", "project_id")
