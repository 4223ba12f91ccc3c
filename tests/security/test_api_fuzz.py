"""Schemathesis against each service's OpenAPI with every check, as three kinds of caller.

The owner's token gets 100 positive and 100 negative examples per operation (plus the coverage
phase's boundary cases): no 5xx, every answer as documented, bad input refused, good input
accepted, and auth enforced (`ignored_auth` retries without a token and with a broken one).
Another tenant's token aimed at the owner's objects never gets a success, and a caller without
a token gets 401 for every well-formed request.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, cast

import asyncpg
import pytest
from fastapi import FastAPI
from hypothesis import settings
from pydantic import Field, TypeAdapter, ValidationError
from schemathesis.python import asgi

import audit.app as audit_composition
from deploy.local.infra import InfraInfo
from schemas.vocabulary import Province
from servicekit.kafka_access import KafkaAccess
from servicekit.migrations import migrate
from servicekit.runtime import ServiceSpec, prepare
from tests.security.apps import offline_app
from tests.security.fuzzing import AnyCase, FuzzTarget, FuzzTest, fuzz_schema
from tests.security.matching_matrix import lending
from tests.security.matrix import Mint, SeedContext, Tenant
from tests.security.scoring_matrix import scored
from tests.support.environment import environment
from tests.support.samples import enterprise_body, project_body
from tests.support.services import RunningService

pytestmark = [pytest.mark.security, pytest.mark.integration]

EXAMPLES = int(os.environ.get("GREENLINK_FUZZ_EXAMPLES", "100"))
CALLER_EXAMPLES = max(EXAMPLES // 2, 1)
# Check characters, fields bounded by other fields, UTF-8 uploads and physical limits: beyond
# what JSON Schema says.
REGISTRY_RULES = (
    "POST /v1/enterprises",
    "POST /v1/projects",
    "PUT /v1/projects/{project_id}",
    "POST /v1/intake-jobs",
)
# A range whose end must not precede its start.
AUDIT_RULES = ("GET /v1/ledger/verify", "GET /v1/flows")
# A project's cross-field checks, plus claims a methodology finds impossible or incomplete.
SCORING_RULES = ("POST /v1/estimate",)
# A mandate's cross-field checks (focus cities among cities, ticket within capacity, limits
# between ticket and capacity); an offer or disbursement checked against the mandate's terms.
# A loan's steps depend on where it stands: no repayment before a draw, no second close.
MATCHING_RULES = (
    "POST /v1/mandates",
    "PUT /v1/mandates/{mandate_id}",
    "POST /v1/deals/{deal_id}/responses",
    "POST /v1/deals/{deal_id}/repayments",
    "POST /v1/deals/{deal_id}/offer/withdrawal",
    "POST /v1/deals/{deal_id}/offer/decline",
)
STREAM = "GET /v1/lenders/{lender_id}/deals/stream"
STREAM_IDLE_S = 0.02  # a number, as generated: the checks re-validate the query
_WAIT = TypeAdapter(Annotated[float, Field(gt=0, le=3600)])


def _schemas(service: str, rules: tuple[str, ...]) -> dict[str, Callable[[FuzzTest], FuzzTest]]:
    def build(modes: str, examples: int) -> Callable[[FuzzTest], FuzzTest]:
        return fuzz_schema(service, max_examples=examples, modes=modes, rules_beyond_schema=rules)

    return {
        "positive": build("positive", EXAMPLES),
        "negative": build("negative", EXAMPLES),
        "caller": build("positive", CALLER_EXAMPLES),
    }


REGISTRY = _schemas("registry", REGISTRY_RULES)
AUDIT = _schemas("audit", AUDIT_RULES)
SCORING = _schemas("scoring", SCORING_RULES)
MATCHING = _schemas("matching", MATCHING_RULES)


@pytest.fixture(scope="module")
async def registry_spec(infra: InfraInfo, jwks_path: Any) -> ServiceSpec:
    from registry.app import spec

    # Each generated upload becomes a job of the one owner; the per-enterprise limit on
    # unfinished jobs (tests/integration/test_intake_limits.py) would turn most into 429s.
    with environment({"INTAKE_MAX_RUNNING_JOBS": "1000000"}):
        service = spec()
    await prepare(service)
    return service


@pytest.fixture(scope="module")
async def audit_app(infra: InfraInfo, jwks_path: Any) -> AsyncIterator[FastAPI]:
    """The audit API over a schema of its own: the shared ledger is far too long to re-verify
    a few hundred times, and an empty one gives the same answers on every run."""
    from audit.config import AuditSettings

    config = AuditSettings(db_schema=f"audit_fuzz_{uuid.uuid4().hex[:8]}")
    await migrate(
        config.migrator_url,
        config.db_schema,
        Path(audit_composition.__file__).parent,
        app_role=config.app_role,
        append_only=audit_composition.APPEND_ONLY_TABLES,
    )
    yield audit_composition.build_app(config)
    con = await asyncpg.connect(infra.database_url)
    try:
        await con.execute(f'DROP SCHEMA "{config.db_schema}" CASCADE')
    finally:
        await con.close()


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
    with asgi.get_client(cast(Any, app)) as client:
        own_headers, own_ids = _enrolled(client, mint)
        other_headers, _ = _enrolled(client, mint)
    yield {
        "owner": FuzzTarget(app, own_headers, own_ids),
        "stranger": FuzzTarget(app, other_headers, own_ids),
        "anonymous": FuzzTarget(app, {}, own_ids),
    }
    asgi.shutdown_lifespans()


@pytest.fixture(scope="module")
def audit_targets(audit_app: FastAPI, mint: Mint) -> Iterator[dict[str, FuzzTarget]]:
    """The audit app read by a regulator, by some lender, and by nobody (no real ids: the
    matrix covers who reads which lender's and project's rows)."""
    ids = {"project_id": uuid.uuid4(), "lender_id": uuid.uuid4()}
    yield {
        "owner": FuzzTarget(audit_app, mint("regulator"), ids),
        "stranger": FuzzTarget(audit_app, mint("lender", uuid.uuid4()), ids),
        "anonymous": FuzzTarget(audit_app, {}, ids),
    }
    asgi.shutdown_lifespans()


@dataclass(frozen=True)
class Callers:
    """Who calls each operation of a service: the role that owns it (`roles`, else
    `default_role`) as tenant A, that role (or the default one) as tenant B, and nobody."""

    app: FastAPI
    ids: Mapping[str, uuid.UUID]
    default_role: str
    roles: Mapping[str, str]
    tokens: Mapping[tuple[str, str], dict[str, str]]

    @classmethod
    def of(
        cls,
        app: FastAPI,
        world: tuple[Tenant, Tenant],
        mint: Mint,
        default_role: str,
        roles: Mapping[str, str],
    ) -> Callers:
        """Tokens minted once: signing one per generated case would dominate the run."""
        own, other = world
        tokens = {}
        for role in {default_role, *roles.values()}:
            for side, tenant in (("own", own), ("other", other)):
                tenant_id = {"enterprise": tenant.enterprise_id, "lender": tenant.lender_id}
                tokens[role, side] = mint(role, tenant_id.get(role))
        return cls(app, own.objects, default_role, roles, tokens)

    def targets(self, case: AnyCase) -> dict[str, FuzzTarget]:
        role = self.roles.get(case.operation.label, self.default_role)
        stranger = role if role in ("enterprise", "lender") else self.default_role
        return {
            "owner": FuzzTarget(self.app, self.tokens[role, "own"], self.ids),
            "stranger": FuzzTarget(self.app, self.tokens[stranger, "other"], self.ids),
            "anonymous": FuzzTarget(self.app, {}, self.ids),
        }


def bound_stream(case: AnyCase) -> AnyCase:
    """A live feed never ends by itself: an absent `idle_timeout_s`, or one the endpoint would
    accept, becomes a short one, so each stream closes once the feed has nothing new. Values
    the endpoint refuses stay as generated, and so do negative cases."""
    if case.operation.label != STREAM:
        return case
    query = case.query if isinstance(case.query, dict) else {}
    if "idle_timeout_s" not in query:
        query["idle_timeout_s"] = STREAM_IDLE_S
    elif isinstance(query["idle_timeout_s"], list):
        query["idle_timeout_s"] = [_shortened(v) for v in query["idle_timeout_s"]]
    else:
        query["idle_timeout_s"] = _shortened(query["idle_timeout_s"])
    case.query = query
    return case


def _shortened(value: object) -> object:
    """`STREAM_IDLE_S` in place of a wait the endpoint would accept as sent on the wire (a
    null, which the schema allows, may reach it as no value at all)."""
    if value is None:
        return STREAM_IDLE_S
    if isinstance(value, bool | dict | list):
        return value
    try:
        _WAIT.validate_python(str(value))
    except ValidationError:
        return value
    return STREAM_IDLE_S


def as_owner(case: AnyCase, targets: dict[str, FuzzTarget]) -> None:
    targets["owner"].aim(case, always=False)
    targets["owner"].call(case)


def as_stranger(case: AnyCase, targets: dict[str, FuzzTarget]) -> None:
    aimed = targets["stranger"].aim(case, always=True)
    response = targets["stranger"].call(case)
    assert not (aimed and response.status_code < 300), response.text


def as_anonymous(case: AnyCase, targets: dict[str, FuzzTarget]) -> None:
    response = targets["anonymous"].call(case)
    if case.path.startswith("/v1/"):
        assert response.status_code == 401, response.text


@REGISTRY["positive"]
@settings(deadline=None)
def test_registry_accepts_good_requests_of_its_tenant_as_documented(
    case: AnyCase, registry_targets: dict[str, FuzzTarget]
) -> None:
    as_owner(case, registry_targets)


@REGISTRY["negative"]
@settings(deadline=None)
def test_registry_refuses_bad_requests_of_its_tenant_with_a_4xx(
    case: AnyCase, registry_targets: dict[str, FuzzTarget]
) -> None:
    as_owner(case, registry_targets)


@REGISTRY["caller"]
@settings(deadline=None)
def test_registry_never_serves_another_tenants_objects(
    case: AnyCase, registry_targets: dict[str, FuzzTarget]
) -> None:
    as_stranger(case, registry_targets)


@REGISTRY["caller"]
@settings(deadline=None)
def test_registry_answers_401_without_a_token(
    case: AnyCase, registry_targets: dict[str, FuzzTarget]
) -> None:
    as_anonymous(case, registry_targets)


@AUDIT["positive"]
@settings(deadline=None)
def test_audit_accepts_good_requests_of_a_regulator_as_documented(
    case: AnyCase, audit_targets: dict[str, FuzzTarget]
) -> None:
    as_owner(case, audit_targets)


@AUDIT["negative"]
@settings(deadline=None)
def test_audit_refuses_bad_requests_of_a_regulator_with_a_4xx(
    case: AnyCase, audit_targets: dict[str, FuzzTarget]
) -> None:
    as_owner(case, audit_targets)


@AUDIT["caller"]
@settings(deadline=None)
def test_audit_never_serves_another_lenders_objects(
    case: AnyCase, audit_targets: dict[str, FuzzTarget]
) -> None:
    as_stranger(case, audit_targets)


@AUDIT["caller"]
@settings(deadline=None)
def test_audit_answers_401_without_a_token(
    case: AnyCase, audit_targets: dict[str, FuzzTarget]
) -> None:
    as_anonymous(case, audit_targets)


@pytest.fixture(scope="module")
async def scoring_callers(
    isolated_scoring: RunningService, registry: RunningService, mint: Mint
) -> AsyncIterator[Callers]:
    """Scoring on its own schema: two enterprises with scored projects; readers rank and
    admins operate."""
    world = await asyncio.gather(
        scored(registry.client, isolated_scoring.client, mint),
        scored(registry.client, isolated_scoring.client, mint),
    )
    roles = {
        "GET /v1/rankings": "regulator",
        "GET /v1/rankings/rejected": "regulator",
        "GET /v1/consumer-lag": "regulator",
        "POST /v1/factor-sets/{factor_set_id}/activate": "admin",
        "POST /v1/models/train": "admin",
    }
    app = isolated_scoring.spec.app_factory()
    yield Callers.of(app, (world[0], world[1]), mint, "enterprise", roles)
    asgi.shutdown_lifespans()


@pytest.fixture(scope="module")
async def matching_callers(
    isolated_matching: RunningService,
    registry: RunningService,
    scoring: RunningService,
    mint: Mint,
) -> AsyncIterator[Callers]:
    """Matching on its own schema: two lenders, each with a mandate, a deal it showed interest
    in and made an offer on, and the enterprise behind that deal's project."""
    ctx = SeedContext(
        {"registry": registry.client, "matching": isolated_matching.client}, mint, KafkaAccess("")
    )
    world = await asyncio.gather(lending(ctx), lending(ctx))
    roles = {
        "GET /v1/projects/{project_id}/lenders": "enterprise",
        "POST /v1/deals/{deal_id}/offer/decline": "enterprise",
        "GET /v1/consumer-lag": "regulator",
        "GET /v1/subsidy-programmes": "regulator",
        "GET /v1/ranker/evaluation": "regulator",
        "POST /v1/ranker/retrain": "admin",
    }
    app = isolated_matching.spec.app_factory()
    yield Callers.of(app, (world[0], world[1]), mint, "lender", roles)
    asgi.shutdown_lifespans()


@SCORING["positive"]
@settings(deadline=None)
def test_scoring_accepts_good_requests_of_each_operations_owner_as_documented(
    case: AnyCase, scoring_callers: Callers
) -> None:
    as_owner(case, scoring_callers.targets(case))


@SCORING["negative"]
@settings(deadline=None)
def test_scoring_refuses_bad_requests_of_each_operations_owner_with_a_4xx(
    case: AnyCase, scoring_callers: Callers
) -> None:
    as_owner(case, scoring_callers.targets(case))


@SCORING["caller"]
@settings(deadline=None)
def test_scoring_never_serves_another_enterprises_scores(
    case: AnyCase, scoring_callers: Callers
) -> None:
    as_stranger(case, scoring_callers.targets(case))


@SCORING["caller"]
@settings(deadline=None)
def test_scoring_answers_401_without_a_token(case: AnyCase, scoring_callers: Callers) -> None:
    as_anonymous(case, scoring_callers.targets(case))


@MATCHING["positive"]
@settings(deadline=None)
def test_matching_accepts_good_requests_of_each_operations_owner_as_documented(
    case: AnyCase, matching_callers: Callers
) -> None:
    as_owner(bound_stream(case), matching_callers.targets(case))


@MATCHING["negative"]
@settings(deadline=None)
def test_matching_refuses_bad_requests_of_each_operations_owner_with_a_4xx(
    case: AnyCase, matching_callers: Callers
) -> None:
    as_owner(bound_stream(case), matching_callers.targets(case))


@MATCHING["caller"]
@settings(deadline=None)
def test_matching_never_serves_another_lenders_objects(
    case: AnyCase, matching_callers: Callers
) -> None:
    as_stranger(bound_stream(case), matching_callers.targets(case))


@MATCHING["caller"]
@settings(deadline=None)
def test_matching_answers_401_without_a_token(case: AnyCase, matching_callers: Callers) -> None:
    as_anonymous(bound_stream(case), matching_callers.targets(case))


@pytest.mark.parametrize("service", ["registry", "scoring"])
def test_fuzzed_project_bodies_range_over_every_province_and_operating_hours(service: str) -> None:
    """The generated bodies above come from these schemas: every province (own or regional factor)
    and operating hours up to and beyond the year's 8,760 are sent to both doors."""
    components = offline_app(service).openapi()["components"]["schemas"]
    province = components["ProjectSpec"]["properties"]["province"]
    assert components[province["$ref"].rsplit("/", 1)[1]]["enum"] == [p.value for p in Province]
    hours = components["ActivityData"]["properties"]["operating_hours_per_year"]
    assert any(o.get("maximum", 0) > 8_760 for o in hours["anyOf"] if o["type"] == "number")
