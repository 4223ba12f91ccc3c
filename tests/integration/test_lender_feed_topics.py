"""Each lender's deals reach a Kafka topic of its own, which it reads with its own credentials."""

from __future__ import annotations

import uuid

import orjson
import pytest

from deploy.local.infra import InfraInfo
from schemas.envelope import Envelope
from schemas.lender_feed import lender_feed_topic
from schemas.topics import DEALS
from servicekit.kafka import make_producer
from servicekit.kafka_admin import provision_lender
from tests.support.kafka import read_until
from tests.support.samples import data_centre_body, enterprise_body, lender_body, mandate_body
from tests.unit.audit.samples import Deal, scored

pytestmark = pytest.mark.integration


def _about(project_id: str):
    def keep(record) -> bool:
        event = orjson.loads(record.value)
        return bool(
            event["type"] == "deal.matched.v1" and event["data"]["project_id"] == project_id
        )

    return keep


async def test_a_matched_deal_reaches_the_lenders_own_topic(
    infra: InfraInfo, registry, scoring, matching, mint
) -> None:
    lender = uuid.uuid4()
    password = uuid.uuid4().hex
    user = await provision_lender(infra.kafka_access(), lender, password)
    lh = mint("lender", lender)
    assert (await matching.client.post("/v1/lenders", json=lender_body(), headers=lh)).is_success
    mandate = await matching.client.post("/v1/mandates", json=mandate_body(), headers=lh)
    assert mandate.status_code == 201, mandate.text
    eh = mint("enterprise", uuid.uuid4())
    await registry.client.post("/v1/enterprises", json=enterprise_body(), headers=eh)
    project = await registry.client.post("/v1/projects", json=data_centre_body(), headers=eh)
    project_id = project.json()["project_id"]

    records = await read_until(
        infra.kafka_access().as_user(user, password),
        lender_feed_topic(lender),
        lambda got: len(got) >= 1,
        keep=_about(project_id),
        timeout_s=180,
    )

    event = orjson.loads(records[0].value)
    assert event["source"] == "greenlink/matching"
    assert event["data"]["lender_id"] == str(lender)
    assert records[0].key == str(lender).encode()


async def test_a_deal_not_sent_by_matching_is_not_copied_to_any_lender(
    infra: InfraInfo, matching
) -> None:
    deal = Deal(scored(uuid.uuid4(), uuid.uuid4()))
    forged, genuine = (
        Envelope.wrap(deal.matched(), source=source)
        for source in ("greenlink/registry", "greenlink/matching")
    )
    producer = make_producer(infra.kafka_access(), "lender-feed-test")
    async with producer:
        for envelope in (forged, genuine):
            key = str(deal.lender_id).encode()
            await producer.send_and_wait(DEALS.name, envelope.to_bytes(), key=key)

    copied = await read_until(
        infra.kafka_access(), lender_feed_topic(deal.lender_id), lambda got: len(got) >= 1
    )

    assert [Envelope.from_bytes(r.value).id for r in copied] == [genuine.id]
