"""Who may read what: regulators and operators everything, lenders and enterprises their own."""

from __future__ import annotations

import uuid

from servicekit.auth import Principal, Role, require_role
from servicekit.errors import Forbidden

READERS = (Role.REGULATOR, Role.ADMIN)


def require_reader(principal: Principal) -> None:
    require_role(principal, *READERS)


def is_reader(principal: Principal) -> bool:
    return principal.role in READERS


def lender_scope(principal: Principal, requested: uuid.UUID | None) -> uuid.UUID | None:
    """The lender whose rows the caller may see: any (or all) for readers, itself for a lender."""
    if is_reader(principal):
        return requested
    require_role(principal, *READERS, Role.LENDER)
    if requested is not None and not principal.owns(requested):
        raise Forbidden("a lender may read only its own rows", field="lender_id")
    return principal.tenant


def may_read_lender(principal: Principal, lender_id: uuid.UUID) -> bool:
    return is_reader(principal) or (principal.role is Role.LENDER and principal.owns(lender_id))


def may_read_project(principal: Principal, owner: uuid.UUID | None) -> bool:
    if is_reader(principal):
        return True
    return principal.role is Role.ENTERPRISE and owner is not None and principal.owns(owner)
