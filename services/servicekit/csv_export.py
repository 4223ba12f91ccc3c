"""CSV export of any report (`?format=csv` or `Accept: text/csv`, one flat row per item),
shared by every service that offers a download."""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Iterable, Mapping
from typing import Annotated, Any, Literal

import orjson
from fastapi import Depends, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel

Format = Annotated[
    Literal["json", "csv"] | None,
    Query(description="`csv` for a spreadsheet; otherwise chosen by the Accept header."),
]
CSV_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {"schema": {"type": "string"}}}}
}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


async def wants_csv(request: Request, format: Format = None) -> bool:
    """Whether the caller asked for CSV: `?format=` decides, else the Accept header."""
    if format is not None:
        return format == "csv"
    return "text/csv" in request.headers.get("accept", "")


WantsCsv = Annotated[bool, Depends(wants_csv)]


def flatten(doc: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested objects become `outer_inner` columns; lists stay whole as JSON text."""
    flat: dict[str, Any] = {}
    for key, value in doc.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat |= flatten(value, f"{name}_")
        elif isinstance(value, list):
            flat[name] = orjson.dumps(value, default=str).decode()
        else:
            flat[name] = value
    return flat


def _cell(value: Any) -> Any:
    """Text a spreadsheet would run as a formula is quoted; numbers and dates pass as they are."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return "" if value is None else value


def model_columns(model: type[BaseModel], prefix: str = "") -> list[str]:
    """The flattened column names of a model, so an empty report still has its header row."""
    columns: list[str] = []
    for name, info in model.model_fields.items():
        annotation = info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            columns += model_columns(annotation, f"{prefix}{name}_")
        elif isinstance(annotation, type) and dataclasses.is_dataclass(annotation):
            columns += [f"{prefix}{name}_{f.name}" for f in dataclasses.fields(annotation)]
        else:
            columns.append(f"{prefix}{name}")
    return columns


def csv_response(
    rows: Iterable[BaseModel | Mapping[str, Any]],
    filename: str,
    *,
    next_cursor: str | None = None,
    model: type[BaseModel] | None = None,
) -> Response:
    flat = [flatten(r.model_dump(mode="json") if isinstance(r, BaseModel) else r) for r in rows]
    columns: dict[str, None] = dict.fromkeys(model_columns(model)) if model else {}
    for row in flat:
        columns |= dict.fromkeys(row)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows({k: _cell(v) for k, v in row.items()} for row in flat)
    headers = {"Content-Disposition": f'attachment; filename="{filename}.csv"'}
    if next_cursor:
        headers["X-Next-Cursor"] = next_cursor
    return Response(buffer.getvalue(), media_type="text/csv; charset=utf-8", headers=headers)
