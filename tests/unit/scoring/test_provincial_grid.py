"""A project's province chooses its published grid factor, traced with province, year and source;
a province whose own factor is not sourced takes its regional grid's, named in the trace."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from schemas import physical_limits
from schemas.project import ProjectSpec
from schemas.provincial_grid import ProvincialGridTable, provincial_grid, unsourced_reason
from schemas.scoring import TraceItem
from schemas.vocabulary import Fuel, ProjectType, Province
from scoring.estimate.catalogue import compute
from scoring.estimate.factors import FactorSet
from scoring.score.batch import ScoreRecord, score_batch

BuildProject = Callable[..., ProjectSpec]

pytestmark = pytest.mark.unit
SOURCED = sorted(provincial_grid().values)
UNSOURCED = sorted(set(Province) - set(SOURCED))


def test_a_project_without_a_province_is_in_hunan_and_traces_the_sets_factor_and_year(
    factors: FactorSet, make_project: BuildProject
) -> None:
    project = make_project(ProjectType.WIND, annual_generation_mwh=1_000)
    result = compute(project, factors)
    assert project.province is Province.HUNAN
    assert result.trace["grid_electricity_tco2_per_mwh"][0] == 0.4976
    province, year, source = result.trace["grid_province"]
    assert (province, year) == ("hunan", "2023")
    assert "hunan-2023" in source and "Hunan" in source


@pytest.mark.parametrize("province", [p for p in SOURCED if p is not Province.HUNAN])
def test_each_sourced_province_uses_its_newest_published_factor_with_year_and_source(
    factors: FactorSet, make_project: BuildProject, province: Province
) -> None:
    row = provincial_grid().newest(province)
    assert row is not None
    result = compute(make_project(ProjectType.SOLAR_PV, annual_generation_mwh=1_000), factors)
    elsewhere = make_project(ProjectType.SOLAR_PV, annual_generation_mwh=1_000, province=province)
    moved = compute(elsewhere, factors)
    assert moved.annual_tco2e == pytest.approx(1_000 * row.value)
    assert moved.annual_tco2e != result.annual_tco2e
    name, year, source = moved.trace["grid_province"]
    assert (name, year) == (province.value, str(row.year))
    assert row.source in source and row.status in source


def test_grid_electricity_a_project_consumes_is_charged_at_its_provinces_factor(
    factors: FactorSet, make_project: BuildProject
) -> None:
    """Pure electrification of a boiler in Sichuan: the new load is charged at Sichuan's factor."""
    project = make_project(
        ProjectType.FUEL_SWITCH,
        baseline_fuel=Fuel.COAL,
        baseline_fuel_gj=10_000,
        project_electricity_mwh=1_000,
        province=Province.SICHUAN,
    )
    result = compute(project, factors)
    tdl = factors.value("grid_td_loss_ratio")
    assert result.project_tco2e == pytest.approx(1_000 * 0.1404 * (1 + tdl))


@pytest.mark.parametrize("province", UNSOURCED)
def test_a_province_without_its_own_factor_is_scored_at_its_regional_grids_named_in_the_trace(
    factors: FactorSet, make_project: BuildProject, province: Province
) -> None:
    published = provincial_grid().published(province)
    assert published is not None and published.region is not None
    project = make_project(ProjectType.WIND, annual_generation_mwh=1_000, province=province)
    result = compute(project, factors)
    assert result.annual_tco2e == pytest.approx(1_000 * published.row.value)
    name, year, source = result.trace["grid_province"]
    assert (name, year) == (province.value, str(published.row.year))
    assert "MEE regional table" in source and published.region in source
    assert f"standing in for {province.value}" in source
    [record] = score_batch([project], factors)
    assert isinstance(record, ScoreRecord)
    assert unsourced_reason(province) is None


def test_guangdong_is_scored_at_the_china_southern_grids_2022_factor(
    factors: FactorSet, make_project: BuildProject
) -> None:
    project = make_project(
        ProjectType.SOLAR_PV, annual_generation_mwh=1_000, province=Province.GUANGDONG
    )
    result = compute(project, factors)
    assert result.annual_tco2e == pytest.approx(386.9)
    assert "南方" in result.trace["grid_province"][2]


def test_every_province_belongs_to_exactly_one_regional_grid() -> None:
    regions = provincial_grid().regions
    members = [p for region in regions.values() for p in region.provinces]
    assert sorted(members) == sorted(Province)
    assert len(regions) == 7
    for region in regions.values():
        assert all(row.source and row.status == "secondary" for row in region.values)


def test_a_province_in_two_regions_is_refused_when_the_table_loads() -> None:
    table = provincial_grid().model_dump()
    first, second = list(table["regions"])[:2]
    table["regions"][second]["provinces"] = [
        *table["regions"][second]["provinces"],
        table["regions"][first]["provinces"][0],
    ]
    with pytest.raises(ValueError, match="more than one region"):
        ProvincialGridTable.model_validate(table)


def test_a_province_in_no_region_and_without_a_row_has_no_published_factor() -> None:
    table = provincial_grid().model_copy(update={"regions": {}})
    assert table.published(Province.GUANGDONG) is None
    assert table.published(Province.SICHUAN) is not None


def test_a_project_using_no_grid_factor_is_scored_in_any_province(
    factors: FactorSet, make_project: BuildProject
) -> None:
    forest = make_project(
        ProjectType.FORESTRY,
        area_ha=100,
        sequestration_tco2e_per_ha=3,
        province=UNSOURCED[0],
    )
    assert compute(forest, factors).annual_tco2e == pytest.approx(300)


def test_every_provincial_value_is_dated_sourced_and_marked_primary_or_secondary() -> None:
    table = provincial_grid()
    assert Province.HUNAN in table.values
    for province, rows in table.values.items():
        assert rows, province
        for row in rows:
            assert row.source and row.status in ("primary", "secondary")
            assert 2021 <= row.year <= row.published.year


def test_the_hunan_rows_agree_with_the_hunan_factor_sets(
    all_factor_sets: dict[str, FactorSet],
) -> None:
    by_year = {r.year: r.value for r in provincial_grid().values[Province.HUNAN]}
    for factor_set in all_factor_sets.values():
        grid = factor_set.get("grid_electricity_tco2_per_mwh")
        assert grid.year is not None and by_year[grid.year] == grid.value


def test_run_of_river_hydro_needs_no_reservoir_area_but_a_given_area_keeps_the_density_rule(
    factors: FactorSet, make_project: BuildProject
) -> None:
    river = make_project(ProjectType.HYDRO, annual_generation_mwh=10_000)
    reservoir = make_project(
        ProjectType.HYDRO, annual_generation_mwh=10_000, capacity_mw=10, reservoir_area_km2=2
    )
    assert compute(river, factors).annual_tco2e == pytest.approx(10_000 * 0.4976)
    dammed = compute(reservoir, factors)
    assert dammed.trace["power_density_w_per_m2"][0] == pytest.approx(5)
    assert dammed.annual_tco2e == pytest.approx(10_000 * (0.4976 - 0.09))


def test_data_centre_savings_scale_with_operating_hours(
    factors: FactorSet, make_project: BuildProject
) -> None:
    def saved(**hours: float) -> float:
        project = make_project(
            ProjectType.DATA_CENTRE_PUE, it_load_kw=1_000, pue_before=1.6, pue_after=1.3, **hours
        )
        return float(compute(project, factors).trace["electricity_saved_mwh"][0])

    assert saved() == pytest.approx(1_000 * 0.3 * 8_760 / 1_000)
    assert saved(operating_hours_per_year=4_380) == pytest.approx(saved() / 2)


def test_operating_hours_beyond_a_year_are_physically_impossible(
    make_project: BuildProject,
) -> None:
    project = make_project(
        ProjectType.DATA_CENTRE_PUE,
        it_load_kw=1_000,
        pue_before=1.6,
        pue_after=1.3,
        operating_hours_per_year=8_761,
    )
    [breach] = physical_limits.breaches(project.activity)
    assert (breach.code, breach.path) == (
        "operating_hours_exceed_year",
        "activity.operating_hours_per_year",
    )
    assert "8,760 h" in breach.reason


def test_a_fuel_abandoned_outright_needs_no_project_side_field(
    factors: FactorSet, make_project: BuildProject
) -> None:
    project = make_project(
        ProjectType.FUEL_SWITCH, baseline_fuel=Fuel.NATURAL_GAS, baseline_fuel_gj=1_000
    )
    result = compute(project, factors)
    assert result.project_tco2e == 0
    assert result.annual_tco2e == pytest.approx(1_000 * 0.0561)
    assert "abandoned" in str(result.trace["project_side"][0])


@pytest.mark.parametrize("province", list(Province))
def test_every_provinces_trace_fits_the_scored_event(
    factors: FactorSet, make_project: BuildProject, province: Province
) -> None:
    project = make_project(ProjectType.WIND, annual_generation_mwh=1_000, province=province)
    for name, (value, unit, source) in compute(project, factors).trace.items():
        TraceItem(name=name, value=value, unit=unit, source=source)


def test_a_declared_grid_factor_is_held_to_its_own_provinces_published_value(
    factors: FactorSet, make_project: BuildProject
) -> None:
    """The Hebei wind PDD's North China factor (1.07527) is within 1.5× Hebei's 2022 value
    (0.7252) but more than 2× Hunan's; a Yunnan plant declaring it is credited at 1.5× Yunnan's."""

    def scored(province: Province) -> ScoreRecord:
        project = make_project(
            ProjectType.WIND,
            annual_generation_mwh=96_530,
            province=province,
            declared={"value": 1.07527, "source": "Hebei wind PDD, North China grid CM"},
        )
        [record] = score_batch([project], factors)
        assert isinstance(record, ScoreRecord)
        return record

    codes = {p: {f.code for f in scored(p).flags} for p in (Province.HEBEI, Province.HUNAN)}
    assert "declared_factor_far_from_default" not in codes[Province.HEBEI]
    assert "declared_factor_far_from_default" in codes[Province.HUNAN]
    yunnan = scored(Province.YUNNAN)
    assert yunnan.annual_tco2e == pytest.approx(96_530 * 0.1073 * 1.5)
    assert "yunnan 2022" in str(yunnan.trace)
