"""The seeded subsidy programmes load, cite a source on every row, and say which figures are
the platform's illustration rather than a published programme's."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from matching.config import SEED_SUBSIDY_PROGRAMMES
from matching.subsidies.rules import load_programmes
from schemas.subsidies import ProgrammeKind

pytestmark = pytest.mark.unit


def test_every_programme_and_row_names_its_source_and_whether_it_is_illustrative() -> None:
    table = load_programmes(SEED_SUBSIDY_PROGRAMMES)
    assert {p.kind for p in table.programmes} == set(ProgrammeKind)
    for programme in table.programmes:
        assert programme.source.strip()
        for rule in programme.rules:
            assert rule.source.strip()
            if rule.illustrative:
                assert "illustrative" in rule.source.lower()


def test_the_cerf_programme_takes_the_central_banks_dated_rows_unchanged() -> None:
    table = load_programmes(SEED_SUBSIDY_PROGRAMMES)
    cerf = next(p for p in table.programmes if p.kind is ProgrammeKind.REFINANCING)
    rows = json.loads((SEED_SUBSIDY_PROGRAMMES.parent / "cerf-refinancing.json").read_text())
    assert [(str(r.valid_from), str(r.rate_percent), r.source) for r in cerf.rules] == [
        (row["valid_from"], row["rate_percent"], row["source"]) for row in rows["rules"]
    ]
    assert not any(r.illustrative for r in cerf.rules)


def test_a_rule_table_that_repeats_a_programme_is_refused(tmp_path: Path) -> None:
    shutil.copy(SEED_SUBSIDY_PROGRAMMES.parent / "cerf-refinancing.json", tmp_path)
    document = json.loads(SEED_SUBSIDY_PROGRAMMES.read_text())
    document["programmes"].append(document["programmes"][0])
    path = tmp_path / "programmes.json"
    path.write_text(json.dumps(document))
    with pytest.raises(ValueError, match="repeat"):
        load_programmes(path)
