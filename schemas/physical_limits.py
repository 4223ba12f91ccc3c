"""Physical possibility of a project's activity data: what no plant can do in a year.

One rule set for every service: the registry refuses such input at registration, update and
bulk intake; scoring rejects it in versions stored before the rule existed (and in estimates).
Only physics belongs here, bounds no site, operator or methodology can pass. Norms (what real
projects reach) stay in scoring, where a claim above one is credited conservatively, and so
does "no net reduction", which depends on the methodology.

A request-side check, not a model validator: stored `project.*` events are read tolerantly,
so an old version that breaks a bound still parses and is rejected by its score instead.

Rules and their bounds:
- `generation_exceeds_capacity`: a plant delivers at most its rated power every hour of the
  year, so annual generation (or discharged, formerly curtailed energy of a storage plant)
  is at most capacity MW × 8,760 h.
- `coal_rate_below_thermodynamic_limit`: 1 kWh is 3.6 MJ and 1 kgce is 29.3076 MJ (GB/T 2589),
  so a unit burning less than 3.6 / 29.3076 kg ≈ 122.8 gce per kWh would convert more than all
  of the coal's heat into electricity.
- `operating_hours_exceed_year`: a year has 8,760 hours, so a plant (a data centre) cannot
  operate more of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from schemas.project import ActivityData

HOURS_PER_YEAR = 8760.0
MJ_PER_KWH = 3.6
MJ_PER_KGCE = 29.3076
MIN_COAL_RATE_GCE_PER_KWH = round(MJ_PER_KWH / MJ_PER_KGCE * 1000, 1)  # 122.8 g at 100 %
DELIVERED_ENERGY_FIELDS = ("annual_generation_mwh", "curtailment_avoided_mwh")
COAL_RATE_FIELDS = ("coal_rate_before_gce_per_kwh", "coal_rate_after_gce_per_kwh")


@dataclass(frozen=True, slots=True)
class Breach:
    """One physically impossible value: the field, what was claimed and the bound it passes."""

    code: str
    field: str
    value: float
    bound: float
    unit: str
    reason: str

    @property
    def path(self) -> str:
        """Where the field sits in a project description (`activity.<field>`)."""
        return f"activity.{self.field}"


def _delivered_energy(a: ActivityData) -> list[Breach]:
    if not a.capacity_mw:
        return []
    ceiling = a.capacity_mw * HOURS_PER_YEAR
    found = []
    for field in DELIVERED_ENERGY_FIELDS:
        produced = getattr(a, field)
        if produced is not None and produced > ceiling:
            found.append(
                Breach(
                    "generation_exceeds_capacity",
                    field,
                    produced,
                    ceiling,
                    "MWh/yr",
                    f"{field} {produced:,.0f} MWh exceeds capacity {a.capacity_mw:,.4g} MW × "
                    f"8,760 h = {ceiling:,.0f} MWh: physically impossible",
                )
            )
    return found


def _coal_rates(a: ActivityData) -> list[Breach]:
    found = []
    for field in COAL_RATE_FIELDS:
        rate = getattr(a, field)
        if rate is not None and rate < MIN_COAL_RATE_GCE_PER_KWH:
            found.append(
                Breach(
                    "coal_rate_below_thermodynamic_limit",
                    field,
                    rate,
                    MIN_COAL_RATE_GCE_PER_KWH,
                    "gce/kWh",
                    f"{field} {rate:g} gce/kWh is below {MIN_COAL_RATE_GCE_PER_KWH:g} gce/kWh, "
                    "the coal a unit would burn at 100 % efficiency: physically impossible",
                )
            )
    return found


def _operating_hours(a: ActivityData) -> list[Breach]:
    hours = a.operating_hours_per_year
    if hours is None or hours <= HOURS_PER_YEAR:
        return []
    return [
        Breach(
            "operating_hours_exceed_year",
            "operating_hours_per_year",
            hours,
            HOURS_PER_YEAR,
            "h/yr",
            f"operating_hours_per_year {hours:,.0f} h exceeds the 8,760 h of a year: "
            "physically impossible",
        )
    ]


def breaches(activity: ActivityData) -> list[Breach]:
    """Every physically impossible value in the activity data (empty when all are possible)."""
    return _delivered_energy(activity) + _coal_rates(activity) + _operating_hours(activity)


def describe(found: list[Breach]) -> str:
    """One line naming each impossible field with its bound, for a 4xx or an intake row."""
    return "; ".join(f"{b.path}: {b.reason}" for b in found)
