"""Schemathesis against each service's OpenAPI with every check, as three kinds of caller.

The tenant's own token gets positive and negative data (at least 100 examples per operation in
each mode): no 5xx, every answer as documented, bad input refused, good input accepted, and
auth enforced (the `ignored_auth` check retries without and with a broken token). Another
tenant's token aimed at the first tenant's objects never gets a success, and a caller with no
token gets 401 for every well-formed request.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import settings
from schemathesis import Case
from schemathesis.python import asgi
from servicekit.runtime import ServiceSpec, prepare

from deploy.local.infra import InfraInfo
from tests.security.fuzzing import FuzzTarget, fuzz_schema
from tests.security.matrix import Mint
from tests.support.samples import enterprise_body, project_body

pytestmark = [pytest.mark.security, pytest.mark.integration]

EXAMPLES = int(os.environ.get("GREENLINK_FUZZ_EXAMPLES", "100"))
REGISTRY_RULES = ("POST /v1/enterprises", "POST /v1/projects", "PUT /v1/projects/{project_id}")
REGISTRY_OWN = fuzz_schema("registry", max_examples=EXAMPLES, rules_beyond_schema=REGISTRY_RULES)
REGISTRY_STRANGER = fuzz_schema(
    "registry", max_examples=EXAMPLES // 4, modes="positive", rules_beyond_schema=REGISTRY_RULES
)
REGISTRY_ANONYMOUS = fuzz_schema("registry", max_examples=EXAMPLES // 4, modes="positive")


@pytest.fixture(scope="module")
async def registry_spec(infra: InfraInfo, jwks_path: Any) -> ServiceSpec:
    from registry.app import spec

    service = spec()
    await prepare(service)
    return service


def _enrolled(client: Any, mint: Mint) -> tuple[dict[str, str], dict[str, uuid.UUID]]:
    enterprise_id = uuid.uuid4()
    headers = mint("enterprise", enterprise_id)
    assert client.post("/v1/enterprises", json=enterprise_body(), headers=headers).ok
    project = client.post("/v1/projects", json=project_body(), headers=headers)
    job = client.post(
        "/v1/intake-jobs", data=b"{}", headers=headers | {"content-type": "application/x-ndjson"}
    )
    assert project.ok and job.ok, (project.text, job.text)
    ids = {
        "enterprise_id": enterprise_id,
        "project_id": uuid.UUID(project.json()["project_id"]),
        "job_id": uuid.UUID(job.json()["job_id"]),
    }
    return headers, ids


@pytest.fixture(scope="module")
def registry_targets(registry_spec: ServiceSpec, mint: Mint) -> Iterator[dict[str, FuzzTarget]]:
    """The registry app under Schemathesis's lifespan, with two enrolled tenants."""
    app = registry_spec.app_factory()
    with asgi.get_client(app) as client:
        own_headers, own_ids = _enrolled(client, mint)
        other_headers, _ = _enrolled(client, mint)
    yield {
        "own": FuzzTarget(app, own_headers, own_ids),
        "stranger": FuzzTarget(app, other_headers, own_ids),
        "anonymous": FuzzTarget(app, {}, own_ids),
    }
    asgi.shutdown_lifespans()


@REGISTRY_OWN.parametrize()
@settings(deadline=None)
def test_registry_keeps_its_contract_for_the_tenant_itself(
    case: Case, registry_targets: dict[str, FuzzTarget]
) -> None:
    target = registry_targets["own"]
    target.aim(case, always=False)
    target.call(case)


@REGISTRY_STRANGER.parametrize()
@settings(deadline=None)
def test_registry_never_serves_another_tenants_objects(
    case: Case, registry_targets: dict[str, FuzzTarget]
) -> None:
    target = registry_targets["stranger"]
    aimed = target.aim(case, always=True)
    response = target.call(case)
    assert not (aimed and response.status_code < 300), response.text


@REGISTRY_ANONYMOUS.parametrize()
@settings(deadline=None)
def test_registry_answers_401_without_a_token(
    case: Case, registry_targets: dict[str, FuzzTarget]
) -> None:
    response = registry_targets["anonymous"].call(case)
    if case.path.startswith("/v1/"):
        assert response.status_code == 401, response.text
