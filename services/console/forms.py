"""Turning what a browser posts (text) into the contracts' types, naming what cannot be."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

MAX_TEXT = 4000


def text(form: Mapping[str, Any], name: str) -> str:
    value = form.get(name, "")
    return value.strip()[:MAX_TEXT] if isinstance(value, str) else ""


def number(raw: str, name: str, errors: dict[str, str], *, integer: bool) -> float | int | None:
    """The number typed, None when blank; letters, NaN or infinity are named in `errors`."""
    if not raw:
        return None
    try:
        value = int(raw) if integer else float(raw)
    except ValueError:
        errors[name] = "form.error.integer" if integer else "form.error.number"
        return None
    if isinstance(value, float) and not math.isfinite(value):
        errors[name] = "form.error.number"
        return None
    return value


def texts(form: Mapping[str, Any], names: tuple[str, ...]) -> dict[str, str]:
    """The non-blank text fields among `names` (money and dates travel as text)."""
    return {name: value for name in names if (value := text(form, name))}


def integers(
    form: Mapping[str, Any], names: tuple[str, ...], errors: dict[str, str]
) -> dict[str, int | float]:
    found = {name: number(text(form, name), name, errors, integer=True) for name in names}
    return {k: v for k, v in found.items() if v is not None}


def choices_of(form: Any, name: str) -> list[str]:
    """Every checked box of a group (a multi-valued field)."""
    getlist = getattr(form, "getlist", None)
    values = getlist(name) if getlist else []
    return [v for v in values if isinstance(v, str)][:50]
