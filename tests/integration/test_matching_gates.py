"""Only sound projects reach banks, and an instrument is offered only where the taxonomy allows it.

Through the real services: registry → Kafka → scoring → Kafka → matching, over HTTP.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, cast

import pytest

from tests.integration.test_matching_flow import _feed
from tests.support.deals import deal_for, open_mandate, register_project
from tests.support.kafka import eventually
from tests.support.samples import data_centre_body

pytestmark = pytest.mark.integration

# PUE that does not improve: scoring rejects it (`pue_not_improved`: no reduction) with score 0,
# yet it passes every term of a mandate that asks for no minimum reduction.
NOT_IMPROVED = {"it_load_kw": 5000.0, "pue_before": 1.5, "pue_after": 1.5}
# A mandate that takes any score and excludes nothing: only the rejection gate keeps it out.
ACCEPTS_ANYTHING = {"min_score": 0, "exclusions": []}
REGISTRY, SCORING = "greenlink/registry", "greenlink/scoring"


def _offer(instrument: str = "green_loan", amount: str = "20000000.00") -> dict[str, object]:
    return {
        "response": {
            "kind": "offer",
            "instrument": instrument,
            "amount_cny": amount,
            "rate_percent": "3.05",
            "tenor_months": 96,
        }
    }


async def _in_matching(matching, owner, project_id: str) -> None:
    """Wait until matching stored the score of this project version (its deals settle with it)."""

    async def stored():
        seen = await matching.client.get(f"/v1/projects/{project_id}/lenders", headers=owner)
        return seen.status_code == 200

    await eventually(stored, timeout_s=180)


async def _scored(scoring, owner, project_id: str, version: int = 1) -> dict[str, Any]:
    async def current():
        got = await scoring.client.get(f"/v1/scores/{project_id}", headers=owner)
        body = got.json() if got.status_code == 200 else {}
        return body if body.get("project_version") == version else None

    return cast(dict[str, Any], await eventually(current, timeout_s=180))


def _about(
    feed: list[dict[str, Any]], project_id: str, event_type: str = "deal.matched.v1"
) -> list[dict[str, Any]]:
    return [
        i["event"]
        for i in feed
        if i["event_type"] == event_type and i["event"]["project_id"] == project_id
    ]


async def test_a_rejected_project_reaches_no_feed_and_no_allocation_plan(
    registry, scoring, matching, mint
):
    lender, headers, _ = await open_mandate(matching, mint, **ACCEPTS_ANYTHING)
    rejected, owner = await register_project(registry, mint, activity=NOT_IMPROVED)
    assert (await _scored(scoring, owner, rejected))["status"] == "rejected"
    await _in_matching(matching, owner, rejected)
    sound, _ = await register_project(registry, mint)
    await deal_for(matching, lender, headers, sound)

    assert _about(await _feed(matching, lender, headers), rejected) == []
    plan = (await matching.client.get("/v1/allocation-plan", headers=headers)).json()
    assert rejected not in {line["project_id"] for line in plan["lines"]}
    assert rejected not in {p["project_id"] for p in plan["projects"]}


async def test_a_version_scored_rejected_withdraws_open_deals_naming_the_flag(
    registry, scoring, matching, mint
):
    lender, headers, _ = await open_mandate(matching, mint, **ACCEPTS_ANYTHING)
    project_id, owner = await register_project(registry, mint)
    deal = await deal_for(matching, lender, headers, project_id)
    url = f"/v1/deals/{deal['deal_id']}/responses"
    assert (await matching.client.post(url, json=_offer(), headers=headers)).status_code == 201

    changed = await registry.client.put(
        f"/v1/projects/{project_id}", json=data_centre_body(activity=NOT_IMPROVED), headers=owner
    )
    assert changed.status_code == 200, changed.text

    async def withdrawn():
        return _about(await _feed(matching, lender, headers), project_id, "deal.withdrawn.v1")

    [gone] = cast(list[dict[str, Any]], await eventually(withdrawn, timeout_s=180))
    assert gone["deal_id"] == deal["deal_id"]
    assert "pue_not_improved" in gone["reason"] and "rejected" in gone["reason"]
    paid = {"kind": "disbursed", "amount_cny": "20000000.00", "disbursed_on": "2026-03-01"}
    refused = await matching.client.post(url, json={"response": paid}, headers=headers)
    assert refused.status_code == 409, refused.text
    matched = _about(await _feed(matching, lender, headers), project_id)
    assert [m["project_version"] for m in matched] == [1]
    plan = (await matching.client.get("/v1/allocation-plan", headers=headers)).json()
    assert project_id not in {line["project_id"] for line in plan["lines"]}


async def test_a_cerf_loan_on_a_project_not_cerf_eligible_is_refused_naming_the_taxonomy_field(
    registry, scoring, matching, mint
):
    lender, headers, _ = await open_mandate(matching, mint)
    cerf_lender, cerf_headers, _ = await open_mandate(
        matching, mint, instruments=["carbon_reduction_facility_loan"]
    )
    # A high-energy high-emission project loses its facility field; it still asks for a CERF loan.
    project_id, owner = await register_project(registry, mint, high_energy_high_emission=True)
    score = await _scored(scoring, owner, project_id)
    assert score["score"]["taxonomy"]["carbon_reduction_facility_field"] == "not_eligible"
    deal = await deal_for(matching, lender, headers, project_id)

    url = f"/v1/deals/{deal['deal_id']}/responses"
    refused = await matching.client.post(
        url, json=_offer("carbon_reduction_facility_loan"), headers=headers
    )
    assert refused.status_code == 422, refused.text
    assert "taxonomy.carbon_reduction_facility_field" in refused.text
    assert (await matching.client.get(f"/v1/deals/{deal['deal_id']}", headers=headers)).json()[
        "state"
    ] == "matched"
    assert (await matching.client.post(url, json=_offer(), headers=headers)).status_code == 201

    # The CERF-only mandate was in the book when the project was matched: no overlap, no deal.
    assert _about(await _feed(matching, cerf_lender, cerf_headers), project_id) == []


def _registration(project_id: uuid.UUID, enterprise_id: uuid.UUID):
    from schemas.project import ProjectRegistered

    return ProjectRegistered.model_validate(
        data_centre_body()
        | {"project_id": project_id, "enterprise_id": enterprise_id, "version": 1}
        | {"family": "data_centre", "recorded_at": datetime.now(UTC)}
    )


async def test_withdrawal_wins_over_events_of_the_project_that_arrive_after_it(
    registry, scoring, matching, mint, infra
):
    """The withdrawal overtakes the registration on the projects topic (outbox relays run in
    parallel), and a late score of the project reaches matching after its withdrawal: scoring
    scores nothing and no bank sees a deal. Control events follow in the same partitions, so
    once they are through, the late ones were consumed."""
    from schemas.envelope import Envelope
    from schemas.project import ProjectWithdrawn
    from schemas.scoring import ProjectScored
    from schemas.topics import PROJECTS, SCORES
    from servicekit.kafka import make_producer

    lender, headers, _ = await open_mandate(matching, mint, **ACCEPTS_ANYTHING)
    template_id, owner = await register_project(registry, mint)
    template = (await _scored(scoring, owner, template_id))["score"]
    enterprise = uuid.UUID(template["enterprise_id"])
    late_id, control_id, control_score_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    withdrawal = ProjectWithdrawn(
        project_id=late_id,
        enterprise_id=enterprise,
        version=1,
        reason="withdrawn before its registration was relayed",
        withdrawn_at=datetime.now(UTC),
    )
    regulator = mint("regulator")

    async def send(producer, topic, event, source, partition=None):
        raw = Envelope.wrap(event, source=source).to_bytes()
        sent = await producer.send_and_wait(
            topic, raw, key=str(event.project_id).encode(), partition=partition
        )
        return sent.partition

    producer = make_producer(infra.kafka_access(), "test-late-events")
    await producer.start()
    try:
        p = await send(producer, PROJECTS.name, withdrawal, "greenlink/registry")
        await send(producer, PROJECTS.name, _registration(late_id, enterprise), REGISTRY, p)
        await send(producer, PROJECTS.name, _registration(control_id, enterprise), REGISTRY, p)
        await _scored(scoring, owner, str(control_id))  # scoring is past the late registration

        async def tombstone():  # matching has taken the withdrawal in
            got = await matching.client.get(f"/v1/projects/{late_id}/lenders", headers=regulator)
            return got.status_code == 200

        await eventually(tombstone, timeout_s=180)
        late = ProjectScored.model_validate(template | {"project_id": late_id})
        control = ProjectScored.model_validate(template | {"project_id": control_score_id})
        s = await send(producer, SCORES.name, late, SCORING)
        await send(producer, SCORES.name, control, SCORING, s)
    finally:
        await producer.stop()

    await deal_for(matching, lender, headers, str(control_score_id))
    history = await scoring.client.get(f"/v1/scores/{late_id}/history", headers=regulator)
    assert history.status_code == 404, history.text  # scoring never scored it
    assert _about(await _feed(matching, lender, headers), str(late_id)) == []


async def test_no_further_tranche_once_a_running_loan_s_project_is_scored_rejected(
    registry, scoring, matching, mint
):
    lender, headers, _ = await open_mandate(matching, mint, **ACCEPTS_ANYTHING)
    watcher, watcher_headers, _ = await open_mandate(matching, mint, **ACCEPTS_ANYTHING)
    project_id, owner = await register_project(registry, mint)
    deal = await deal_for(matching, lender, headers, project_id)
    await deal_for(matching, watcher, watcher_headers, project_id)
    url = f"/v1/deals/{deal['deal_id']}/responses"
    assert (await matching.client.post(url, json=_offer(), headers=headers)).status_code == 201
    tranche = {"kind": "disbursed", "amount_cny": "5000000.00", "disbursed_on": "2026-03-01"}
    first = await matching.client.post(url, json={"response": tranche}, headers=headers)
    assert first.status_code == 201, first.text

    changed = await registry.client.put(
        f"/v1/projects/{project_id}", json=data_centre_body(activity=NOT_IMPROVED), headers=owner
    )
    assert changed.status_code == 200, changed.text

    async def seen_by_matching():  # the watcher's open deal leaves with the rejected version
        feed = await _feed(matching, watcher, watcher_headers)
        return _about(feed, project_id, "deal.withdrawn.v1")

    await eventually(seen_by_matching, timeout_s=180)
    second = await matching.client.post(url, json={"response": tranche}, headers=headers)
    assert second.status_code == 409, second.text
    assert "rejected" in second.text and "pue_not_improved" in second.text
