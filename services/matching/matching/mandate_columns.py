"""Mandates as numpy columns with a cached candidate list per (family, city) cell."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
from numpy.typing import NDArray

from matching.lending.exposure import ZERO
from matching.lending.mandates import Mandate
from matching.lending.money import to_fen
from schemas.lending import Exclusion
from schemas.vocabulary import City, Instrument, ProjectFamily

NO_LIMIT_FEN = 2**62
UNBOUNDED_FEN = 2**63 - 1
FAMILY_INDEX = {family: i for i, family in enumerate(ProjectFamily)}
CITY_INDEX = {city: i for i, city in enumerate(City)}
INSTRUMENT_BIT = {instrument: 1 << i for i, instrument in enumerate(Instrument)}

# The per-mandate arrays of `MandateColumns`, one row each (`extend` grows them together).
ROW_COLUMNS = (
    "live",
    "ticket_min_fen",
    "ticket_max_fen",
    "enterprise_limit_fen",
    "max_tenor_months",
    "min_score",
    "min_annual_tco2e",
    "max_abatement_cost_fen",
    "excludes_flagged",
    "excludes_high_emission",
    "instruments",
    "family_ok",
    "city_ok",
    "in_focus",
    "family_room_fen",
    "city_room_fen",
)

Ints = NDArray[np.int64]
Floats = NDArray[np.float64]
Bools = NDArray[np.bool_]


def instrument_mask(instruments: Iterable[Instrument]) -> int:
    """Instruments as bits, so an overlap test is one AND."""
    return sum(INSTRUMENT_BIT[i] for i in set(instruments))


def fen_or_unbounded(amount: Decimal | None) -> int:
    """Fen for an int64 column: None (no ceiling, or unknown) and anything huger sort last."""
    return UNBOUNDED_FEN if amount is None else min(to_fen(amount), UNBOUNDED_FEN - 1)


def _fen_or_no_limit(limit: Decimal | None) -> int:
    return NO_LIMIT_FEN if limit is None else to_fen(limit)


@dataclass(frozen=True)
class Cell:
    """The live mandates a (family, city) can reach, their columns already sliced."""

    rows: NDArray[np.intp]
    ticket_min_fen: Ints
    ticket_max_fen: Ints
    enterprise_limit_fen: Ints
    max_tenor_months: Ints
    min_score: Floats
    min_annual_tco2e: Floats
    max_abatement_cost_fen: Ints
    excludes_flagged: Bools
    excludes_high_emission: Bools
    instruments: Ints
    in_focus: Bools


class MandateColumns:
    """One row per mandate; a cell's candidates need family, city, capacity and city and
    family concentration room for a minimum ticket, so batches only test what varies by project.
    """

    def __init__(self, mandates: Iterable[Mandate]) -> None:
        self.mandates = list(mandates)
        self.row_of = {m.mandate_id: i for i, m in enumerate(self.mandates)}
        n, families, cities = len(self.mandates), len(FAMILY_INDEX), len(CITY_INDEX)
        self.live = np.zeros(n, dtype=np.bool_)
        self.ticket_min_fen = np.zeros(n, dtype=np.int64)
        self.ticket_max_fen = np.zeros(n, dtype=np.int64)
        self.enterprise_limit_fen = np.zeros(n, dtype=np.int64)
        self.max_tenor_months = np.zeros(n, dtype=np.int64)
        self.min_score = np.zeros(n)
        self.min_annual_tco2e = np.zeros(n)
        self.max_abatement_cost_fen = np.zeros(n, dtype=np.int64)
        self.excludes_flagged = np.zeros(n, dtype=np.bool_)
        self.excludes_high_emission = np.zeros(n, dtype=np.bool_)
        self.instruments = np.zeros(n, dtype=np.int64)
        self.family_ok = np.zeros((n, families), dtype=np.bool_)
        self.city_ok = np.zeros((n, cities), dtype=np.bool_)
        self.in_focus = np.zeros((n, cities), dtype=np.bool_)
        self.family_room_fen = np.zeros((n, families), dtype=np.int64)
        self.city_room_fen = np.zeros((n, cities), dtype=np.int64)
        self.enterprise_used: dict[uuid.UUID, dict[int, int]] = {}
        self._borrowers: dict[int, list[uuid.UUID]] = {}  # row: enterprises it has lent to
        self._cells: dict[tuple[int, int], Cell] = {}
        self._enterprise_arrays: dict[uuid.UUID, tuple[NDArray[np.intp], Ints]] = {}
        for row, mandate in enumerate(self.mandates):
            self.fill(row, mandate)

    def extend(self, mandates: Iterable[Mandate]) -> None:
        """Append new mandates as rows: the columns grow by one copy each, and only the new
        rows are filled, so a book of ten thousand takes in a newcomer without rebuilding
        every row from its terms."""
        latest = {m.mandate_id: m for m in mandates}
        new = [m for m in latest.values() if m.mandate_id not in self.row_of]
        if not new:
            return
        first = len(self.mandates)
        for name in ROW_COLUMNS:
            column = getattr(self, name)
            grown = np.zeros((len(new), *column.shape[1:]), dtype=column.dtype)
            setattr(self, name, np.concatenate([column, grown]))
        self.mandates += new
        for row, mandate in enumerate(new, start=first):
            self.row_of[mandate.mandate_id] = row
            self.fill(row, mandate)

    def fill(self, row: int, mandate: Mandate) -> None:
        """(Re)write one mandate's row from its current terms and exposure."""
        spec, seen = mandate.spec, mandate.exposure
        self.mandates[row] = mandate
        self.live[row] = not mandate.closed and not mandate.at_capacity
        self.ticket_min_fen[row] = to_fen(spec.ticket_min_cny)
        self.ticket_max_fen[row] = to_fen(spec.ticket_max_cny)
        self.enterprise_limit_fen[row] = _fen_or_no_limit(spec.limits.per_enterprise_cny)
        self.max_tenor_months[row] = spec.max_tenor_months
        self.min_score[row] = spec.min_score
        self.min_annual_tco2e[row] = spec.min_annual_tco2e
        self.max_abatement_cost_fen[row] = fen_or_unbounded(spec.max_abatement_cost_cny_per_tco2e)
        self.excludes_flagged[row] = Exclusion.PLAUSIBILITY_FLAGGED in spec.exclusions
        self.excludes_high_emission[row] = Exclusion.HIGH_ENERGY_HIGH_EMISSION in spec.exclusions
        self.instruments[row] = instrument_mask(spec.instruments)
        self.family_ok[row] = [f in spec.families for f in FAMILY_INDEX]
        self.city_ok[row] = [c in spec.cities for c in CITY_INDEX]
        self.in_focus[row] = [not spec.focus_cities or c in spec.focus_cities for c in CITY_INDEX]
        family_limit = _fen_or_no_limit(spec.limits.per_family_cny)
        city_limit = _fen_or_no_limit(spec.limits.per_city_cny)
        self.family_room_fen[row] = [
            family_limit - to_fen(seen.by_family.get(f, ZERO)) for f in FAMILY_INDEX
        ]
        self.city_room_fen[row] = [
            city_limit - to_fen(seen.by_city.get(c, ZERO)) for c in CITY_INDEX
        ]
        for enterprise_id in self._borrowers.pop(row, ()):
            self.enterprise_used[enterprise_id].pop(row, None)
        for enterprise_id, amount in seen.by_enterprise.items():
            self.enterprise_used.setdefault(enterprise_id, {})[row] = to_fen(amount)
            self._borrowers.setdefault(row, []).append(enterprise_id)
        self._cells.clear()
        self._enterprise_arrays.clear()

    def cell(self, family: int, city: int) -> Cell:
        """Candidates of one (family, city), computed once and kept until a row changes."""
        key = (family, city)
        if key not in self._cells:
            tmin = self.ticket_min_fen
            reachable = (
                self.live
                & self.family_ok[:, family]
                & self.city_ok[:, city]
                & (self.family_room_fen[:, family] >= tmin)
                & (self.city_room_fen[:, city] >= tmin)
            )
            rows = np.flatnonzero(reachable)
            self._cells[key] = Cell(
                rows,
                tmin[rows],
                self.ticket_max_fen[rows],
                self.enterprise_limit_fen[rows],
                self.max_tenor_months[rows],
                self.min_score[rows],
                self.min_annual_tco2e[rows],
                self.max_abatement_cost_fen[rows],
                self.excludes_flagged[rows],
                self.excludes_high_emission[rows],
                self.instruments[rows],
                self.in_focus[rows, city],
            )
        return self._cells[key]

    def enterprise_used_on(self, enterprise_id: uuid.UUID, rows: NDArray[np.intp]) -> Ints | None:
        """What each of `rows` (sorted) already lent this enterprise, or None if nothing."""
        if enterprise_id not in self.enterprise_used:
            return None
        if enterprise_id not in self._enterprise_arrays:
            used = sorted(self.enterprise_used[enterprise_id].items())
            self._enterprise_arrays[enterprise_id] = (
                np.array([r for r, _ in used], dtype=np.intp),
                np.array([fen for _, fen in used], dtype=np.int64),
            )
        lent_rows, lent_fen = self._enterprise_arrays[enterprise_id]
        at = np.searchsorted(rows, lent_rows)
        hit = at < len(rows)
        hit[hit] = rows[at[hit]] == lent_rows[hit]
        out = np.zeros(len(rows), dtype=np.int64)
        out[at[hit]] = lent_fen[hit]
        return out
