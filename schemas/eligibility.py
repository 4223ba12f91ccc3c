"""What a scored project may be financed with: not at all when rejected, and per instrument.

Shared by matching (what it matches and accepts) and the seed flow (what it offers), so both
read the same rule. Rules that depend on the taxonomy name the taxonomy field they read.
"""

from __future__ import annotations

from collections.abc import Iterable

from schemas.scoring import CarbonReductionField, Flag, FlagSeverity, Taxonomy
from schemas.vocabulary import Instrument

CERF_FIELD = "taxonomy.carbon_reduction_facility_field"


def reject_flags(flags: Iterable[Flag]) -> tuple[Flag, ...]:
    """The flags that make a score `rejected`: physically impossible or no reduction."""
    return tuple(f for f in flags if f.severity is FlagSeverity.REJECT)


def rejection_reason(version: int, flags: Iterable[Flag]) -> str:
    """Why a rejected project version left every feed, naming each reject flag."""
    named = "; ".join(f"{f.code} ({f.field}): {f.reason}" for f in reject_flags(flags))
    return f"project version {version} was rejected by scoring: {named}"


def ineligibility(
    instrument: Instrument, carbon_reduction_facility_field: CarbonReductionField
) -> str | None:
    """Why this instrument may not finance a project so tagged, or None when it may.

    A carbon-reduction-facility loan needs a facility field; `not_eligible` (for example a
    high-energy high-emission project, or a type outside the facility's fields) refuses it.
    """
    if (
        instrument is Instrument.CARBON_REDUCTION_FACILITY_LOAN
        and carbon_reduction_facility_field is CarbonReductionField.NOT_ELIGIBLE
    ):
        return (
            f"a {instrument} needs a carbon-reduction-facility field, and the project's "
            f"{CERF_FIELD} is {CarbonReductionField.NOT_ELIGIBLE}"
        )
    return None


def eligible_instruments(
    instruments: Iterable[Instrument], taxonomy: Taxonomy, *, carbon_credits: bool = False
) -> frozenset[Instrument]:
    """The instruments a project asked for that its taxonomy allows; a carbon-asset pledge loan
    only with expected carbon credits to pledge (`carbon_credits`)."""
    field = taxonomy.carbon_reduction_facility_field
    return frozenset(
        i
        for i in instruments
        if ineligibility(i, field) is None
        and (carbon_credits or i is not Instrument.CARBON_ASSET_PLEDGE_LOAN)
    )
