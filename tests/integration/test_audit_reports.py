"""Audit reports over a project's real story: registry events, a score, deals and money."""

from __future__ import annotations

import csv
import functools
import io
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import pytest

import audit.app as audit_app
from audit.handlers import record
from audit.read_model.replay import READ_MODELS, rebuild_views
from deploy.local.infra import InfraInfo
from schemas.catalog import TOPIC_OF_EVENT
from schemas.envelope import Envelope, EventData
from schemas.project import ProjectRegistered
from servicekit.db import create_pool
from servicekit.kafka import make_producer
from servicekit.migrations import migrate
from servicekit.rls import SYSTEM, acting_as
from tests.support.kafka import eventually
from tests.support.projects import register_projects
from tests.support.samples import project_body
from tests.support.services import RunningService
from tests.unit.audit.samples import (
    Deal,
    lender,
    produce,
    scored,
    seqs_in_ledger,
    throwaway_anchoring,
)
from tests.unit.contracts.examples import PROJECT_BODY

pytestmark = pytest.mark.integration


@dataclass(frozen=True)
class Story:
    project_id: uuid.UUID
    enterprise_id: uuid.UUID
    financed: Deal
    declined: Deal


@pytest.fixture(scope="module")
async def story(
    audit: RunningService, registry: RunningService, infra: InfraInfo, topics: None, mint: Any
) -> AsyncIterator[Story]:
    """Registered through the registry; scored, matched twice, financed once via Kafka."""
    tenant = uuid.uuid4()
    (registered,), _ = await register_projects(registry, mint, [project_body()], enterprise=tenant)
    project_id = uuid.UUID(registered)
    pool = await create_pool(infra.database_url, "audit")
    producer = make_producer(infra.kafka_access(), "audit-report-test")
    await producer.start()
    try:
        sql = "SELECT 1 FROM ledger WHERE project_id = $1 AND type = 'project.registered.v1'"
        await eventually(lambda: pool.fetchval(sql, project_id))
        score = scored(project_id, tenant)
        financed, declined = Deal(score), Deal(score)

        async def send(events: list[EventData]) -> None:
            ids = [e.id for e in await produce(producer, events)]
            await eventually(lambda: seqs_in_ledger(pool, ids))

        await send([score, lender(financed.lender_id), lender(declined.lender_id)])
        await send(financed.financed("50000000.00", "1.75", date(2026, 2, 10)))
        await send(declined.declined("tenor beyond mandate"))
        yield Story(project_id, tenant, financed, declined)
    finally:
        await producer.stop()
        await pool.close()


async def get(audit: RunningService, path: str, headers: dict[str, str], **params: Any) -> Any:
    response = await audit.client.get(path, params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def test_lineage_tells_the_projects_story_in_order(
    audit: RunningService, story: Story, mint: Any
) -> None:
    path = f"/v1/projects/{story.project_id}/lineage"
    items = (await get(audit, path, mint("regulator")))["items"]
    steps = [i["step"] for i in items]
    assert steps[:2] == ["registered", "scored"]
    financed = [
        i["step"] for i in items if i["summary"].get("deal_id") == str(story.financed.deal_id)
    ]
    assert financed == ["deal_matched", "interest", "offer", "disbursed"]
    paid = items[steps.index("disbursed")]["summary"]
    assert paid["amount_cny"] == "50000000.00" and paid["offer_rate_percent"] == "1.75"
    # A running scoring service may score the project too; the story's own score is there.
    assert 78.5 in [i["summary"]["score"] for i in items if i["step"] == "scored"]
    matched = [i["summary"]["lender_id"] for i in items if i["step"] == "deal_matched"]
    assert set(matched) == {str(story.financed.lender_id), str(story.declined.lender_id)}
    assert "decline" in steps and all(i["data"] is not None for i in items)


async def test_lineage_puts_a_registration_before_its_score_even_when_the_score_arrived_first(
    audit: RunningService, infra: InfraInfo, topics: None, mint: Any
) -> None:
    project_id, tenant = uuid.uuid4(), uuid.uuid4()
    registered = ProjectRegistered.model_validate(
        PROJECT_BODY | {"project_id": project_id, "enterprise_id": tenant}
    )
    first = Envelope.wrap(registered, source="greenlink/registry")
    then = Envelope.wrap(scored(project_id, tenant), source="greenlink/scoring")
    then = then.model_copy(update={"time": first.time + timedelta(seconds=1)})
    pool = await create_pool(infra.database_url, "audit")
    producer = make_producer(infra.kafka_access(), "audit-lineage-order-test")
    await producer.start()
    try:
        for envelope in (then, first):  # the score reaches the ledger first
            topic = TOPIC_OF_EVENT[envelope.type].name
            await producer.send_and_wait(topic, envelope.to_bytes(), key=str(project_id).encode())
            await eventually(functools.partial(seqs_in_ledger, pool, [envelope.id]))
        seqs = await seqs_in_ledger(pool, [first.id, then.id])
        assert seqs is not None and seqs[then.id] < seqs[first.id]
        path = f"/v1/projects/{project_id}/lineage"
        whole = (await get(audit, path, mint("regulator")))["items"]
        assert [i["step"] for i in whole] == ["registered", "scored"]
        page_one = await get(audit, path, mint("regulator"), limit=1)
        page_two = await get(audit, path, mint("regulator"), limit=1, after=page_one["next_cursor"])
        assert [p["items"][0]["step"] for p in (page_one, page_two)] == ["registered", "scored"]
        last = await get(audit, path, mint("regulator"), limit=1, after=page_two["next_cursor"])
        assert last == {"items": [], "next_cursor": None}
        beyond = await get(audit, path, mint("regulator"), after="9" * 18)  # no such entry
        assert beyond == {"items": [], "next_cursor": None}
    finally:
        await producer.stop()
        await pool.close()


async def test_only_the_owning_enterprise_reads_its_lineage_and_without_raw_data(
    audit: RunningService, story: Story, mint: Any
) -> None:
    path = f"/v1/projects/{story.project_id}/lineage"
    own = (await get(audit, path, mint("enterprise", story.enterprise_id)))["items"]
    assert own and all(i["data"] is None for i in own)
    other = await audit.client.get(path, headers=mint("enterprise", uuid.uuid4()))
    assert other.status_code == 404
    as_lender = await audit.client.get(path, headers=mint("lender", story.financed.lender_id))
    assert as_lender.status_code == 403


async def test_flows_attribute_financed_tonnes_pcaf_style(
    audit: RunningService, story: Story, mint: Any
) -> None:
    report = await get(
        audit, "/v1/flows", mint("regulator"), lender_id=str(story.financed.lender_id),
        group_by="city,instrument,period", period="quarter",
    )  # fmt: skip
    [group] = report["groups"]
    assert group["key"] == {
        "city": "changsha", "instrument": "carbon_reduction_facility_loan", "period": "2026Q1"
    }  # fmt: skip
    assert (group["offered_cny"], group["disbursed_cny"]) == ("50000000.00", "50000000.00")
    assert group["projects_financed"] == 1
    assert group["financed_annual_tco2e"] == "10000.000"  # 50M / 320M capex × 64,000 t
    assert group["projects_annual_tco2e"] == "64000.000"
    assert report["total"]["disbursed_cny"] == "50000000.00"


async def test_flows_filter_by_date_and_export_csv(
    audit: RunningService, story: Story, mint: Any
) -> None:
    lender_id = str(story.financed.lender_id)
    later = await get(
        audit, "/v1/flows", mint("admin"), lender_id=lender_id, **{"from": "2026-04-01"}
    )
    assert later["total"]["disbursed_cny"] == "0.00" and later["groups"] == []
    response = await audit.client.get(
        "/v1/flows", params={"lender_id": lender_id, "group_by": "family", "format": "csv"},
        headers=mint("regulator"),
    )  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [(r["row"], r["key_family"], r["disbursed_cny"]) for r in rows] == [
        ("group", "renewable_power", "50000000.00"), ("total", "", "50000000.00")
    ]  # fmt: skip


async def test_cerf_disclosure_reports_quarter_year_and_inception_per_field(
    audit: RunningService, story: Story, mint: Any
) -> None:
    lender_id = str(story.financed.lender_id)
    table = await get(
        audit, "/v1/disclosures/cerf", mint("regulator"), quarter="2026Q1", lender_id=lender_id
    )
    assert [r["field"] for r in table["rows"]] == ["clean_energy", "all"]
    figures = {
        "projects": 1, "loan_amount_cny": "50000000.00", "weighted_rate_percent": "1.7500",
        "annual_tco2e_driven": "10000.000",
    }  # fmt: skip
    row = table["rows"][0]
    assert row["quarter"] == row["year_to_date"] == row["since_inception"] == figures
    assert row["lender_name"] == "湖南绿色银行 test"
    # Paid out on 2026-02-10: the central bank refinances 60% at the 1.25% then in force.
    assert (row["loans"], row["outstanding_cny"], row["refinanced_cny"]) == (
        1,
        "50000000.00",
        "30000000.00",
    )
    assert row["refinancing_rate_percent"] == "1.2500"
    (loan,) = table["loans"]
    assert (loan["refinancing_share"], loan["refinancing_rate_percent"]) == ("0.60", "1.25")
    assert all(rule["source"] and rule["valid_from"] for rule in table["refinancing_rules"])
    next_year = await get(
        audit, "/v1/disclosures/cerf", mint("regulator"), quarter="2027Q1", lender_id=lender_id
    )
    assert next_year["rows"][0]["quarter"]["projects"] == 0
    assert next_year["rows"][0]["since_inception"] == figures


async def test_a_lender_reads_only_its_own_disclosure_rows(
    audit: RunningService, story: Story, mint: Any
) -> None:
    own = mint("lender", story.financed.lender_id)
    rows = (await get(audit, "/v1/disclosures/cerf", own, quarter="2026Q1"))["rows"]
    assert {r["lender_id"] for r in rows} == {str(story.financed.lender_id)}
    params = {"quarter": "2026Q1", "lender_id": str(story.declined.lender_id)}
    other = await audit.client.get("/v1/disclosures/cerf", params=params, headers=own)
    assert other.status_code == 403
    bad = await audit.client.get("/v1/disclosures/cerf", params={"quarter": "2026Q9"}, headers=own)
    assert bad.status_code == 422 and bad.json()["field"] == "quarter"


async def test_scorecards_show_response_times_decline_reasons_and_volume(
    audit: RunningService, story: Story, mint: Any
) -> None:
    financed = story.financed.lender_id
    card = await get(audit, f"/v1/lenders/{financed}/scorecard", mint("lender", financed))
    assert card["deals_matched"] == 1 and card["response_times"]["median_hours"] == 3.0
    assert card["answers_by_kind"] == {"disbursed": 1, "interest": 1, "offer": 1}
    assert card["green_financing"]["disbursed_cny"] == "50000000.00"
    assert card["green_financing"]["financed_annual_tco2e"] == "10000.000"
    declined = await get(
        audit, f"/v1/lenders/{story.declined.lender_id}/scorecard", mint("regulator")
    )
    assert declined["decline_reasons"] == [{"reason": "tenor beyond mandate", "count": 1}]
    assert declined["response_times"]["median_hours"] == 5.0
    peek = await audit.client.get(
        f"/v1/lenders/{story.declined.lender_id}/scorecard", headers=mint("lender", financed)
    )
    assert peek.status_code == 404
    enterprise = await audit.client.get(
        f"/v1/lenders/{financed}/scorecard", headers=mint("enterprise", story.enterprise_id)
    )
    assert enterprise.status_code == 403


async def _tables(pool: asyncpg.Pool) -> dict[str, list[tuple[Any, ...]]]:
    async with acting_as(pool, SYSTEM) as con:  # every tenant's rows
        return {
            table: [tuple(r.values()) for r in await con.fetch(f"SELECT * FROM {table} ORDER BY 1")]
            for table in READ_MODELS
            if table != "view_gaps"
        }


async def test_read_models_rebuilt_from_the_ledger_alone_are_identical(infra: InfraInfo) -> None:
    schema = f"audit_replay_{uuid.uuid4().hex[:8]}"
    await migrate(infra.database_url, schema, Path(audit_app.__file__).parent)
    pool = await create_pool(infra.database_url, schema)
    try:
        financed = Deal(scored(uuid.uuid4(), uuid.uuid4()))
        declined = Deal(financed.score)
        events: list[EventData] = [financed.score, lender(financed.lender_id)]
        events += financed.financed("7000000.00", "2.2", date(2026, 5, 5))
        events += declined.declined("outside our cities")
        batch = [(Envelope.wrap(e, source="greenlink/test"), e) for e in events]
        for _ in range(2):  # the second delivery of the same batch changes nothing
            async with acting_as(pool, SYSTEM) as con:  # as the ledger consumer
                await record(con, batch, throwaway_anchoring(3))
        assert await pool.fetchval("SELECT count(*) FROM ledger") == len(events)
        assert await pool.fetchval("SELECT max(seq) FROM checkpoints") == len(events)
        before = await _tables(pool)
        assert len(before["responses"]) == 4 and len(before["deals"]) == 2
        assert await rebuild_views(pool) == len(events)
        assert await _tables(pool) == before
    finally:
        await pool.close()
        owner = await asyncpg.connect(infra.database_url)
        await owner.execute(f'DROP SCHEMA "{schema}" CASCADE')
        await owner.close()
