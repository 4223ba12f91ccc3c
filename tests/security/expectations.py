"""Expected status per caller for the access rules that endpoints of several services share.

An object endpoint answers 404 to a caller of the right role whose tenant does not own the
object (its existence is not revealed) and 403 to a role with no business there at all.
"""

from __future__ import annotations

from tests.security.matrix import Endpoint, expect

# An enterprise's own object; readers see every tenant's.
ENTERPRISE_READ = expect(
    enterprise_own=200,
    enterprise_other=404,
    lender_own=403,
    lender_other=403,
    regulator=200,
    admin=200,
)

# A change only the owning enterprise may make.
OWNER_WRITE = expect(
    enterprise_own=200,
    enterprise_other=404,
    lender_own=403,
    lender_other=403,
    regulator=403,
    admin=403,
)

# A lender's own object; readers see every tenant's.
LENDER_READ = expect(
    enterprise_own=403,
    enterprise_other=403,
    lender_own=200,
    lender_other=404,
    regulator=200,
    admin=200,
)

# A change only the owning lender may make.
LENDER_WRITE = expect(
    enterprise_own=403,
    enterprise_other=403,
    lender_own=200,
    lender_other=404,
    regulator=403,
    admin=403,
)

# A deal's money: its lender and the enterprise whose project it finances; readers see all.
DEAL_PARTIES_READ = expect(
    enterprise_own=200,
    enterprise_other=404,
    lender_own=200,
    lender_other=404,
    regulator=200,
    admin=200,
)

# A list every lender may call, answered with its own items.
EACH_LENDER_ITS_OWN = expect(
    enterprise_own=403,
    enterprise_other=403,
    lender_own=200,
    lender_other=200,
    regulator=200,
    admin=200,
)

# Regulators and admins only.
READERS_ONLY = expect(
    enterprise_own=403,
    enterprise_other=403,
    lender_own=403,
    lender_other=403,
    regulator=200,
    admin=200,
)

# Every service's consumer groups' lag (servicekit): readers watch the pipeline.
CONSUMER_LAG = Endpoint("GET", "/v1/consumer-lag", READERS_ONLY)

# Operations: admins only.
ADMIN_ONLY = expect(
    enterprise_own=403,
    enterprise_other=403,
    lender_own=403,
    lender_other=403,
    regulator=403,
    admin=200,
)

# Reference data every signed-in caller may read.
EVERYONE = expect(
    enterprise_own=200,
    enterprise_other=200,
    lender_own=200,
    lender_other=200,
    regulator=200,
    admin=200,
)
