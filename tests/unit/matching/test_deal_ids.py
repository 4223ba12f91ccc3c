"""Deal ids follow from the project and mandate versions, so replays never add a deal."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from matching.lending.deals import deal_id
from matching.matching.matcher import MandateBook
from matching.matching.rematch import reconcile
from tests.support.matching_samples import deal_of, example_mandate, example_project

pytestmark = pytest.mark.unit

NOW = datetime(2025, 6, 1, tzinfo=UTC)


def test_the_same_versions_always_give_the_same_deal_id() -> None:
    project, mandate = uuid.uuid4(), uuid.uuid4()
    assert deal_id(project, 2, mandate, 5) == deal_id(project, 2, mandate, 5)
    assert deal_id(project, 2, mandate, 5).version == 5


def test_a_new_project_or_mandate_version_gives_a_new_deal_id() -> None:
    project, mandate = uuid.uuid4(), uuid.uuid4()
    ids = {deal_id(project, 1, mandate, 1), deal_id(project, 2, mandate, 1)}
    ids |= {deal_id(project, 1, mandate, 2), deal_id(mandate, 1, project, 1)}
    assert len(ids) == 4


def test_matching_the_same_batch_twice_gives_the_same_deals() -> None:
    mandate, project = example_mandate(version=3), example_project(project_version=2)
    first = MandateBook([mandate]).match([project])
    again = MandateBook([mandate]).match([project])
    assert [m.deal_id for m in first] == [m.deal_id for m in again]
    assert first[0].deal_id == deal_id(project.project_id, 2, mandate.mandate_id, 3)
    assert deal_of(first[0]).deal_id == first[0].deal_id


def test_replaying_a_match_opens_no_second_deal() -> None:
    mandate, project = example_mandate(), example_project()
    match = MandateBook([mandate]).match([project])
    deals = [deal_of(m) for m in match]
    replay = reconcile(deals, MandateBook([mandate]).match([project]), at=NOW)
    assert replay.opened == () and replay.withdrawn == ()
