"""Turning uploaded JSONL lines or CSV records into project descriptions. Pure."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from typing import Any, TextIO

import orjson
from pydantic import ValidationError

from schemas import physical_limits
from schemas.project import ActivityData, ProjectSpec
from schemas.provincial_grid import unsourced_reason

ACTIVITY_FIELDS = frozenset(ActivityData.model_fields)
LIST_FIELDS = frozenset({"instruments"})
JSON_FIELDS = frozenset({"evidence"})
MAX_LINE_BYTES = 64 * 1024
EXTRA_CELLS = "__extra_cells__"


class RowError(ValueError):
    """Why one uploaded row was refused, phrased for the person who uploaded it."""


class UploadError(ValueError):
    """An upload that cannot be split into rows at all (a broken CSV record), with its line."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line


def _readable(source: str | TextIO) -> TextIO:
    return io.StringIO(source, newline="") if isinstance(source, str) else source


def split_jsonl(source: str | TextIO) -> Iterator[tuple[int, str]]:
    """Non-blank lines with their 1-based line numbers, read one line at a time.

    A line longer than MAX_LINE_BYTES is cut just past the limit (parse_row then refuses it)
    and the rest skipped, so one endless line cannot fill the memory.
    """
    stream = _readable(source)
    number = 0
    while line := stream.readline(MAX_LINE_BYTES + 1):
        number += 1
        if len(line) > MAX_LINE_BYTES and not line.endswith(("\n", "\r")):
            while (rest := stream.readline(MAX_LINE_BYTES)) and not rest.endswith(("\n", "\r")):
                pass
        if line.strip():
            yield number, line.rstrip("\r\n")


def split_csv(source: str | TextIO) -> Iterator[tuple[int, str]]:
    """Each CSV record as a JSON object keyed by the header, numbered by its first line.

    The csv module's field size limit bounds what one record can hold in memory.
    """
    reader = csv.DictReader(_readable(source), restkey=EXTRA_CELLS)
    line = 1
    try:
        _ = reader.fieldnames  # the header, so the first record is numbered after it
        line = reader.line_num + 1
        for record in reader:
            yield line, orjson.dumps(record).decode()
            line = reader.line_num + 1
    except csv.Error as exc:
        raise UploadError(line, f"not a readable CSV record: {exc}") from None


def _nest_csv(record: dict[str, Any]) -> dict[str, Any]:
    """Flat CSV columns → ProjectSpec shape.

    Activity columns may be bare (`capacity_mw`) or dotted (`activity.capacity_mw`), the
    declared factor `declared_factor_value` or `declared_factor.value`, and list cells separate
    values with `;` or `|` (evidence is a JSON list), so spreadsheets and the synthetic
    generator both load.
    """
    spec: dict[str, Any] = {}
    activity: dict[str, Any] = {}
    factor: dict[str, Any] = {}
    for raw_key, value in record.items():
        if raw_key == EXTRA_CELLS:
            raise RowError("row has more cells than the header")
        if value is None or value == "":
            continue
        key = raw_key.removeprefix("activity.")
        if key in ACTIVITY_FIELDS:
            activity[key] = value
        elif key in JSON_FIELDS:
            try:
                spec[key] = orjson.loads(value)
            except orjson.JSONDecodeError:
                raise RowError(f"{key}: cell must hold a JSON list") from None
        elif key in LIST_FIELDS:
            spec[key] = [v.strip() for v in re.split(r"[;|]", value) if v.strip()]
        elif key.startswith(("declared_factor_", "declared_factor.")):
            factor[key[len("declared_factor_") :]] = value
        else:
            spec[key] = value
    spec["activity"] = activity
    if factor:
        spec["declared_factor"] = factor
    return spec


def parse_row(raw: str, fmt: str) -> ProjectSpec:
    """Validate one staged row; RowError says which field is wrong and why."""
    if len(raw) > MAX_LINE_BYTES:
        raise RowError(f"row longer than {MAX_LINE_BYTES} bytes")
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise RowError(f"not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise RowError("a row must be a JSON object")
    if fmt == "csv":
        data = _nest_csv(data)
    try:
        # CSV cells are all text, so only CSV rows may spell numbers and flags as strings.
        spec = ProjectSpec.model_validate(data, strict=False if fmt == "csv" else None)
    except ValidationError as exc:
        raise RowError(describe(exc)) from None
    if impossible := physical_limits.breaches(spec.activity):
        raise RowError(physical_limits.describe(impossible)[:1000])
    if reason := unsourced_reason(spec.province):
        raise RowError(reason[:1000])
    return spec


def describe(exc: ValidationError) -> str:
    """One line naming each bad field, e.g. `capex_cny: Input should be greater than 0`."""
    parts = [
        f"{'.'.join(str(p) for p in err['loc']) or 'row'}: {err['msg']}" for err in exc.errors()
    ]
    return "; ".join(parts)[:1000]
