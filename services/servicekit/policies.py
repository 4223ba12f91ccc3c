"""Who may call an endpoint, named once, as FastAPI dependencies every service shares.

Each policy mirrors a row kind of the BOLA matrix (tests/security/expectations.py): a role
outside the policy gets 403; an enterprise or lender inside it sees only its own objects
(`Policy.may_see`, which the endpoint turns into 404 so another tenant's object stays
unknown); regulators and admins see every tenant's.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Generic, TypeVar

import asyncpg
from fastapi import Depends, HTTPException

from servicekit.auth import CurrentPrincipal, Principal, Role, require_role
from servicekit.db import Connection
from servicekit.errors import NotFound

READERS = frozenset({Role.REGULATOR, Role.ADMIN})
TENANT_ROLES = frozenset({Role.ENTERPRISE, Role.LENDER})


@dataclass(frozen=True)
class Policy:
    """The roles an endpoint admits; callable, so it is its own FastAPI dependency."""

    name: str
    roles: tuple[Role, ...]

    async def __call__(self, principal: CurrentPrincipal) -> Principal:
        """The policy as a dependency; async, so FastAPI runs it on the event loop instead of
        handing it to the thread pool and back (docs/performance.md)."""
        return self.check(principal)

    def check(self, principal: Principal) -> Principal:
        """403 unless the caller holds one of the policy's roles; a tenant role must name
        its tenant."""
        require_role(principal, *self.roles)
        if principal.role in TENANT_ROLES:
            tenant_of(principal)
        return principal

    @staticmethod
    def sees_all(principal: Principal) -> bool:
        """Regulators and admins read every tenant's objects."""
        return principal.role in READERS

    def may_see(self, principal: Principal, owner: uuid.UUID | None) -> bool:
        """False for an object of another tenant (answer 404, not 403)."""
        return self.sees_all(principal) or (owner is not None and principal.owns(owner))

    def reveal(
        self, principal: Principal, owner: uuid.UUID | None, missing: str, field: str
    ) -> None:
        """404 naming `field` for an object that does not exist (`owner` None) or that the
        caller may not see: both answers are the same, so neither reveals the other."""
        if owner is None or not self.may_see(principal, owner):
            raise NotFound(missing, field=field)

    def row_for(
        self,
        principal: Principal,
        row: asyncpg.Record | None,
        owner: str,
        missing: str,
        field: str,
    ) -> asyncpg.Record:
        """The row if the caller may see it (its `owner` column names the tenant), else 404."""
        self.reveal(principal, None if row is None else row[owner], missing, field)
        assert row is not None
        return row

    @staticmethod
    def own_tenant(principal: Principal) -> uuid.UUID | None:
        """The tenant whose objects a list shows: the caller's, or None (every tenant's)."""
        return None if Policy.sees_all(principal) else principal.tenant


T = TypeVar("T")


def owned(
    found: T | None,
    owner_of: Callable[[T], uuid.UUID],
    tenant: uuid.UUID | None,
    missing: str,
    field: str,
) -> T:
    """What a command changes, if `tenant` owns it (None: the service acting for any owner);
    404 otherwise, the same answer as for an object that does not exist."""
    if found is None or (tenant is not None and owner_of(found) != tenant):
        raise NotFound(missing, field=field)
    return found


V = TypeVar("V")


@dataclass(frozen=True)
class Readable(Generic[V]):
    """One kind of object as endpoints read it by id: fetched on the caller's connection,
    owned by the tenant its `owner` column names, shown as `view`. Missing and not the
    caller's give the same 404 naming `field`."""

    noun: str
    field: str
    policy: Policy
    owner: str
    fetch: Callable[[Connection, uuid.UUID], Awaitable[asyncpg.Record | None]]
    view: Callable[[asyncpg.Record], V]

    async def read(self, con: Connection, principal: Principal, object_id: uuid.UUID) -> V:
        row = await self.fetch(con, object_id)
        missing = f"{self.noun} {object_id} not found"
        return self.view(self.policy.row_for(principal, row, self.owner, missing, self.field))


_READERS = (Role.REGULATOR, Role.ADMIN)
ENTERPRISE_READ = Policy("an enterprise's own objects, or readers", (Role.ENTERPRISE, *_READERS))
OWNER_WRITE = Policy("the owning enterprise only", (Role.ENTERPRISE,))
LENDER_READ = Policy("a lender's own objects, or readers", (Role.LENDER, *_READERS))
LENDER_WRITE = Policy("the owning lender only", (Role.LENDER,))
DEAL_PARTIES_READ = Policy(
    "a deal's lender and enterprise, or readers", (Role.ENTERPRISE, Role.LENDER, *_READERS)
)
EACH_LENDER_ITS_OWN = Policy("every lender its own items, or readers", (Role.LENDER, *_READERS))
READERS_ONLY = Policy("regulators and admins", _READERS)
ADMIN_ONLY = Policy("admins", (Role.ADMIN,))
EVERYONE = Policy("every signed-in caller", tuple(Role))

EnterpriseReader = Annotated[Principal, Depends(ENTERPRISE_READ)]
OwningEnterprise = Annotated[Principal, Depends(OWNER_WRITE)]
LenderReader = Annotated[Principal, Depends(LENDER_READ)]
OwningLender = Annotated[Principal, Depends(LENDER_WRITE)]
DealPartyReader = Annotated[Principal, Depends(DEAL_PARTIES_READ)]
EachLender = Annotated[Principal, Depends(EACH_LENDER_ITS_OWN)]
Reader = Annotated[Principal, Depends(READERS_ONLY)]
Admin = Annotated[Principal, Depends(ADMIN_ONLY)]
AnyCaller = Annotated[Principal, Depends(EVERYONE)]


def tenant_of(principal: Principal) -> uuid.UUID:
    """The tenant an enterprise or lender acts for; 403 for a token that names none."""
    if principal.tenant is None:
        raise HTTPException(403, f"a {principal.role} token must name its tenant")
    return principal.tenant
