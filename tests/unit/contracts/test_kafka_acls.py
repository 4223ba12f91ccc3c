"""Kafka ACLs follow the topic topology: owners write, consumers read, lenders see their own."""

from __future__ import annotations

import uuid

import pytest

from schemas.export.topology import consumers_of, producer_of
from schemas.lender_feed import lender_feed_topic
from schemas.topics import DEALS, TOPICS, Topic
from servicekit.kafka_acls import (
    AclBinding,
    Operation,
    Pattern,
    Resource,
    lender_acls,
    platform_acls,
    service_acls,
    services,
)

pytestmark = pytest.mark.unit


def _topic_ops(acls: list[AclBinding], principal: str, name: str) -> set[Operation]:
    return {
        a.operation
        for a in acls
        if a.principal == principal and a.resource is Resource.TOPIC and a.name == name
    }


def test_only_a_topics_owner_may_write_it_and_only_its_readers_may_read_it() -> None:
    acls = platform_acls()
    for topic in TOPICS:
        writers = {
            a.principal for a in acls if a.name == topic.name and a.operation is Operation.WRITE
        }
        readers = {
            a.principal for a in acls if a.name == topic.name and a.operation is Operation.READ
        }
        assert writers == {producer_of(topic)}, topic.name
        feeders = {producer_of(topic)} if topic == DEALS else set()
        assert readers == set(consumers_of(topic)) | feeders, topic.name


def test_a_consumer_writes_the_dead_letters_of_what_it_reads() -> None:
    acls = platform_acls()
    for topic in TOPICS:
        for reader in consumers_of(topic):
            assert Operation.WRITE in _topic_ops(acls, reader, topic.dlq), (reader, topic.dlq)


def test_every_acl_is_literal_except_group_prefixes_and_the_lender_feeds() -> None:
    prefixed = {(a.principal, a.name) for a in platform_acls() if a.pattern is Pattern.PREFIXED}
    groups = {(s, f"{s}-") for s in services()}
    assert prefixed - groups == {(producer_of(DEALS), "greenlink.lender.")}


def test_a_topic_added_later_gets_its_acls_from_the_topology() -> None:
    extra = Topic("greenlink.projects", 1, "project_id", "stand-in for a new topic")
    assert service_acls("registry", (extra,)) == service_acls("registry", (extra,))
    acls = service_acls("scoring", (*TOPICS, extra))
    assert Operation.READ in _topic_ops(acls, "scoring", extra.name)


def test_a_lender_may_read_its_own_feed_and_nothing_else() -> None:
    lender = uuid.uuid4()
    acls = lender_acls(lender)

    topics = {(a.name, a.pattern, a.operation) for a in acls if a.resource is Resource.TOPIC}
    assert topics == {
        (lender_feed_topic(lender), Pattern.LITERAL, Operation.READ),
        (lender_feed_topic(lender), Pattern.LITERAL, Operation.DESCRIBE),
    }
    assert {a.principal for a in acls} == {f"lender-{lender}"}
