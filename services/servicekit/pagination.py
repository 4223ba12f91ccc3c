"""Cursor pagination shared by every list endpoint: stable under inserts, capped in size.

A cursor is the position of the last row seen, in digits: every string the documented
pattern admits is a cursor this API accepts, so clients and fuzzers never meet a surprise.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Annotated, Generic, TypeVar

import asyncpg
from fastapi import Query
from pydantic import BaseModel

from servicekit.errors import Unprocessable

T = TypeVar("T")
MAX_PAGE = 500

Limit = Annotated[int, Query(ge=1, le=MAX_PAGE, description="Items per page (at most 500).")]
Cursor = Annotated[
    str | None,
    Query(
        pattern=r"^[0-9]{1,18}$",
        description="`next_cursor` of the previous page; omit for the first.",
    ),
]


class Page(BaseModel, Generic[T]):
    """A page of items and the cursor of the next one (null on the last page)."""

    items: list[T]
    next_cursor: str | None


def encode_cursor(position: int) -> str:
    return str(position)


def decode_cursor(cursor: str | None) -> int:
    """The position after which the next page starts; 422 for a cursor we never issued."""
    if not cursor:
        return 0
    if not (cursor.isascii() and cursor.isdigit() and len(cursor) <= 18):
        raise Unprocessable("cursor is not one this API issued", field="after")
    return int(cursor)


def next_cursor(positions: list[int], limit: int) -> str | None:
    return encode_cursor(positions[-1]) if len(positions) == limit else None


def page_of(
    rows: Sequence[asyncpg.Record],
    view: Callable[[asyncpg.Record], T],
    limit: int,
    position: str = "seq",
) -> Page[T]:
    """A page of `view`s of rows read in `position` order, at most `limit` of them; a full
    page's cursor is its last row's position."""
    return Page(
        items=[view(r) for r in rows], next_cursor=next_cursor([r[position] for r in rows], limit)
    )
