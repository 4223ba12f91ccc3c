"""Cursor pagination shared by every list endpoint: stable under inserts, capped in size."""

from __future__ import annotations

import base64
from typing import Annotated, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel

from servicekit.errors import Unprocessable

T = TypeVar("T")
MAX_PAGE = 500

Limit = Annotated[int, Query(ge=1, le=MAX_PAGE, description="Items per page (at most 500).")]
Cursor = Annotated[
    str | None,
    Query(max_length=64, description="`next_cursor` of the previous page; omit for the first."),
]


class Page(BaseModel, Generic[T]):
    """A page of items and the cursor of the next one (null on the last page)."""

    items: list[T]
    next_cursor: str | None


def encode_cursor(position: int) -> str:
    return base64.urlsafe_b64encode(str(position).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int:
    """The position after which the next page starts; 422 for a cursor we never issued."""
    if not cursor:
        return 0
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        position = int(base64.urlsafe_b64decode(padded.encode()).decode())
    except (ValueError, UnicodeDecodeError):
        raise Unprocessable("cursor is not one this API issued", field="after") from None
    if position < 0:
        raise Unprocessable("cursor is not one this API issued", field="after")
    return position


def next_cursor(positions: list[int], limit: int) -> str | None:
    return encode_cursor(positions[-1]) if len(positions) == limit else None
