"""From `project.scored.v1` to the facts matching tests and the project a lender is shown."""

from __future__ import annotations

from datetime import datetime

from matching.matching.matcher import Match, explain
from matching.matching.project_facts import ProjectFacts
from schemas.deals import DealMatched, DealProject
from schemas.eligibility import eligible_instruments, reject_flags
from schemas.scoring import ProjectScored


def is_rejected(scored: ProjectScored) -> bool:
    """A rejected score (any `reject` flag) is never matched, shown in a feed or allocated."""
    return bool(reject_flags(scored.flags))


def facts_from_scored(scored: ProjectScored) -> ProjectFacts:
    """Any plausibility flag (warn or reject) counts as flagged; high-energy high-emission is
    true when either the project declared it or the taxonomy classified it so. Only the
    instruments the taxonomy allows count (a CERF loan needs a facility field, a pledge loan
    expected carbon credits).
    """
    return ProjectFacts(
        project_id=scored.project_id,
        project_version=scored.project_version,
        enterprise_id=scored.enterprise_id,
        family=scored.family,
        city=scored.city,
        instruments=eligible_instruments(
            scored.instruments,
            scored.taxonomy,
            carbon_credits=scored.expected_issuance is not None,
        ),
        financing_need_cny=scored.financing_need_cny,
        capex_cny=scored.capex_cny,
        tenor_months=scored.tenor_months,
        score=scored.score,
        annual_tco2e=scored.annual_tco2e,
        tco2e_per_10k_cny=scored.tco2e_per_10k_cny,
        abatement_cost_cny_per_tco2e=scored.abatement_cost_cny_per_tco2e,
        high_energy_high_emission=(
            scored.high_energy_high_emission or scored.taxonomy.high_energy_high_emission
        ),
        plausibility_flagged=bool(scored.flags),
    )


def deal_project(scored: ProjectScored) -> DealProject:
    """The scored fields a lender may see (no contact data, no calculation trace).

    The values were validated as `project.scored.v1`, whose fields DealProject shares name
    for name and type for type, so they are copied without a second validation.
    """
    return DealProject.model_construct(
        **{name: getattr(scored, name) for name in DealProject.model_fields}
    )


def deal_matched(
    match: Match, scored: ProjectScored, *, at: datetime, shown: DealProject | None = None
) -> DealMatched:
    """The feed event for a fresh match; explain it now, while exposure is what matching saw.

    `shown` is the project as lenders see it, when the caller built it once for many deals.
    """
    project = match.project
    if (project.project_id, project.project_version) != (
        scored.project_id,
        scored.project_version,
    ):
        raise ValueError("the scored event is not the project version that was matched")
    return DealMatched(
        deal_id=match.deal_id,
        lender_id=match.mandate.lender_id,
        mandate_id=match.mandate.mandate_id,
        mandate_version=match.mandate_version,
        project_id=project.project_id,
        project_version=project.project_version,
        enterprise_id=project.enterprise_id,
        project=shown or deal_project(scored),
        fit_score=match.fit_score,
        explanation=explain(project, match.mandate),
        matched_at=at,
    )
