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
