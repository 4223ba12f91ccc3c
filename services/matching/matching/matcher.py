"""Batch matching: hard constraints vectorized over every reachable mandate, then fit."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from matching.lending.deals import deal_id
from matching.lending.mandates import Mandate
from matching.matching.constraints import constraint_outcomes
from matching.matching.fit import FitInputs, fit_parts, fit_scores
from matching.matching.mandate_columns import CITY_INDEX, FAMILY_INDEX, Cell, MandateColumns
from matching.matching.project_columns import ProjectColumns
from matching.matching.project_facts import ProjectFacts
from schemas.deals import MatchExplanation


class Match(NamedTuple):
    """A project version that passed every hard constraint of a mandate version.

    A named tuple because a batch creates one per pair and creation cost dominates matching.
    """

    project: ProjectFacts
    mandate: Mandate
    mandate_version: int
    fit_score: float

    @property
    def deal_id(self) -> uuid.UUID:
        return deal_id(
            self.project.project_id,
            self.project.project_version,
            self.mandate.mandate_id,
            self.mandate_version,
        )


def explain(project: ProjectFacts, mandate: Mandate) -> MatchExplanation:
    """Every hard constraint passed or failed and every fit part, for one pair."""
    parts, fit = fit_parts(project, mandate)
    return MatchExplanation(
        constraints=constraint_outcomes(project, mandate), parts=parts, fit_score=fit
    )


class MandateBook:
    """All mandates as columns; `match` finds every (project, mandate) pair that satisfies.

    Projects are grouped by (family, city); each group is tested against that cell's
    candidates as one 2-D boolean array, so the cost is a few numpy passes per group.
    """

    def __init__(self, mandates: Iterable[Mandate]) -> None:
        self.columns = MandateColumns(mandates)

    def __len__(self) -> int:
        return len(self.columns.mandates)

    def refresh(self, *mandates: Mandate) -> None:
        """Take in new, changed, closed or drawn-down mandates so matching sees them now:
        known rows are rewritten in place, newcomers appended together."""
        newcomers = []
        for mandate in mandates:
            row = self.columns.row_of.get(mandate.mandate_id)
            if row is None:
                newcomers.append(mandate)
            else:
                self.columns.fill(row, mandate)
        self.columns.extend(newcomers)

    def match(self, projects: Sequence[ProjectFacts]) -> list[Match]:
        """Matches in project order, best fit first within a project."""
        keys = np.array(
            [FAMILY_INDEX[p.family] * len(CITY_INDEX) + CITY_INDEX[p.city] for p in projects],
            dtype=np.int64,
        )
        order = np.argsort(keys, kind="stable")
        starts = np.flatnonzero(np.diff(keys[order], prepend=-1))
        found: list[tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.float64]]] = []
        for group in np.split(order, starts[1:]):
            if len(group) == 0:
                continue
            key = int(keys[group[0]])
            cell = self.columns.cell(key // len(CITY_INDEX), key % len(CITY_INDEX))
            if len(cell.rows):
                found.append(self._match_group([projects[i] for i in group], group, cell))
        return self._matches(projects, found)

    def _match_group(
        self, group: list[ProjectFacts], indices: NDArray[np.intp], cell: Cell
    ) -> tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.float64]]:
        cols = ProjectColumns.of(group)
        ok = (cols.instruments[:, None] & cell.instruments[None, :]) != 0
        ok &= cols.need_fen[:, None] >= cell.ticket_min_fen
        ok &= cols.tenor_months[:, None] <= cell.max_tenor_months
        ok &= cols.score[:, None] >= cell.min_score
        ok &= cols.annual_tco2e[:, None] >= cell.min_annual_tco2e
        ok &= cols.abatement_cost_fen[:, None] <= cell.max_abatement_cost_fen
        ok &= ~(cols.flagged[:, None] & cell.excludes_flagged)
        ok &= ~(cols.high_emission[:, None] & cell.excludes_high_emission)
        for i, project in enumerate(group):
            used = self.columns.enterprise_used_on(project.enterprise_id, cell.rows)
            if used is not None:
                ok[i] &= cell.enterprise_limit_fen - used >= cell.ticket_min_fen
        r, c = np.nonzero(ok)
        fit = fit_scores(
            FitInputs(
                cols.score[r],
                cols.tco2e_per_10k_cny[r],
                cols.need_fen[r],
                cell.ticket_max_fen[c],
                cell.in_focus[c],
            )
        )
        return indices[r], cell.rows[c], fit

    def _matches(
        self,
        projects: Sequence[ProjectFacts],
        found: list[tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.float64]]],
    ) -> list[Match]:
        if not found:
            return []
        p_idx, rows, fit = (np.concatenate(parts) for parts in zip(*found, strict=True))
        order = np.lexsort((rows, -fit, p_idx))
        mandates = self.columns.mandates
        versions = [m.version for m in mandates]
        row_list: list[int] = rows[order].tolist()
        return list(
            map(
                Match,
                map(projects.__getitem__, p_idx[order].tolist()),
                map(mandates.__getitem__, row_list),
                map(versions.__getitem__, row_list),
                fit[order].tolist(),
            )
        )
