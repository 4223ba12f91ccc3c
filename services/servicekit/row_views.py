"""An API view built from a database row or a domain object, written once: every column or
attribute named like one of the view's fields fills it; what the endpoint computes or renames
is given by keyword."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel

if TYPE_CHECKING:
    import asyncpg

V = TypeVar("V", bound=BaseModel)


def row_view(view: type[V], row: asyncpg.Record, **given: Any) -> V:
    """`view` from the row's columns of its fields' names, `given` taking precedence."""
    fields = view.model_fields
    return view(**{k: v for k, v in row.items() if k in fields and k not in given}, **given)


def object_view(view: type[V], source: object, **given: Any) -> V:
    """`view` from `source`'s attributes of its fields' names (each must exist), `given`
    taking precedence."""
    named = {k: getattr(source, k) for k in view.model_fields if k not in given}
    return view(**named, **given)
