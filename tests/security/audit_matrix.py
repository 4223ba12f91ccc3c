"""Audit rows of the BOLA matrix: regulators read everything, owners their own slice."""

from __future__ import annotations

from typing import Any

from schemas.envelope import EventData
from servicekit.kafka import make_producer
from tests.security.expectations import CONSUMER_LAG, ENTERPRISE_READ, LENDER_READ, READERS_ONLY
from tests.security.matrix import (
    Caller,
    Endpoint,
    SeedContext,
    ServiceMatrix,
    Tenant,
    World,
    only,
)
from tests.security.registry_matrix import enrolled
from tests.support.kafka import eventually
from tests.unit.audit.samples import lender, produce

LEDGER_READS = ("/v1/ledger", "/v1/ledger/checkpoints", "/v1/ledger/checkpoints/latest")
ROWS = (
    *(Endpoint("GET", path, READERS_ONLY) for path in LEDGER_READS),
    Endpoint("GET", "/v1/ledger/verify", READERS_ONLY, query={"to_seq": "1"}),
    Endpoint("GET", "/v1/ledger/signing-key", READERS_ONLY),
    Endpoint(
        "POST",
        "/v1/ledger/checkpoints",
        only(admin=201),
    ),
    Endpoint(
        "GET",
        "/v1/projects/{project_id}/lineage",
        ENTERPRISE_READ,
    ),
    Endpoint("GET", "/v1/flows", READERS_ONLY),
    Endpoint(
        "GET",
        "/v1/disclosures/cerf",
        only(lender_own=200, regulator=200, admin=200),
        owner=Caller.LENDER_OWN,
        query={"quarter": "2026Q1", "lender_id": "{lender_id}"},
    ),
    Endpoint("GET", "/v1/lenders/{lender_id}/scorecard", LENDER_READ, owner=Caller.LENDER_OWN),
    Endpoint("GET", "/v1/evaluations", READERS_ONLY, query={"quarter": "2026Q1"}),
    Endpoint(
        "GET",
        "/v1/lenders/{lender_id}/evaluation",
        LENDER_READ,
        owner=Caller.LENDER_OWN,
        query={"quarter": "2026Q1"},
    ),
    CONSUMER_LAG,
)


def _lender_named(tenant: Tenant) -> EventData:
    return lender(tenant.lender_id).model_copy(update={"name": f"Bank {tenant.marker}"})


def _with_lender(tenant: Tenant) -> Tenant:
    return Tenant(
        tenant.enterprise_id,
        tenant.lender_id,
        tenant.marker,
        {"project_id": tenant.objects["project_id"], "lender_id": tenant.lender_id},
    )


async def seed(ctx: SeedContext) -> World:
    """Registry projects and lender events, once the audit ledger holds all of them."""
    registry, audit = ctx.clients["registry"], ctx.clients["audit"]
    own = _with_lender(await enrolled(registry, ctx.mint))
    other = _with_lender(await enrolled(registry, ctx.mint))
    producer: Any = make_producer(ctx.kafka, "security-matrix")
    await producer.start()
    try:
        await produce(producer, [_lender_named(own), _lender_named(other)])
    finally:
        await producer.stop()
    readers = ctx.mint("regulator")

    async def ingested() -> bool:
        for tenant in (own, other):
            paths = (
                f"/v1/projects/{tenant.objects['project_id']}/lineage",
                f"/v1/lenders/{tenant.lender_id}/scorecard",
            )
            for path in paths:
                if (await audit.get(path, headers=readers)).status_code != 200:
                    return False
        return True

    await eventually(ingested, timeout_s=60)
    signed = await audit.post("/v1/ledger/checkpoints", headers=ctx.mint("admin"))
    assert signed.status_code == 201, signed.text  # so the latest checkpoint exists
    return World(own, other)


MATRIX = ServiceMatrix("audit", ROWS, seed)
