"""What a methodology is, and the emission terms several methodologies share.

A methodology is a small pure function over `Workings`; its docstring carries the formula
(`Formula:`), the source (`Source:`) and the name it is listed under (`Name:`), which the
catalogue publishes verbatim.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass

from schemas.project import ActivityData, DeclaredFactor
from schemas.provincial_grid import DEFAULT_PROVINCE
from schemas.vocabulary import Fuel, ProjectType, Province
from scoring.estimate.errors import ActivityDataError, InvalidActivityData, MissingActivityData
from scoring.estimate.factors import GRID, FactorSet
from scoring.estimate.workings import MethodologyResult, Workings

TDL = "grid_td_loss_ratio"
COAL_PER_TCE = "coal_tco2_per_tce"
MAX_ANNUAL_TCO2E = 1e10  # about China's total annual CO2: no single project comes near it

Calculation = Callable[[Workings], MethodologyResult]


def _docstring_field(function: Calculation, label: str) -> str:
    lines = inspect.getdoc(function) or ""
    collected: list[str] = []
    for line in lines.splitlines():
        if collected and (not line.strip() or ":" in line.split(" ", 1)[0]):
            break
        if collected:
            collected.append(line.strip())
        elif line.startswith(f"{label}:"):
            collected.append(line.removeprefix(f"{label}:").strip())
    if not collected:
        raise ValueError(f"{function.__qualname__} docstring lacks a {label!r} line")
    return " ".join(collected)


@dataclass(frozen=True)
class Methodology:
    """A versioned methodology: identity, cited formula, where it applies, what it needs."""

    id: str
    name: str
    version: str
    formula: str
    source: str
    applicable_types: tuple[ProjectType, ...]
    required: tuple[tuple[str, ...], ...]
    calculation: Calculation

    @classmethod
    def of(
        cls,
        calculation: Calculation,
        *,
        id: str,
        version: str,
        types: tuple[ProjectType, ...],
        required: tuple[str | tuple[str, ...], ...],
        name: str | None = None,
    ) -> Methodology:
        """Build a methodology whose formula, source and (unless given) name are read from the
        function's docstring."""
        return cls(
            id=id,
            name=name or _docstring_field(calculation, "Name"),
            version=version,
            formula=_docstring_field(calculation, "Formula"),
            source=_docstring_field(calculation, "Source"),
            applicable_types=types,
            required=tuple((r,) if isinstance(r, str) else r for r in required),
            calculation=calculation,
        )

    @property
    def required_fields(self) -> tuple[str, ...]:
        """Requirements as text; `a | b` means either field will do."""
        return tuple(" | ".join(options) for options in self.required)

    def missing_field(self, activity: ActivityData) -> str | None:
        """The first requirement `activity` does not meet, or None."""
        values = activity.__dict__
        for options in self.required:
            if all(values[name] is None for name in options):
                return " | ".join(options)
        return None

    def compute(
        self,
        activity: ActivityData,
        factors: FactorSet,
        declared: DeclaredFactor | None = None,
        province: Province = DEFAULT_PROVINCE,
    ) -> MethodologyResult:
        """Run the methodology in `province`'s grid; activity-data errors name the field and
        this methodology."""
        missing = self.missing_field(activity)
        if missing is not None:
            raise MissingActivityData(
                f"methodology {self.id} ({self.name}) requires activity.{missing}",
                field=missing,
                methodology_id=self.id,
            )
        try:
            result = self.calculation(Workings(activity, factors, declared, province))
        except ActivityDataError as exc:
            exc.methodology_id = self.id
            exc.args = (f"methodology {self.id}: {exc}",)
            raise
        if not abs(result.annual_tco2e) <= MAX_ANNUAL_TCO2E:
            raise InvalidActivityData(
                f"methodology {self.id}: activity data give {result.annual_tco2e:.3g} tCO2e/yr, "
                f"beyond any single project (limit {MAX_ANNUAL_TCO2E:.0e})",
                field="activity",
                methodology_id=self.id,
            )
        return result


def methodology(
    version: str, id: str, *types: ProjectType, required: tuple[str | tuple[str, ...], ...]
) -> Callable[[Calculation], Methodology]:
    """Declare the decorated calculation a methodology applying to `types`: its identity and
    the data it needs stand above it, its name, formula and source in its docstring."""

    def declare(calculation: Calculation) -> Methodology:
        return Methodology.of(calculation, id=id, version=version, types=types, required=required)

    return declare


def grid_import_tco2e(w: Workings, mwh: float, name: str) -> float:
    """Emissions of grid electricity a project consumes, with T&D losses (CDM TOOL05)."""
    tco2e = mwh * w.factor(GRID) * (1.0 + w.factor(TDL))
    return w.step(name, tco2e, "tCO2e/yr", "MWh × EF_grid × (1 + TDL)  [CDM TOOL05]")


def fuel_combustion_tco2e(w: Workings, fuel: Fuel, gj: float, name: str) -> float:
    """CO2 of burning `gj` of a fossil fuel at its IPCC/China default factor."""
    if fuel is Fuel.ELECTRICITY:
        raise InvalidActivityData(
            "electricity is not a combustion fuel: give project_electricity_mwh instead",
            field="project_fuel",
        )
    tco2e = gj * w.factor(f"fuel.{fuel.value}.ef_tco2_per_gj")
    return w.step(name, tco2e, "tCO2e/yr", f"GJ × EF_CO2({fuel.value})")


def fuel_energy_gj(w: Workings, fuel: Fuel, tonnes: float, name: str) -> float:
    """Energy content of `tonnes` of a fuel: t × NCV."""
    gj = tonnes * w.factor(f"fuel.{fuel.value}.ncv_gj_per_t")
    return w.step(name, gj, "GJ/yr", f"t × NCV({fuel.value})")


def auxiliary_tco2e(w: Workings) -> float:
    """Project emissions from declared fossil fuel and grid electricity the project consumes."""
    total = 0.0
    fuel_gj = w.maybe("project_fuel_gj")
    if fuel_gj:
        total += fuel_combustion_tco2e(w, w.fuel("project_fuel"), fuel_gj, "pe_fuel_tco2e")
    grid_mwh = w.maybe("project_electricity_mwh")
    if grid_mwh:
        total += grid_import_tco2e(w, grid_mwh, "pe_electricity_tco2e")
    return total


def displaced_grid_tco2e(w: Workings, mwh: float, name: str = "baseline_grid_tco2e") -> float:
    """Baseline emissions of grid electricity a project displaces: MWh × EF_grid."""
    return w.step(name, mwh * w.factor(GRID), "tCO2e/yr", "MWh × EF_grid")


def generation_displacing_grid(w: Workings) -> MethodologyResult:
    """ER = EG × EF_grid − PE: generation fed to the grid displaces grid power, less what the
    plant burns or imports (ACM0002 / AMS-I.D; waste-heat power and rooftop PV alike)."""
    generation = w.need("annual_generation_mwh")
    return w.result(displaced_grid_tco2e(w, generation), auxiliary_tco2e(w))
