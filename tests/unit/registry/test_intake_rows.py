"""Uploaded rows become project descriptions, or a reason naming the bad field."""

from __future__ import annotations

import csv
import io

import orjson
import pytest

from registry.intake_rows import RowError, parse_row, split_csv, split_jsonl
from seeds.synthetic import CSV_COLUMNS, csv_record, synthetic_projects
from tests.support.samples import project_body

pytestmark = pytest.mark.unit


def test_synthetic_generator_csv_rows_parse_as_projects() -> None:
    """The generator's CSV, less its dataset columns (owner and key), is an intake upload."""
    keep = [i for i, c in enumerate(CSV_COLUMNS) if c not in ("key", "enterprise_credit_code")]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([CSV_COLUMNS[i] for i in keep])
    rows = list(synthetic_projects(25, ["91430100MA4L0000X1"], seed=3))
    for row in rows:
        cells = csv_record(row)
        writer.writerow([cells[i] for i in keep])
    parsed = [parse_row(raw, "csv") for _, raw in split_csv(buffer.getvalue())]
    assert len(parsed) == 25


def test_jsonl_line_numbers_skip_blank_lines() -> None:
    text = orjson.dumps(project_body()).decode() + "\n\n" + orjson.dumps(project_body()).decode()
    assert [n for n, _ in split_jsonl(text)] == [1, 3]


def test_bad_row_reason_names_the_field() -> None:
    with pytest.raises(RowError, match="city"):
        parse_row(orjson.dumps(project_body(city="atlantis")).decode(), "jsonl")


def test_non_json_row_is_refused_with_a_reason() -> None:
    with pytest.raises(RowError, match="not valid JSON"):
        parse_row("{nope", "jsonl")


@pytest.mark.usefixtures("no_regional_factors")
def test_a_row_in_a_province_without_any_sourced_grid_factor_is_refused_naming_it() -> None:
    with pytest.raises(RowError, match="province guangdong"):
        parse_row(orjson.dumps(project_body(province="guangdong")).decode(), "jsonl")
    assert parse_row(orjson.dumps(project_body(province="yunnan")).decode(), "jsonl").province


def test_a_csv_row_names_its_province_and_operating_hours() -> None:
    body = project_body(
        type="data_centre_pue",
        province="guangxi",
        activity={"it_load_kw": 1000, "pue_before": 1.6, "pue_after": 1.3},
    )
    flat = {k: str(v) for k, v in body.items() if k not in ("activity", "instruments")}
    flat |= {"instruments": "green_loan", "activity.it_load_kw": "1000"}
    flat |= {"activity.pue_before": "1.6", "activity.pue_after": "1.3"}
    flat |= {"activity.operating_hours_per_year": "8000"}
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(flat))
    writer.writeheader()
    writer.writerow(flat)
    [(_, raw)] = list(split_csv(buffer.getvalue()))
    spec = parse_row(raw, "csv")
    assert (spec.province, spec.activity.operating_hours_per_year) == ("guangxi", 8000)
