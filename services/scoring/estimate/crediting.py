"""Conservative crediting: a claim above its norm is credited at the conservative bound.

A norm flag (`checks`, a family's own checks, the peer model) says a claim is beyond what real
projects reach. The platform does not believe it, so the claim is credited at:
- the methodology's conservative default when the methodology has one (a sink rate no forest
  reaches counts as no measurement: the factor set's default rate applies), else
- the norm's bound (generation at the type's capacity-factor norm, 200,000 km a vehicle,
  550 storage cycles, the least energy capture or an arc furnace needs, PUE 1.1, the coal-rate
  range, a declared factor at most 1.5× the official one).
The calculation is re-run with those inputs, and the annual result is then capped by the money
intensity ceiling, the peers' upper bound (95th percentile) when the peer model flags the
project, and the project's own claimed annual tCO2e. The credited value is never above the
computed one, and an exaggerated claim never earns more than the same project claiming the
conservative value (and it carries a warn flag besides), so exaggeration cannot buy rank.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from schemas.physical_limits import HOURS_PER_YEAR
from schemas.project import DeclaredFactor, ProjectSpec
from schemas.scoring import Flag
from scoring.estimate.catalogue import compute
from scoring.estimate.credit_rules import Credit, CreditRule, Override, bound
from scoring.estimate.errors import ActivityDataError
from scoring.estimate.factors import FactorSet, official_value
from scoring.estimate.workings import MethodologyResult, TraceEntry
from scoring.families import CAPACITY_FACTOR_NORMS, FAMILY_OF
from scoring.plausibility.checks import DECLARED_FACTOR_RATIO, MONEY_INTENSITY_CEILING
from scoring.plausibility.intensity import IntensityRow
from scoring.plausibility.peer_model import PlausibilityModel

DECLARED = "declared_factor"


@dataclass(frozen=True, slots=True)
class Credited:
    """What a project is credited with, the calculation behind it and every reduction made."""

    annual_tco2e: float
    result: MethodologyResult
    credits: tuple[Credit, ...]


def _capacity_factor(p: ProjectSpec, _: FactorSet) -> list[Override]:
    a, norm = p.activity, CAPACITY_FACTOR_NORMS.get(p.type)
    if a.annual_generation_mwh is None or not a.capacity_mw or norm is None:
        return []
    most = norm * a.capacity_mw * HOURS_PER_YEAR
    rule = f"capacity_factor_above_norm: credited at capacity × 8,760 h × {norm:.0%}"
    return bound("annual_generation_mwh", a.annual_generation_mwh, most, rule)


def _impossible_output(p: ProjectSpec, factors: FactorSet) -> list[Override]:
    """Output above capacity × 8,760 h is rejected, and still never credited above what the
    plant would deliver at its type's norm: a rejected score's tonnes feed reports too."""
    output_bound = FAMILY_OF[p.type].output_bound
    return _capacity_factor(p, factors) or (output_bound(p, factors) if output_bound else [])


def _declared(p: ProjectSpec, factors: FactorSet) -> list[Override]:
    declared = p.declared_factor
    held_to = None if declared is None else official_value(factors, declared.factor, p.province)
    if declared is None or held_to is None:
        return []
    official, origin = held_to
    low, high = official / DECLARED_FACTOR_RATIO, official * DECLARED_FACTOR_RATIO
    credited = min(max(declared.value, low), high)
    rule = f"declared_factor_far_from_default: credited within {DECLARED_FACTOR_RATIO:g}× {origin}"
    unit = factors.values[declared.factor].unit if declared.factor in factors.values else ""
    credit = Credit(declared.factor, declared.value, credited, unit, rule)
    return [Override(DECLARED, credited, credit)]


SHARED_RULES: dict[str, CreditRule] = {
    "capacity_factor_above_norm": _capacity_factor,
    "generation_exceeds_capacity": _impossible_output,
    "declared_factor_far_from_default": _declared,
}
"""Credit rules of the shared norms; each family adds its own (`Family.credit_rules`)."""


def _conservative(p: ProjectSpec, overrides: list[Override]) -> ProjectSpec:
    activity = {o.field: o.value for o in overrides if o.field != DECLARED}
    update: dict[str, object] = {"activity": p.activity.model_copy(update=activity)}
    for o in overrides:
        if o.field == DECLARED and p.declared_factor is not None and o.value is not None:
            update["declared_factor"] = DeclaredFactor(
                factor=p.declared_factor.factor, value=o.value, source=p.declared_factor.source
            )
    return p.model_copy(update=update)


def _ceilings(
    p: ProjectSpec, computed: float, codes: set[str], model: PlausibilityModel | None
) -> list[tuple[str, float, str]]:
    found = []
    if "money_intensity_above_norm" in codes:
        ceiling = MONEY_INTENSITY_CEILING * float(p.capex_cny) / 1e4
        rule = f"at most {MONEY_INTENSITY_CEILING:g} tCO2e/yr per 10,000 CNY of capex"
        found.append(("money_intensity_above_norm", ceiling, rule))
    if "intensity_above_peers" in codes and model is not None:
        ceiling = model.annual_ceiling(IntensityRow.of(p, computed))
        found.append(("intensity_above_peers", ceiling, "at most the peers' 95th percentile"))
    if p.claimed_annual_tco2e is not None:
        rule = "never more than the project claims"
        found.append(("claimed_annual_tco2e", p.claimed_annual_tco2e, rule))
    return found


def _rerun(
    p: ProjectSpec, overrides: list[Override], factors: FactorSet, computed: MethodologyResult
) -> MethodologyResult:
    if not overrides:
        return computed
    try:
        return compute(_conservative(p, overrides), factors)
    except ActivityDataError:
        return computed


def credit(
    p: ProjectSpec,
    computed: MethodologyResult,
    flags: Sequence[Flag],
    factors: FactorSet,
    model: PlausibilityModel | None = None,
) -> Credited:
    """What `p` is credited with, given its computed result and the flags on its claims."""
    if not flags and p.claimed_annual_tco2e is None:
        return Credited(computed.annual_tco2e, computed, ())  # most projects: nothing to cap
    codes = {f.code for f in flags}
    rules = {**SHARED_RULES, **FAMILY_OF[p.type].all_credit_rules}
    overrides = [o for code in codes & rules.keys() for o in rules[code](p, factors)]
    result = _rerun(p, overrides, factors, computed)
    if len(overrides) > 1 and any(o.field == DECLARED for o in overrides):
        # A declared factor pulled toward the official one raises the result where the factor
        # counts against the project (grid power a capture unit draws): keep the declared one.
        kept = _rerun(p, [o for o in overrides if o.field != DECLARED], factors, computed)
        result = min(result, kept, key=lambda r: r.annual_tco2e)
    annual = min(computed.annual_tco2e, result.annual_tco2e)
    credits = [o.credit for o in overrides]
    for name, ceiling, rule in _ceilings(p, computed.annual_tco2e, codes, model):
        if ceiling < annual:
            credits.append(Credit(f"ceiling_{name}", annual, ceiling, "tCO2e/yr", rule))
            annual = ceiling
    if computed.annual_tco2e > 0:
        annual = max(annual, 0.0)
    return Credited(annual, result, tuple(credits))


def side_by_side(
    trace: Mapping[str, TraceEntry], p: ProjectSpec, credited: Credited
) -> Mapping[str, TraceEntry]:
    """The calculation as claimed, then each credited value beside the claim it replaces."""
    if not credited.credits and p.claimed_annual_tco2e is None:
        return trace
    both = dict(trace)
    if p.claimed_annual_tco2e is not None:
        both["claimed_annual_tco2e"] = (p.claimed_annual_tco2e, "tCO2e/yr", "the project's claim")
    for c in credited.credits:
        name = c.name if c.name.startswith("ceiling_") else f"credited_{c.name}"
        both[name] = (c.credited, c.unit, f"claimed {c.claimed:,.6g} {c.unit}; {c.rule}")
    if credited.credits:
        both["credited_annual_tco2e"] = (
            credited.annual_tco2e,
            "tCO2e/yr",
            "conservative crediting: claims above their norms at the conservative bound",
        )
    return both
