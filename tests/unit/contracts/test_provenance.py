"""Consumers accept an event only from its topic's owner, and only on the topic of its type."""

from __future__ import annotations

import uuid

import pytest

from schemas.envelope import Envelope
from schemas.topics import DEALS, PROJECTS, SCORES
from servicekit.provenance import ForgedEvent, check_provenance, source_service
from tests.unit.audit.samples import scored

pytestmark = pytest.mark.unit


def _scored(source: str) -> Envelope:
    return Envelope.wrap(scored(uuid.uuid4(), uuid.uuid4()), source=source)


def test_an_event_from_its_topics_owner_is_accepted() -> None:
    check_provenance(_scored("greenlink/scoring"), SCORES.name)


@pytest.mark.parametrize(
    "source", ["greenlink/registry", "greenlink/matching", "scoring", "greenlink/"]
)
def test_an_event_naming_another_source_is_refused_with_the_reason(source: str) -> None:
    with pytest.raises(ForgedEvent, match="owner 'greenlink/scoring'"):
        check_provenance(_scored(source), SCORES.name)


@pytest.mark.parametrize("topic", [PROJECTS.name, DEALS.name, "greenlink.elsewhere"])
def test_an_event_on_a_topic_its_type_does_not_travel_on_is_refused(topic: str) -> None:
    with pytest.raises(ForgedEvent):
        check_provenance(_scored("greenlink/scoring"), topic)


def test_a_service_may_name_a_part_of_itself() -> None:
    assert source_service("greenlink/registry-intake") == "registry"
    assert source_service("registry") is None
