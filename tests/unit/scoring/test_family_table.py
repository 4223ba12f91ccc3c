"""The family table is complete: every project type has exactly one family, and each family
carries what dispatch needs (methodology, checks, crediting of its norms, plan targets)."""

from __future__ import annotations

from collections import Counter

import pytest

from schemas.project import ActivityData
from schemas.vocabulary import FAMILY_OF_TYPE, ProjectFamily, ProjectType
from scoring.estimate.catalogue import METHODOLOGY_OF_TYPE
from scoring.estimate.methodology import Methodology
from scoring.estimate.workings import FIELD_UNITS
from scoring.families import FAMILIES, FAMILY_OF
from scoring.families.family import Family, no_checks
from scoring.taxonomy import carbon_peak_plan


def test_every_project_type_has_exactly_one_family_entry() -> None:
    owners = Counter(t for f in FAMILIES for t in f.types)
    assert set(owners) == set(ProjectType)
    assert [t for t, n in owners.items() if n != 1] == []


def test_every_vocabulary_family_has_one_module_in_the_table() -> None:
    assert sorted(f.family for f in FAMILIES) == sorted(ProjectFamily)


@pytest.mark.parametrize("project_type", list(ProjectType))
def test_each_type_is_scored_by_the_family_the_vocabulary_names(project_type: ProjectType) -> None:
    family = FAMILY_OF[project_type]
    assert family.family is FAMILY_OF_TYPE[project_type]
    assert METHODOLOGY_OF_TYPE[project_type] in family.methodologies
    assert callable(family.checks)


def test_every_type_the_plan_names_has_its_familys_plan_targets() -> None:
    missing = [t for t in carbon_peak_plan.ASKS if FAMILY_OF[t].carbon_peak_targets is None]
    assert missing == []
    planless = {f.family for f in FAMILIES if f.carbon_peak_targets is not None} - {
        FAMILY_OF[t].family for t in carbon_peak_plan.ASKS
    }
    assert planless == set()


def test_families_with_own_norms_say_how_claims_beyond_them_are_credited() -> None:
    """A family that checks norms without crediting them would let an exaggeration count."""
    for f in FAMILIES:
        if f.checks is not no_checks and f.family is not ProjectFamily.RENEWABLE_POWER:
            assert f.credit_rules, f.family  # hydro's density rule is the methodology's own


def test_a_family_cannot_claim_a_type_of_another_family() -> None:
    stray = Methodology.of(
        FAMILIES[0].methodologies[0].calculation,
        id="stray",
        name="stray",
        version="0",
        types=(ProjectType.WIND,),
        required=(),
    )
    with pytest.raises(ValueError, match="types of other families"):
        Family(ProjectFamily.CCUS, (stray,))


def test_every_activity_norm_names_activity_fields_with_units() -> None:
    """A norm on a field the contract lacks, or without a unit, would fail only when a claim
    first breaks it; the table says so up front."""
    fields = set(ActivityData.model_fields)
    for f in FAMILIES:
        for norm in f.norms:
            assert norm.field in fields and norm.field in FIELD_UNITS, norm.code
            assert norm.per is None or norm.per in fields, norm.code
