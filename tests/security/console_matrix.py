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
State = tuple[tuple[str, str], ...]


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
    state: State = ()
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


def _reason(world: World) -> dict[str, Any]:
    return {"reason": "console matrix"}


def _repayment(world: World) -> dict[str, Any]:
    return {"amount_cny": "1.00", "repaid_on": "2026-06-02"}


def _invalid_own_tenant_form(path: str, form: FormBody, state: State = ()) -> ConsoleRow:
    """An enterprise form acting on the caller's own tenant only (the tenant comes from the
    session's token), sent invalid: both enterprises get 422 and nothing changes."""
    expect = _page(enterprise_own=422, enterprise_other=422)
    return ConsoleRow("POST", path, expect, form=form, state=state)


def _enterprise_object(path: str, state: State) -> ConsoleRow:
    """A form on tenant A's object: its enterprise acts, the other is told it does not exist."""
    expect = _page(enterprise_own=303, enterprise_other=404)
    return ConsoleRow("POST", path, expect, form=_reason, state=state, fresh=True)


def _lender_object(path: str, own: int, form: FormBody, state: State) -> ConsoleRow:
    """A form on tenant A's lender's object: that lender gets `own`, the other lender 404."""
    expect = _page(lender_own=own, lender_other=404)
    return ConsoleRow(
        "POST", path, expect, owner=Caller.LENDER_OWN, form=form, state=state, fresh=True
    )


MANDATE_STATE: State = (("matching", "/v1/mandates/{mandate_id}"),)
DEAL_STATE: State = (("matching", "/v1/deals/{deal_id}"), ("matching", "/v1/deals/{deal_id}/loan"))
ENTERPRISE_PAGES = (
    "/enterprise",
    "/enterprise/projects/new",
    "/enterprise/uploads",
    "/enterprise/subsidies",
)
ENTERPRISE_OBJECTS = (
    "/enterprise/projects/{project_id}",
    "/enterprise/uploads/{job_id}",
    "/enterprise/uploads/{job_id}/errors.csv",
)
LENDER_PAGES = (
    "/bank",
    "/bank/mandates",
    "/bank/scorecard",
    "/bank/evaluation",
    "/bank/allocation",
)
LENDER_OBJECTS = ("/bank/deals/{deal_id}", "/bank/mandates/{mandate_id}")
REGULATOR_PAGES: tuple[tuple[str, Mapping[str, str]], ...] = (
    ("/regulator", {}),
    ("/regulator/ledger", {}),
    ("/regulator/disclosure", {}),
    ("/regulator/disclosure.csv", {}),
    ("/regulator/evaluation", {}),
    ("/regulator/evaluation.csv", {}),
    ("/regulator/subsidies", {}),
    ("/regulator/subsidies.csv", {}),
    ("/regulator/rankings", {}),
    ("/regulator/ranker", {}),
    ("/regulator/lineage", {"project": "{project_id}"}),
    ("/regulator/pipeline", {}),
)
ROWS: tuple[ConsoleRow, ...] = (
    ConsoleRow("GET", "/", dict.fromkeys(Caller, 303)),
    ConsoleRow("GET", "/signin", EVERYONE),
    ConsoleRow(
        "POST", "/signin/dev", dict.fromkeys(Caller, 303), form=lambda w: {"role": "regulator"}
    ),
    ConsoleRow("GET", "/signin/oidc", dict.fromkeys(Caller, 404)),
    ConsoleRow("GET", "/auth/callback", dict.fromkeys(Caller, 404)),
    ConsoleRow("POST", "/signout", dict.fromkeys(Caller, 303), form=lambda w: {}),
    *(ConsoleRow("GET", path, ENTERPRISE_PAGE) for path in ENTERPRISE_PAGES),
    *(ConsoleRow("GET", path, ENTERPRISE_OBJECT) for path in ENTERPRISE_OBJECTS),
    _invalid_own_tenant_form(
        "/enterprise/profile",
        lambda w: {"name": "x", "credit_code": "x", "city": "changsha", "industry": "x"},
        (("registry", "/v1/enterprises/{enterprise_id}"),),
    ),
    _invalid_own_tenant_form(
        "/enterprise/projects",
        lambda w: {"name": "x", "tenor_months": "many"},
        (("registry", "/v1/projects"),),
    ),
    _invalid_own_tenant_form("/enterprise/estimate", lambda w: {"name": "x"}),
    _invalid_own_tenant_form("/enterprise/uploads", lambda w: {"file": "not a file"}),
    _enterprise_object(
        "/enterprise/projects/{project_id}/withdraw", (("registry", "/v1/projects/{project_id}"),)
    ),
    _enterprise_object(
        "/enterprise/deals/{deal_id}/decline", (("matching", "/v1/deals/{deal_id}/loan"),)
    ),
    *(ConsoleRow("GET", path, LENDER_PAGE, owner=Caller.LENDER_OWN) for path in LENDER_PAGES),
    ConsoleRow(
        "GET",
        "/bank/feed/stream",
        LENDER_PAGE,
        owner=Caller.LENDER_OWN,
        query={"idle_timeout_s": "0.2"},
    ),
    *(ConsoleRow("GET", path, LENDER_OBJECT, owner=Caller.LENDER_OWN) for path in LENDER_OBJECTS),
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
    _lender_object("/bank/mandates/{mandate_id}", 303, _mandate, MANDATE_STATE),
    _lender_object("/bank/mandates/{mandate_id}/close", 303, _reason, MANDATE_STATE),
    _lender_object("/bank/deals/{deal_id}/answer", 303, _tranche, DEAL_STATE),
    # The seeded offer is not drawn yet: its own lender is told so.
    _lender_object("/bank/deals/{deal_id}/repayments", 409, _repayment, DEAL_STATE),
    _lender_object("/bank/deals/{deal_id}/offer/withdrawal", 303, _reason, DEAL_STATE),
    *(
        ConsoleRow("GET", path, READER_PAGE, owner=Caller.REGULATOR, query=query, sees=READERS_SEE)
        for path, query in REGULATOR_PAGES
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
