"""A mandate book of thousands takes in newcomers by appending rows, not by rebuilding: with
10,000 registered mandates, rebuilding every row for each new one made each registration cost
the whole book in the matching consumer."""

from __future__ import annotations

import random

import numpy as np
import pytest

from matching.matching.mandate_columns import ROW_COLUMNS, MandateColumns
from matching.matching.matcher import MandateBook
from tests.support.matching_samples import synthetic_book, synthetic_mandate


def test_newcomers_fill_only_their_own_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    mandates, _ = synthetic_book(mandates=200, projects=1, seed=3)
    book = MandateBook(mandates[:150])
    filled: list[int] = []
    original = MandateColumns.fill

    def counting_fill(self: MandateColumns, row: int, mandate: object) -> None:
        filled.append(row)
        original(self, row, mandate)  # type: ignore[arg-type]

    monkeypatch.setattr(MandateColumns, "fill", counting_fill)
    book.refresh(*mandates[150:])
    assert sorted(filled) == list(range(150, 200))


def test_a_book_grown_by_newcomers_matches_as_one_built_whole() -> None:
    mandates, projects = synthetic_book(mandates=300, projects=400, seed=5)
    grown = MandateBook(mandates[:100])
    grown.match(projects)  # candidate cells cached before the book grows
    grown.refresh(*mandates[100:250])
    grown.refresh(mandates[250])
    grown.refresh(*mandates[251:])

    def pairs(book: MandateBook) -> list[tuple[object, object, float]]:
        return [
            (m.project.project_id, m.mandate.mandate_id, m.fit_score) for m in book.match(projects)
        ]

    assert pairs(grown) == pairs(MandateBook(mandates))
    assert len(grown) == 300


def test_a_refilled_row_forgets_the_enterprises_it_no_longer_lends_to() -> None:
    rng = random.Random(11)
    _, projects = synthetic_book(mandates=1, projects=50, seed=11)
    enterprises = sorted({p.enterprise_id for p in projects})
    lent = next(
        m
        for m in (synthetic_mandate(rng, enterprises) for _ in range(500))
        if m.exposure.by_enterprise
    )
    columns = MandateColumns([lent])
    borrower = next(iter(lent.exposure.by_enterprise))
    assert set(columns.enterprise_used[borrower]) == {0}
    lent.exposure.by_enterprise.clear()
    columns.fill(0, lent)
    assert columns.enterprise_used[borrower] == {}


def test_every_per_mandate_array_grows_with_the_book() -> None:
    mandates, _ = synthetic_book(mandates=3, projects=1, seed=1)
    columns = MandateColumns(mandates[:1])
    arrays = {name for name, value in vars(columns).items() if isinstance(value, np.ndarray)}
    assert arrays == set(ROW_COLUMNS)
    columns.extend(mandates[1:])
    assert {getattr(columns, name).shape[0] for name in ROW_COLUMNS} == {3}
