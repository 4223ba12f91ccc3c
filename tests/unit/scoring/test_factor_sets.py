"""Factor sets: sourced values, one active set, clear errors for unknown factors or bad files."""

from __future__ import annotations

from pathlib import Path

import pytest

from scoring.estimate.errors import FactorSetError, UnknownFactor
from scoring.estimate.factors import FactorSet, active_factor_set, load_factor_set, load_factor_sets

pytestmark = pytest.mark.unit


def test_hunan_2023_is_the_active_default_with_the_provincial_grid_factor(
    all_factor_sets: dict[str, FactorSet],
) -> None:
    active = active_factor_set(all_factor_sets)
    assert active.id == "hunan-2023"
    grid = active.get("grid_electricity_tco2_per_mwh")
    assert (grid.value, grid.unit, grid.status) == (0.4976, "tCO2/MWh", "secondary")
    assert "Hunan" in grid.source


def test_the_superseded_2022_set_is_kept_inactive(all_factor_sets: dict[str, FactorSet]) -> None:
    older = all_factor_sets["hunan-2022"]
    assert not older.active
    assert older.value("grid_electricity_tco2_per_mwh") == 0.4900
    assert older.published < all_factor_sets["hunan-2023"].published


def test_every_value_carries_unit_source_and_status(all_factor_sets: dict[str, FactorSet]) -> None:
    for factor_set in all_factor_sets.values():
        for key, value in factor_set.values.items():
            assert value.unit and value.source, key
            assert value.status in ("primary", "secondary"), key


def test_official_series_match_the_reference_sheet(all_factor_sets: dict[str, FactorSet]) -> None:
    expected = {
        "hunan-2023": {
            "grid_national_average_tco2_per_mwh": 0.5306,
            "grid_central_china_tco2_per_mwh": 0.5271,
            "grid_national_fossil_tco2_per_mwh": 0.8273,
        },
        "hunan-2022": {
            "grid_national_average_tco2_per_mwh": 0.5366,
            "grid_central_china_tco2_per_mwh": 0.5395,
            "grid_national_fossil_tco2_per_mwh": 0.8325,
        },
    }
    for set_id, values in expected.items():
        for key, value in values.items():
            assert all_factor_sets[set_id].value(key) == value


def test_china_default_fuel_factors_equal_ncv_times_ef(factors: FactorSet) -> None:
    for fuel, per_tonne in (("diesel", 3.096), ("gasoline", 2.925)):
        product = factors.value(f"fuel.{fuel}.ncv_gj_per_t") * factors.value(
            f"fuel.{fuel}.ef_tco2_per_gj"
        )
        assert product == pytest.approx(per_tonne, rel=5e-4)


def test_an_unknown_factor_is_named_with_its_set(factors: FactorSet) -> None:
    with pytest.raises(UnknownFactor, match=r"factor set 'hunan-2023' has no factor 'unobtainium'"):
        factors.get("unobtainium")


def test_a_malformed_file_names_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "broken.json"
    bad.write_text('{"id": "x", "version": 1}')
    with pytest.raises(FactorSetError, match=r"broken\.json"):
        load_factor_set(bad)


def test_a_directory_without_exactly_one_active_set_is_refused(
    tmp_path: Path, all_factor_sets: dict[str, FactorSet]
) -> None:
    for factor_set in all_factor_sets.values():
        twin = factor_set.model_copy(update={"active": True})
        (tmp_path / f"{factor_set.id}.json").write_text(twin.model_dump_json())
    with pytest.raises(FactorSetError, match="exactly one factor set must be active"):
        active_factor_set(load_factor_sets(tmp_path))
