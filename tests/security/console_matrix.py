"""The console's pages and form actions in the BOLA matrix: what each signed-in caller gets.

A console caller is a browser session from the development sign-in, not a bearer header, so
the console has its own rows; they use the same callers, worlds (tenant A's objects named with
its marker) and rules as the services' matrices. Pages answer 303 to sign in for a caller
without a session, 403 for a role the page is not for, and the service's 404 for another
tenant's object. A refused form changes nothing the owner can read through the API.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tests.security.matching_matrix import lending
from tests.security.matrix import Caller, SeedContext, Tenant, World, fill, only
from tests.support.console import mandate_form
from tests.support.samples import mandate_body

SIGN_IN = 303
FormBody = Callable[[World], dict[str, Any]]


def _page(**statuses: int) -> dict[Caller, int]:
    """Callers left out have no business on the page (403); no session is sent to sign in."""
    return only(SIGN_IN, **statuses)


ENTERPRISE_OBJECT = _page(enterprise_own=200, enterprise_other=404)
ENTERPRISE_PAGE = _page(enterprise_own=200, enterprise_other=200)
LENDER_OBJECT = _page(lender_own=200, lender_other=404)
LENDER_PAGE = _page(lender_own=200, lender_other=200)
EVERYONE = dict.fromkeys(Caller, 200)
READER_PAGE = _page(regulator=200, admin=200)
READERS_SEE = frozenset({Caller.REGULATOR, Caller.ADMIN})


@dataclass(frozen=True)
class ConsoleRow:
    """A console route, what each caller gets, and the API state a refusal must leave alone.

    `state` lists (service, API path) the owner re-reads with its token before and after a
    refused form; `sees` are the callers allowed to see tenant A's marker in the answer.
    """

    method: str
    path: str
    expect: Mapping[Caller, int]
    owner: Caller = Caller.ENTERPRISE_OWN
    form: FormBody | None = None
    query: Mapping[str, str] = field(default_factory=dict)
    state: tuple[tuple[str, str], ...] = ()
    sees: frozenset[Caller] = frozenset()
    fresh: bool = False

    @property
    def key(self) -> tuple[str, str]:
        return (self.method, self.path)

    def entitled(self) -> frozenset[Caller]:
        return self.sees | {self.owner}

    def url(self, world: World) -> str:
        return fill(self.path, world)


def _tranche(world: World) -> dict[str, Any]:
    """A small tranche drawn on the seeded offer (the deal already has interest and an offer)."""
    return {"kind": "disbursed", "amount_cny": "1000.00", "disbursed_on": "2026-03-02"}


def _mandate(world: World) -> dict[str, Any]:
    return mandate_form(mandate_body(name="console matrix mandate"))


DEAL_STATE = (("matching", "/v1/deals/{deal_id}"), ("matching", "/v1/deals/{deal_id}/loan"))
ROWS: tuple[ConsoleRow, ...] = (
    ConsoleRow("GET", "/", dict.fromkeys(Caller, 303)),
    ConsoleRow("GET", "/signin", EVERYONE),
    ConsoleRow(
        "POST", "/signin/dev", dict.fromkeys(Caller, 303), form=lambda w: {"role": "regulator"}
    ),
    ConsoleRow("GET", "/signin/oidc", dict.fromkeys(Caller, 404)),
    ConsoleRow("GET", "/auth/callback", dict.fromkeys(Caller, 404)),
    ConsoleRow("POST", "/signout", dict.fromkeys(Caller, 303), form=lambda w: {}),
    ConsoleRow("GET", "/enterprise", ENTERPRISE_PAGE),
    ConsoleRow("GET", "/enterprise/projects/new", ENTERPRISE_PAGE),
    ConsoleRow("GET", "/enterprise/uploads", ENTERPRISE_PAGE),
    ConsoleRow("GET", "/enterprise/projects/{project_id}", ENTERPRISE_OBJECT),
    ConsoleRow("GET", "/enterprise/uploads/{job_id}", ENTERPRISE_OBJECT),
    ConsoleRow("GET", "/enterprise/uploads/{job_id}/errors.csv", ENTERPRISE_OBJECT),
    # Forms acting on the caller's own tenant only (the tenant comes from the session's token).
    ConsoleRow(
        "POST",
        "/enterprise/profile",
        _page(enterprise_own=422, enterprise_other=422),
        form=lambda w: {"name": "x", "credit_code": "x", "city": "changsha", "industry": "x"},
        state=(("registry", "/v1/enterprises/{enterprise_id}"),),
    ),
    ConsoleRow(
        "POST",
        "/enterprise/projects",
        _page(enterprise_own=422, enterprise_other=422),
        form=lambda w: {"name": "x", "tenor_months": "many"},
        state=(("registry", "/v1/projects"),),
    ),
    ConsoleRow(
        "POST",
        "/enterprise/estimate",
        _page(enterprise_own=422, enterprise_other=422),
        form=lambda w: {"name": "x"},
    ),
    ConsoleRow(
        "POST",
        "/enterprise/uploads",
        _page(enterprise_own=422, enterprise_other=422),
        form=lambda w: {"file": "not a file"},
    ),
    ConsoleRow(
        "POST",
        "/enterprise/projects/{project_id}/withdraw",
        _page(enterprise_own=303, enterprise_other=404),
        form=lambda w: {"reason": "console matrix"},
        state=(("registry", "/v1/projects/{project_id}"),),
        fresh=True,
    ),
    ConsoleRow(
        "POST",
        "/enterprise/deals/{deal_id}/decline",
        _page(enterprise_own=303, enterprise_other=404),
        form=lambda w: {"reason": "console matrix"},
        state=(("matching", "/v1/deals/{deal_id}/loan"),),
        fresh=True,
    ),
    ConsoleRow("GET", "/bank", LENDER_PAGE, owner=Caller.LENDER_OWN),
    ConsoleRow(
        "GET",
        "/bank/feed/stream",
        LENDER_PAGE,
        owner=Caller.LENDER_OWN,
        query={"idle_timeout_s": "0.2"},
    ),
    ConsoleRow("GET", "/bank/mandates", LENDER_PAGE, owner=Caller.LENDER_OWN),
    ConsoleRow("GET", "/bank/scorecard", LENDER_PAGE, owner=Caller.LENDER_OWN),
    ConsoleRow("GET", "/bank/allocation", LENDER_PAGE, owner=Caller.LENDER_OWN),
    ConsoleRow("GET", "/bank/deals/{deal_id}", LENDER_OBJECT, owner=Caller.LENDER_OWN),
    ConsoleRow("GET", "/bank/mandates/{mandate_id}", LENDER_OBJECT, owner=Caller.LENDER_OWN),
    ConsoleRow(
        "POST",
        "/bank/profile",
        _page(lender_own=409, lender_other=409),
        owner=Caller.LENDER_OWN,
        form=lambda w: {"name": "x", "kind": "bank", "city": "changsha"},
        state=(("matching", "/v1/lenders/{lender_id}"),),
    ),
    ConsoleRow(
        "POST",
        "/bank/mandates",
        _page(lender_own=303, lender_other=303),
        owner=Caller.LENDER_OWN,
        form=_mandate,
    ),
    ConsoleRow(
        "POST",
        "/bank/mandates/{mandate_id}",
        _page(lender_own=303, lender_other=404),
        owner=Caller.LENDER_OWN,
        form=_mandate,
        state=(("matching", "/v1/mandates/{mandate_id}"),),
        fresh=True,
    ),
    ConsoleRow(
        "POST",
        "/bank/mandates/{mandate_id}/close",
        _page(lender_own=303, lender_other=404),
        owner=Caller.LENDER_OWN,
        form=lambda w: {"reason": "console matrix"},
        state=(("matching", "/v1/mandates/{mandate_id}"),),
        fresh=True,
    ),
    ConsoleRow(
        "POST",
        "/bank/deals/{deal_id}/answer",
        _page(lender_own=303, lender_other=404),
        owner=Caller.LENDER_OWN,
        form=_tranche,
        state=DEAL_STATE,
        fresh=True,
    ),
    ConsoleRow(
        "POST",
        "/bank/deals/{deal_id}/repayments",
        _page(lender_own=409, lender_other=404),
        owner=Caller.LENDER_OWN,
        form=lambda w: {"amount_cny": "1.00", "repaid_on": "2026-06-02"},
        state=DEAL_STATE,
        fresh=True,
    ),
    ConsoleRow(
        "POST",
        "/bank/deals/{deal_id}/offer/withdrawal",
        _page(lender_own=303, lender_other=404),
        owner=Caller.LENDER_OWN,
        form=lambda w: {"reason": "console matrix"},
        state=DEAL_STATE,
        fresh=True,
    ),
    *(
        ConsoleRow("GET", path, READER_PAGE, owner=Caller.REGULATOR, query=query, sees=READERS_SEE)
        for path, query in (
            ("/regulator", {}),
            ("/regulator/ledger", {}),
            ("/regulator/disclosure", {}),
            ("/regulator/disclosure.csv", {}),
            ("/regulator/rankings", {}),
            ("/regulator/lineage", {"project": "{project_id}"}),
            ("/regulator/pipeline", {}),
        )
    ),
)


async def with_upload(ctx: SeedContext, tenant: Tenant) -> Tenant:
    """Tenant A's objects plus an upload job of its enterprise."""
    headers = ctx.mint("enterprise", tenant.enterprise_id) | {
        "content-type": "application/x-ndjson"
    }
    job = await ctx.clients["registry"].post(
        "/v1/intake-jobs", content=b'{"name": "' + tenant.marker.encode() + b'"}\n', headers=headers
    )
    assert job.status_code == 202, job.text
    tenant.objects["job_id"] = uuid.UUID(job.json()["job_id"])
    return tenant


async def seed(ctx: SeedContext) -> World:
    own, other = await asyncio.gather(lending(ctx), lending(ctx))
    return World(await with_upload(ctx, own), other)
