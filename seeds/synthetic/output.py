"""How lines leave the generator: JSON Lines bytes, flat CSV records, a file or stdout."""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from enum import StrEnum
from pathlib import Path
from typing import IO

import orjson

from schemas.project import ActivityData
from seeds.synthetic.shapes import Row

_PROJECT_COLUMNS = (
    "name",
    "description",
    "type",
    "city",
    "county",
    "province",
    "capex_cny",
    "financing_need_cny",
    "instruments",
    "tenor_months",
    "lifetime_years",
    "construction_start",
    "operation_date",
    "high_energy_high_emission",
)
_ACTIVITY_FIELDS = tuple(ActivityData.model_fields)
_DECLARED_FIELDS = ("factor", "value", "source")
CSV_COLUMNS: tuple[str, ...] = (
    "key",
    "enterprise_credit_code",
    *_PROJECT_COLUMNS,
    *(f"activity.{f}" for f in _ACTIVITY_FIELDS),
    *(f"declared_factor.{f}" for f in _DECLARED_FIELDS),
    "evidence",
)
"""Flat CSV shape: instruments joined by "|", evidence as a JSON array, absent values empty."""


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "|".join(value)
    return str(value)


def csv_record(line: Row) -> list[str]:
    """One project line flattened in CSV_COLUMNS order."""
    project, declared = line["project"], line["project"].get("declared_factor") or {}
    activity, evidence = project["activity"], project.get("evidence")
    return [
        line["key"],
        line["enterprise_credit_code"],
        *(_cell(project.get(c)) for c in _PROJECT_COLUMNS),
        *(_cell(activity.get(f)) for f in _ACTIVITY_FIELDS),
        *(_cell(declared.get(f)) for f in _DECLARED_FIELDS),
        orjson.dumps(evidence).decode() if evidence else "",
    ]


def jsonl_bytes(lines: Iterable[Row]) -> bytes:
    """Lines as UTF-8 JSON Lines, Chinese unescaped, exactly as the seed files hold them."""
    return b"".join(orjson.dumps(line, option=orjson.OPT_APPEND_NEWLINE) for line in lines)


class OutputFormat(StrEnum):
    JSONL = "jsonl"
    CSV = "csv"


@contextmanager
def binary_out(path: Path) -> Iterator[IO[bytes]]:
    """The file at `path` opened for bytes, or stdout when `path` is "-"."""
    if str(path) == "-":
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
    else:
        with path.open("wb") as fh:
            yield fh


def line_sink(stack: ExitStack, out: Path, fmt: OutputFormat) -> Callable[[Row], object]:
    """A writer of one line at a time to `out` in `fmt`; CSV starts with its header row."""
    fh = stack.enter_context(binary_out(out))
    if fmt is OutputFormat.JSONL:
        dumps, option, write = orjson.dumps, orjson.OPT_APPEND_NEWLINE, fh.write
        return lambda line: write(dumps(line, option=option))
    text = io.TextIOWrapper(fh, encoding="utf-8", newline="")
    stack.callback(text.detach)
    writer = csv.writer(text)
    writer.writerow(CSV_COLUMNS)
    return lambda line: writer.writerow(csv_record(line))
