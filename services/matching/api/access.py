"""Who may read matching's objects: the caller's role first (403), then ownership (404).

Reads run in a transaction acting as the caller (servicekit.rls), so row-level security agrees
with these checks.
"""

from __future__ import annotations

import uuid

from servicekit.auth import Principal, Role, require_role, require_tenant

READERS = (Role.REGULATOR, Role.ADMIN)
LENDER_OR_READERS = (Role.LENDER, *READERS)


def lender_of(principal: Principal) -> uuid.UUID:
    """The calling lender's id; 403 for any other role."""
    return require_tenant(principal, Role.LENDER)


def may_read(principal: Principal, lender_id: uuid.UUID) -> bool:
    """403 for a role with no business here; False for another lender's object."""
    require_role(principal, *LENDER_OR_READERS)
    return principal.role in READERS or principal.owns(lender_id)
