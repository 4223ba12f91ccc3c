"""PCAF-style data-quality tier (1 best … 5 worst) of one score.

Rules, applied in order:
- Tier 1 is reserved for third-party-verified reported data; a calculation never assigns it
  (a later verification step may).
- Start at tier 2: activity data reported by the project and backed by at least one evidence
  document (feasibility study, design document, permit), every factor of `primary` status.
- +1 when the project attached no evidence documents.
- At least tier 3 when any factor used has `secondary` status (seen in press or third-party
  copies; the Hunan grid factor is one) or was declared by the project: the value awaits
  confirmation.
- +1 more when a project-declared factor replaced a factor-set value, so a declaration always
  scores worse than the set's own value (it stays unverified until someone checks it).
- +1 when a methodology default stood in for project data (default sink rate, default
  baseline fuel), since a generic value replaced a site-specific one.
- Capped at 5 (PCAF's economic-proxy tier is the floor of what we can say).
"""

from __future__ import annotations

from scoring.estimate.workings import MethodologyResult

BEST_CALCULATED_TIER = 2
WORST_TIER = 5


def data_quality_tier(result: MethodologyResult, *, has_evidence: bool) -> int:
    """The tier these rules give a calculation and the project's evidence."""
    tier = BEST_CALCULATED_TIER + (0 if has_evidence else 1)
    statuses = {use.status for use in result.factors_used}
    if statuses & {"secondary", "declared"}:
        tier = max(tier, 3)
    if "declared" in statuses:
        tier += 1
    if result.defaults_used:
        tier += 1
    return min(tier, WORST_TIER)
