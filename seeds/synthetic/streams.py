"""Streams of synthetic project lines, good or deliberately broken, never held in memory."""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from typing import NamedTuple

from seeds.synthetic.defects import DEFECTS, SPOILERS, bad_row_count
from seeds.synthetic.geography import CITIES
from seeds.synthetic.profiles import CITY_CUM_WEIGHTS, TYPE_CUM_WEIGHTS, TYPES
from seeds.synthetic.projects import build_project
from seeds.synthetic.shapes import Row


class SyntheticRow(NamedTuple):
    """A generated line and, for a deliberately broken one, the name of its defect."""

    row: Row
    defect: str | None


def synthetic_rows(
    n: int, enterprise_credit_codes: Sequence[str], seed: int, bad_fraction: float = 0.0
) -> Iterator[SyntheticRow]:
    """Stream `n` project lines; bad ones are spread evenly and cycle through DEFECTS.

    The good rows do not depend on `bad_fraction`: a bad row is the good row it replaces, spoiled.
    """
    if n < 0 or not enterprise_credit_codes:
        raise ValueError("need n >= 0 and at least one enterprise credit code")
    return _rows(n, enterprise_credit_codes, seed, bad_row_count(n, bad_fraction))


def _rows(n: int, codes: Sequence[str], seed: int, bad: int) -> Iterator[SyntheticRow]:
    r = random.Random(seed)
    choices, randrange = r.choices, r.randrange
    for i in range(n):
        ptype = choices(TYPES, cum_weights=TYPE_CUM_WEIGHTS)[0]
        city = choices(CITIES, cum_weights=CITY_CUM_WEIGHTS[ptype])[0]
        row: Row = {
            "enterprise_credit_code": codes[randrange(len(codes))],
            "key": f"syn-{seed}-{i:08d}",
            "project": build_project(r, ptype, city),
        }
        if bad and (i + 1) * bad // n > i * bad // n:
            defect = DEFECTS[(i * bad // n) % len(DEFECTS)]
            SPOILERS[defect](row["project"])
            yield SyntheticRow(row, defect)
        else:
            yield SyntheticRow(row, None)


def synthetic_projects(
    n: int, enterprise_credit_codes: Sequence[str], seed: int, bad_fraction: float = 0.0
) -> Iterator[Row]:
    """Stream `n` lines `{"enterprise_credit_code", "key", "project"}` (see synthetic_rows)."""
    return (item.row for item in synthetic_rows(n, enterprise_credit_codes, seed, bad_fraction))
