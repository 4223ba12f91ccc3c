"""Fixtures of the registry's pure tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def no_regional_factors(monkeypatch: pytest.MonkeyPatch) -> None:
    """The provincial table without its regions: a province lacking its own row has no factor."""
    from schemas import provincial_grid as grid

    bare = grid.provincial_grid().model_copy(update={"regions": {}})
    monkeypatch.setattr(grid, "provincial_grid", lambda: bare)
