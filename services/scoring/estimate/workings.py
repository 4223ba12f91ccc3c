"""The worksheet of one calculation: every input, factor and step lands in its trace.

Methodologies read activity data and factors only through `Workings`, so a reviewer sees each
value with its unit and source, and a project's declared factor replaces the factor-set value
in exactly one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from schemas.project import ActivityData, DeclaredFactor
from schemas.provincial_grid import DEFAULT_PROVINCE, provincial_grid, unsourced_reason
from schemas.vocabulary import Fuel, Province
from scoring.estimate.errors import InvalidActivityData, MissingActivityData
from scoring.estimate.factors import GRID, FactorSet

FactorStatus = Literal["primary", "secondary", "declared"]

FIELD_UNITS: dict[str, str] = {
    "capacity_mw": "MW",
    "annual_generation_mwh": "MWh/yr",
    "reservoir_area_km2": "km²",
    "energy_saved_tce": "tce/yr",
    "electricity_saved_mwh": "MWh/yr",
    "coal_rate_before_gce_per_kwh": "gce/kWh",
    "coal_rate_after_gce_per_kwh": "gce/kWh",
    "baseline_fuel": "fuel",
    "baseline_fuel_t": "t/yr",
    "baseline_fuel_gj": "GJ/yr",
    "project_fuel": "fuel",
    "project_fuel_gj": "GJ/yr",
    "project_electricity_mwh": "MWh/yr",
    "floor_area_m2": "m²",
    "it_load_kw": "kW",
    "operating_hours_per_year": "h/yr",
    "pue_before": "ratio",
    "pue_after": "ratio",
    "fleet_size": "vehicles",
    "annual_km_per_vehicle": "km/vehicle/yr",
    "baseline_fuel_l_per_100km": "L/100 km",
    "electricity_kwh_per_100km": "kWh/100 km",
    "area_ha": "ha",
    "sequestration_tco2e_per_ha": "tCO2e/ha/yr",
    "steel_output_t": "t/yr",
    "scrap_share": "fraction",
    "storage_energy_mwh": "MWh",
    "curtailment_avoided_mwh": "MWh/yr",
    "co2_captured_t": "tCO2/yr",
    "capture_electricity_mwh": "MWh/yr",
}
ACTIVITY_SOURCE = "project activity data"


# One value a reviewer needs: (value, unit, source); a plain tuple because traces are hot.
TraceEntry = tuple[float | str, str, str]


@dataclass(frozen=True, slots=True)
class FactorUse:
    """A factor a calculation used, and whether it came from the set or the project."""

    key: str
    status: FactorStatus


@dataclass(frozen=True, slots=True)
class MethodologyResult:
    """Annual result of one methodology: ER = baseline − project − leakage, with its trace."""

    annual_tco2e: float
    baseline_tco2e: float
    project_tco2e: float
    leakage_tco2e: float
    trace: dict[str, TraceEntry]
    factors_used: tuple[FactorUse, ...]
    defaults_used: tuple[str, ...]


class Workings:
    """Collects inputs, factors and steps of one methodology run."""

    __slots__ = ("_declared", "_defaults", "_factors", "_used", "activity", "province", "trace")

    def __init__(
        self,
        activity: ActivityData,
        factors: FactorSet,
        declared: DeclaredFactor | None = None,
        province: Province = DEFAULT_PROVINCE,
    ) -> None:
        self.activity = activity
        self._factors = factors
        self._declared = declared
        self.province = province
        self.trace: dict[str, TraceEntry] = {}
        self._used: list[FactorUse] = []
        self._defaults: list[str] = []

    def need(self, name: str) -> float:
        """A required numeric activity field; MissingActivityData names it when absent."""
        value = self.maybe(name)
        if value is None:
            raise MissingActivityData(f"activity.{name} is required", field=name)
        return value

    def maybe(self, name: str) -> float | None:
        """An optional numeric activity field, traced when present."""
        raw = getattr(self.activity, name)
        if raw is None:
            return None
        value = float(raw)
        self.trace[name] = (value, FIELD_UNITS[name], ACTIVITY_SOURCE)
        return value

    def fuel(self, name: str, default: Fuel | None = None) -> Fuel:
        """A fuel field; an absent one takes `default` (recorded as a default) or is missing."""
        raw: Fuel | None = getattr(self.activity, name)
        if raw is not None:
            self.trace[name] = (raw.value, "fuel", ACTIVITY_SOURCE)
            return raw
        if default is None:
            raise MissingActivityData(f"activity.{name} is required", field=name)
        self.trace[name] = (default.value, "fuel", "methodology default")
        self._defaults.append(name)
        return default

    def factor(self, key: str) -> float:
        """Factor `key` from the project's declaration when it names `key`, else from the set."""
        declared = self._declared
        if declared is not None and declared.factor == key:
            unit = self._factors.values[key].unit if key in self._factors.values else ""
            self.trace[key] = (declared.value, unit, f"declared: {declared.source}")
            self._used.append(FactorUse(key, "declared"))
            return declared.value
        if key == GRID:
            return self._grid_factor()
        known = self._factors.get(key)
        self.trace[key] = (known.value, known.unit, self._factors.cited_sources[key])
        self._used.append(FactorUse(key, known.status))
        return known.value

    def _grid_factor(self) -> float:
        """The project's province's published grid factor, with province, year and source.

        Hunan (the default) takes the factor set's value, so an activated set moves Hunan
        scores; any other province takes its newest row of the provincial table, or its
        regional grid's where the province has none (the trace says which)."""
        province = self.province
        if province is DEFAULT_PROVINCE:
            known = self._factors.get(GRID)
            value, unit, status = known.value, known.unit, known.status
            source = self._factors.cited_sources[GRID]
            year = "" if known.year is None else str(known.year)
        else:
            published = provincial_grid().published(province)
            if published is None:
                raise InvalidActivityData(str(unsourced_reason(province)), field="province")
            row = published.row
            value, unit, status, year = row.value, "tCO2/MWh", row.status, str(row.year)
            source = published.citation
        self.trace[GRID] = (value, unit, source)
        self.trace["grid_province"] = (province.value, year, source)
        self._used.append(FactorUse(GRID, status))
        return value

    def default_for(self, name: str, key: str) -> float:
        """Activity field `name`, or the set's conservative default `key` when it is absent."""
        value = self.maybe(name)
        if value is not None:
            return value
        self._defaults.append(name)
        return self.factor(key)

    def step(self, name: str, value: float, unit: str, formula: str) -> float:
        """Record an intermediate value with the formula that produced it."""
        self.trace[name] = (value, unit, formula)
        return value

    def note(self, name: str, text: str, source: str) -> None:
        """Record a qualitative finding (a rule that applied, a scale that was chosen)."""
        self.trace[name] = (text, "", source)

    def result(self, baseline: float, project: float, leakage: float = 0.0) -> MethodologyResult:
        """Close the worksheet: ER = BE − PE − LE, and note an unused declaration."""
        annual = baseline - project - leakage
        self.step("baseline_tco2e", baseline, "tCO2e/yr", "BE")
        self.step("project_tco2e", project, "tCO2e/yr", "PE")
        self.step("leakage_tco2e", leakage, "tCO2e/yr", "LE")
        self.step("annual_tco2e", annual, "tCO2e/yr", "ER = BE − PE − LE")
        declared = self._declared
        if declared is not None and all(use.key != declared.factor for use in self._used):
            self.trace["declared_factor_unused"] = (
                declared.factor,
                "",
                f"the methodology uses no factor named {declared.factor!r}",
            )
        return MethodologyResult(
            annual_tco2e=annual,
            baseline_tco2e=baseline,
            project_tco2e=project,
            leakage_tco2e=leakage,
            trace=self.trace,
            factors_used=tuple(self._used),
            defaults_used=tuple(self._defaults),
        )
