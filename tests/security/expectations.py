"""Expected status per caller for the access rules that endpoints of several services share.

An object endpoint answers 404 to a caller of the right role whose tenant does not own the
object (its existence is not revealed) and 403 to a role with no business there at all. Every
rule is one row of the table below; an anonymous caller always gets 401.
"""

from __future__ import annotations

from tests.security.matrix import SIGNED_IN, Caller, Endpoint


def _rule(*statuses: int) -> dict[Caller, int]:
    """One row of the table: a status for each signed-in caller, in the columns' order."""
    return {Caller.ANONYMOUS: 401} | dict(zip(SIGNED_IN, statuses, strict=True))


# fmt: off
#                          enterprise     lender
#                          own  other   own  other   regulator  admin
# An enterprise's own object; readers see every tenant's.
ENTERPRISE_READ = _rule(    200, 404,    403, 403,    200,       200)
# A change only the owning enterprise may make.
OWNER_WRITE = _rule(        200, 404,    403, 403,    403,       403)
# A lender's own object; readers see every tenant's.
LENDER_READ = _rule(        403, 403,    200, 404,    200,       200)
# A change only the owning lender may make.
LENDER_WRITE = _rule(       403, 403,    200, 404,    403,       403)
# A deal's money: its lender and the enterprise whose project it finances; readers see all.
DEAL_PARTIES_READ = _rule(  200, 404,    200, 404,    200,       200)
# A list every lender may call, answered with its own items.
EACH_LENDER_ITS_OWN = _rule(403, 403,    200, 200,    200,       200)
# Regulators and admins only.
READERS_ONLY = _rule(       403, 403,    403, 403,    200,       200)
# Operations: admins only.
ADMIN_ONLY = _rule(         403, 403,    403, 403,    403,       200)
# Reference data every signed-in caller may read.
EVERYONE = _rule(           200, 200,    200, 200,    200,       200)
# fmt: on

# Every service's consumer groups' lag (servicekit): readers watch the pipeline.
CONSUMER_LAG = Endpoint("GET", "/v1/consumer-lag", READERS_ONLY)
