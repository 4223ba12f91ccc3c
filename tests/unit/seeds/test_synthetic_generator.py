"""The synthetic generator is deterministic, valid, breaks exactly the rows asked, and streams."""

from __future__ import annotations

import csv
import io
import time
import tracemalloc
from collections import Counter
from collections.abc import Iterator
from itertools import islice
from typing import Any

import orjson
import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from schemas.enterprise import EnterpriseSpec
from schemas.project import ProjectSpec
from seeds.synthetic import (
    CSV_COLUMNS,
    DEFECTS,
    app,
    bad_row_count,
    csv_record,
    synthetic_enterprises,
    synthetic_projects,
    synthetic_rows,
)

pytestmark = pytest.mark.unit

CODES = [e["credit_code"] for e in synthetic_enterprises(50, seed=7)]


def _is_valid(project: dict[str, Any]) -> bool:
    try:
        ProjectSpec.model_validate(project)
    except ValidationError:
        return False
    return True


def test_the_same_seed_gives_the_same_rows_and_another_seed_other_rows() -> None:
    first = list(synthetic_projects(300, CODES, seed=11))
    assert first == list(synthetic_projects(300, CODES, seed=11))
    assert first != list(synthetic_projects(300, CODES, seed=12))
    enterprises = list(synthetic_enterprises(100, seed=3))
    assert enterprises == list(synthetic_enterprises(100, seed=3))


def test_rows_without_bad_fraction_are_valid_projects_of_the_given_enterprises() -> None:
    lines = list(synthetic_projects(3000, CODES, seed=5))
    assert all(_is_valid(line["project"]) for line in lines)
    assert {line["enterprise_credit_code"] for line in lines} <= set(CODES)
    assert len({line["key"] for line in lines}) == len(lines)
    assert len({line["project"]["type"] for line in lines}) == 21
    assert len({line["project"]["city"] for line in lines}) == 14


def test_synthetic_enterprises_are_valid_with_distinct_credit_codes() -> None:
    enterprises = list(synthetic_enterprises(5000, seed=9))
    for enterprise in enterprises[:500]:
        EnterpriseSpec.model_validate(enterprise)
    assert len({e["credit_code"] for e in enterprises}) == 5000


@pytest.mark.parametrize(
    ("n", "fraction"), [(1000, 0.05), (37, 0.5), (10, 1.0), (500, 0.0), (7, 0.001)]
)
def test_exactly_the_requested_rows_are_bad_and_each_fails_validation(
    n: int, fraction: float
) -> None:
    rows = list(synthetic_rows(n, CODES, seed=1, bad_fraction=fraction))
    bad = [r for r in rows if r.defect is not None]
    assert len(rows) == n
    assert len(bad) == bad_row_count(n, fraction) == round(n * fraction + 1e-9)
    assert not any(_is_valid(r.row["project"]) for r in bad)
    assert all(_is_valid(r.row["project"]) for r in rows if r.defect is None)


def test_bad_rows_cycle_through_every_defect_evenly() -> None:
    counts = Counter(r.defect for r in synthetic_rows(400, CODES, seed=2, bad_fraction=0.1))
    assert counts.pop(None) == 360
    assert counts == dict.fromkeys(DEFECTS, 4)


def test_nan_rows_put_nan_in_one_quantity_refused_as_json_text_and_as_not_finite() -> None:
    rows = list(synthetic_rows(2000, CODES, seed=6, bad_fraction=0.5))
    nan_rows = [r.row["project"] for r in rows if r.defect == "nan_quantity"]
    assert len(nan_rows) == 100
    for project in nan_rows:
        [field] = [name for name, value in project["activity"].items() if value == "NaN"]
        # JSON must carry numbers; a text intake (CSV) reads "NaN" as a number, then refuses it.
        for strict, error in ((None, "float_type"), (False, "finite_number")):
            with pytest.raises(ValidationError) as refused:
                ProjectSpec.model_validate(project, strict=strict)
            errors = [(e["type"], e["loc"]) for e in refused.value.errors()]
            assert errors == [(error, ("activity", field))]


def test_good_rows_do_not_depend_on_how_many_rows_are_bad() -> None:
    clean = list(synthetic_projects(200, CODES, seed=4))
    mixed = list(synthetic_rows(200, CODES, seed=4, bad_fraction=0.3))
    assert [r.row for r in mixed if r.defect is None] == [
        line for line, r in zip(clean, mixed, strict=True) if r.defect is None
    ]


def test_arguments_are_checked_before_the_first_row_is_asked_for() -> None:
    with pytest.raises(ValueError, match="bad_fraction"):
        synthetic_projects(10, CODES, seed=1, bad_fraction=1.5)
    with pytest.raises(ValueError, match="credit code"):
        synthetic_projects(10, [], seed=1)


def test_generators_stream_instead_of_building_the_rows_up_front() -> None:
    started = time.perf_counter()
    projects = synthetic_projects(10**12, CODES, seed=7, bad_fraction=0.01)
    enterprises = synthetic_enterprises(31**5, seed=7)
    assert isinstance(projects, Iterator) and isinstance(enterprises, Iterator)
    assert len(list(islice(projects, 5))) == len(list(islice(enterprises, 5))) == 5
    assert time.perf_counter() - started < 1.0
    tracemalloc.start()
    for _ in islice(projects, 5000):
        pass
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 2_000_000


def _project_from_csv(record: dict[str, str]) -> dict[str, Any]:
    """Read a CSV line back the way an intake would: empty cells are absent fields."""
    project: dict[str, Any] = {}
    for column, cell in record.items():
        if cell == "" or column in ("key", "enterprise_credit_code"):
            continue
        group, _, field = column.partition(".")
        if field:
            project.setdefault(group, {})[field] = cell
        elif column == "instruments":
            project[column] = cell.split("|")
        elif column == "evidence":
            project[column] = orjson.loads(cell)
        else:
            project[column] = cell
    project.setdefault("activity", {})
    return project


def test_csv_records_read_back_to_the_same_projects() -> None:
    lines = list(synthetic_projects(500, CODES, seed=8))
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(CSV_COLUMNS)
    writer.writerows(csv_record(line) for line in lines)
    text.seek(0)
    for line, record in zip(lines, csv.DictReader(text), strict=True):
        assert record["key"] == line["key"]
        # CSV cells are all text, so read them leniently as the registry's CSV intake does.
        from_csv = ProjectSpec.model_validate(_project_from_csv(record), strict=False)
        assert from_csv == ProjectSpec.model_validate(line["project"])


def test_command_line_writes_the_requested_rows_and_reports_the_bad_ones() -> None:
    result = CliRunner().invoke(
        app,
        [
            "projects",
            "--count",
            "40",
            "--out",
            "-",
            "--seed",
            "3",
            "--bad-fraction",
            "0.25",
            "--enterprises",
            "5",
        ],
    )
    assert result.exit_code == 0, result.output
    lines = [orjson.loads(b) for b in result.stdout_bytes.splitlines()]
    assert [line["key"] for line in lines] == [f"syn-3-{i:08d}" for i in range(40)]
    assert sum(not _is_valid(line["project"]) for line in lines) == 10
    assert "10 bad" in result.stderr


def test_command_line_csv_has_a_header_and_one_record_per_row() -> None:
    result = CliRunner().invoke(app, ["projects", "--count", "25", "--out", "-", "--format", "csv"])
    assert result.exit_code == 0, result.output
    records = list(csv.reader(io.StringIO(result.stdout)))
    assert records[0] == list(CSV_COLUMNS)
    assert len(records) == 26
