"""A lender's reports scope: readers choose any lender (or all), a lender only itself.

Who may call each endpoint is a shared policy (servicekit.policies).
"""

from __future__ import annotations

import uuid

from servicekit.auth import Principal
from servicekit.errors import Forbidden
from servicekit.policies import Policy


def lender_scope(principal: Principal, requested: uuid.UUID | None) -> uuid.UUID | None:
    """The lender whose rows the caller may see: any (or all) for readers, itself for a lender."""
    if Policy.sees_all(principal):
        return requested
    if requested is not None and not principal.owns(requested):
        raise Forbidden("a lender may read only its own rows", field="lender_id")
    return principal.tenant
