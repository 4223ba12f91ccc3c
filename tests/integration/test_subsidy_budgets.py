"""Subsidy programmes through the real services: each tranche and repayment earns what the
dated rule table says, sealed in the ledger; enterprises see only their own claims, regulators
the budgets' use; and a budget is never overspent by tranches racing from two API processes."""

from __future__ import annotations

import asyncio
import csv
import io
import uuid
from collections.abc import Iterator
from datetime import date
from decimal import ROUND_DOWN, Decimal
from typing import Any

import httpx
import pytest

from matching.repository.subsidies import sync_programmes
from matching.subsidies.rules import Programme, ProgrammeTable
from servicekit.db import create_pool
from servicekit.rls import SYSTEM, acting_for
from tests.support.console import signed_in
from tests.support.deals import (
    deal_for,
    lineage_items,
    offer_body,
    open_mandate,
    register_project,
    tranche_body,
)
from tests.support.kafka import eventually
from tests.support.processes import ServiceProcess, api_processes

pytestmark = pytest.mark.integration

INTEREST = "hunan-green-loan-interest-subsidy"
FEN = Decimal("0.01")


async def _claims(matching: Any, headers: dict[str, str]) -> list[dict[str, Any]]:
    claims: list[dict[str, Any]] = []
    after = None
    while True:
        params: dict[str, Any] = {"limit": 500} | ({"after": after} if after else {})
        page = await matching.client.get("/v1/subsidy-claims", params=params, headers=headers)
        assert page.status_code == 200, page.text
        claims += page.json()["items"]
        after = page.json()["next_cursor"]
        if after is None:
            return claims


def _interest(base: str, days: int, share: str) -> Decimal:
    raw = Decimal(base) * Decimal("3.1") / 100 * days / 365 * Decimal(share)
    return raw.quantize(FEN, rounding=ROUND_DOWN)


async def _loan_with_a_repayment(registry: Any, matching: Any, mint: Any) -> Any:
    """A 40M green loan at 3.1 %: tranches of 20M on 2 March and 1 April 2026, 15M repaid on
    1 September; returns (project id, owner's headers, lender's headers, deal)."""
    lender, headers, _ = await open_mandate(matching, mint, min_score=0, exclusions=[])
    project_id, owner = await register_project(registry, mint)
    deal = await deal_for(matching, lender, headers, project_id)
    url = f"/v1/deals/{deal['deal_id']}"
    for body in (
        offer_body("40000000.00"),
        tranche_body("20000000.00", "2026-03-02"),
        tranche_body("20000000.00", "2026-04-01"),
    ):
        answered = await matching.client.post(f"{url}/responses", json=body, headers=headers)
        assert answered.status_code == 201, answered.text
    repaid = await matching.client.post(
        f"{url}/repayments",
        json={"amount_cny": "15000000.00", "repaid_on": "2026-09-01"},
        headers=headers,
    )
    assert repaid.status_code == 201, repaid.text
    return project_id, owner, headers, deal


async def test_tranches_and_repayments_earn_interest_subsidy_on_the_balance_they_carried(
    registry: Any, scoring: Any, matching: Any, audit: Any, mint: Any
) -> None:
    project_id, owner, headers, deal = await _loan_with_a_repayment(registry, matching, mint)
    mine = [c for c in await _claims(matching, owner) if c["deal_id"] == deal["deal_id"]]
    # The first tranche carried no balance; the second earned on 20M for 30 days, the
    # repayment on 40M for 153 days, at the score tier's share of the 3.1 % interest.
    assert [(c["movement"], c["number"], c["days"], c["base_cny"]) for c in mine] == [
        ("disbursement", 2, 30, "20000000.00"),
        ("repayment", 1, 153, "40000000.00"),
    ]
    share = mine[0]["share"]
    assert share in {"0.12", "0.09", "0.06"} and all(c["programme_id"] == INTEREST for c in mine)
    assert [Decimal(c["earned_cny"]) for c in mine] == [
        _interest("20000000.00", 30, share),
        _interest("40000000.00", 153, share),
    ]
    for claim in mine:
        assert "illustrative" in claim["rule_source"].lower() and claim["illustrative"]
        assert Decimal(claim["granted_cny"]) <= Decimal(claim["earned_cny"])

    # Nobody else's claims: another enterprise sees none of these; the lender sees its own.
    stranger = mint("enterprise", uuid.uuid4())
    assert not [c for c in await _claims(matching, stranger) if c["deal_id"] == deal["deal_id"]]
    seen_by_lender = await _claims(matching, headers)
    assert {c["deal_id"] for c in seen_by_lender} == {deal["deal_id"]}

    # The ledger sealed each claim: the project's lineage shows them after the loan's steps.
    regulator = mint("regulator")

    async def story() -> list[str] | None:
        items = await lineage_items(audit, project_id, regulator)
        steps = [entry["step"] for entry in items or []]
        return steps if steps.count("subsidy_earned") == 2 else None

    steps = await eventually(story, timeout_s=120)
    assert isinstance(steps, list) and steps[-1] == "subsidy_earned"


async def test_the_console_shows_an_enterprise_its_claims_and_regulators_the_budget_use(
    registry: Any, scoring: Any, matching: Any, console: Any, mint: Any
) -> None:
    _, owner, _, deal = await _loan_with_a_repayment(registry, matching, mint)
    mine = [c for c in await _claims(matching, owner) if c["deal_id"] == deal["deal_id"]]
    enterprise_id = uuid.UUID(mine[0]["enterprise_id"])
    async with signed_in(console, "enterprise", enterprise_id) as client:
        page = await client.get("/enterprise/subsidies", params={"lang": "en"})
    assert page.status_code == 200, page.text
    assert deal["project"]["project_name"] in page.text
    assert "Green-loan interest subsidy" in page.text and "illustrative figure" in page.text
    async with signed_in(console, "enterprise", uuid.uuid4()) as client:
        stranger = await client.get("/enterprise/subsidies")
    assert deal["project"]["project_name"] not in stranger.text

    async with signed_in(console, "regulator", None) as client:
        use = await client.get("/regulator/subsidies", params={"lang": "zh"})
        download = await client.get("/regulator/subsidies.csv")
    assert use.status_code == 200 and "碳减排支持工具再贷款" in use.text
    assert download.headers["content-type"].startswith("text/csv")
    rows = {r["programme_id"]: r for r in csv.DictReader(io.StringIO(download.text))}
    assert int(rows[INTEREST]["claims"]) >= 2


@pytest.fixture
def two_apis(matching: Any) -> Iterator[list[ServiceProcess]]:
    """Two matching API processes beside the test's own, on the same database."""
    with api_processes("matching") as apis:
        yield apis


def _race_programme(programme_id: str) -> Programme:
    """Half of every green-loan tranche paid in 2019 (no other test lends then), from a
    budget that covers only two and four fifths of the twelve tranches the race pays."""
    return Programme.model_validate(
        {
            "programme_id": programme_id,
            "name": "Race budget",
            "name_zh": "并发预算",
            "kind": "refinancing",
            "claimant": "enterprise",
            "budget_cny": "7000000.00",
            "valid_from": "2019-01-01",
            "valid_to": "2019-12-31",
            "source": "test programme",
            "illustrative": True,
            "rules": [
                {
                    "valid_from": "2019-01-01",
                    "valid_to": "2019-12-31",
                    "instruments": ["green_loan"],
                    "share": "0.50",
                    "source": "test row",
                    "illustrative": True,
                }
            ],
        }
    )


async def _held_budget(pool: Any, programme_id: str, waiters: int) -> Any:
    """Hold the programme's row until `waiters` transactions queue behind it: every tranche
    in flight has then read the budget as it stood, the worst interleaving there is."""
    con = await pool.acquire()
    held = con.transaction()
    await held.start()
    await con.execute(
        "SELECT 1 FROM subsidy_programmes WHERE programme_id = $1 FOR UPDATE", programme_id
    )

    async def queued() -> bool:
        count = await pool.fetchval(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
            " AND query LIKE '%subsidy_programmes%'"
        )
        return bool(count >= waiters)

    return con, held, queued


async def test_a_budget_is_never_overspent_by_tranches_racing_from_two_processes(
    registry: Any, scoring: Any, matching: Any, mint: Any, two_apis: list[ServiceProcess]
) -> None:
    programme_id = f"race-{uuid.uuid4().hex[:12]}"
    settings = matching.spec.settings
    pool = await create_pool(settings.database_url, settings.db_schema)
    try:
        async with acting_for(pool, SYSTEM, None) as con:
            await sync_programmes(con, ProgrammeTable((_race_programme(programme_id),)))

        # Three lenders (a mandate's lock orders only its own tranches), two projects each.
        terms = {"capacity_cny": "100000000.00", "min_score": 0, "exclusions": []}
        lenders = [await open_mandate(matching, mint, **terms) for _ in range(3)]
        projects = [await register_project(registry, mint) for _ in range(2)]
        deals: list[tuple[str, dict[str, str]]] = []
        for lender, headers, _ in lenders:
            for project_id, _owner in projects:
                deal = await deal_for(matching, lender, headers, project_id)
                made = await matching.client.post(
                    f"/v1/deals/{deal['deal_id']}/responses",
                    json=offer_body("10000000.00"),
                    headers=headers,
                )
                assert made.status_code == 201, made.text
                deals.append((deal["deal_id"], headers))

        async with httpx.AsyncClient(timeout=120) as client:

            async def draw(api: ServiceProcess, deal_id: str, headers: Any, on: str) -> Any:
                return await client.post(
                    f"{api.url}/v1/deals/{deal_id}/responses",
                    json=tranche_body("5000000.00", on),
                    headers=headers,
                )

            # Each process pays one 5M tranche on every deal, the two in opposite orders,
            # while the budget is held until one tranche of each lender waits for it.
            con, held, queued = await _held_budget(pool, programme_id, waiters=3)
            racing = asyncio.gather(
                *(draw(two_apis[0], d, h, "2019-06-15") for d, h in deals),
                *(draw(two_apis[1], d, h, "2019-06-16") for d, h in reversed(deals)),
            )
            try:
                await eventually(queued, timeout_s=60)
            finally:
                await held.commit()
                await pool.release(con)
            answers = await racing
    finally:
        await pool.close()
    assert [a.status_code for a in answers] == [201] * 12, [a.text for a in answers]

    regulator = mint("regulator")
    claims = [c for c in await _claims(matching, regulator) if c["programme_id"] == programme_id]
    assert len(claims) == 12 and {c["earned_cny"] for c in claims} == {"2500000.00"}
    granted = sorted((Decimal(c["granted_cny"]) for c in claims), reverse=True)
    assert sum(granted) == Decimal("7000000.00")
    assert granted[:3] == [Decimal("2500000.00"), Decimal("2500000.00"), Decimal("2000000.00")]
    assert set(granted[3:]) == {Decimal("0.00")}
    # What each claim says was left is what the budget held after it, in the order granted.
    left = sorted((Decimal(c["budget_left_cny"]) for c in claims), reverse=True)
    assert left[:3] == [Decimal("4500000.00"), Decimal("2000000.00"), Decimal("0.00")]

    use = await matching.client.get("/v1/subsidy-programmes", headers=regulator)
    assert use.status_code == 200, use.text
    row = next(p for p in use.json() if p["programme_id"] == programme_id)
    assert (row["budget_cny"], row["granted_cny"], row["remaining_cny"]) == (
        "7000000.00",
        "7000000.00",
        "0.00",
    )
    assert (row["earned_cny"], row["claims"], row["enterprises"]) == ("30000000.00", 12, 2)
    download = await matching.client.get(
        "/v1/subsidy-programmes", params={"format": "csv"}, headers=regulator
    )
    assert download.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(download.text)))
    assert any(r["programme_id"] == programme_id and r["remaining_cny"] == "0.00" for r in rows)

    # Each enterprise sees its own project's six claims and nobody else's.
    for project_id, owner in projects:
        own = [c for c in await _claims(matching, owner) if c["programme_id"] == programme_id]
        assert len(own) == 6 and {c["project_id"] for c in own} == {project_id}
    refused = await matching.client.get("/v1/subsidy-programmes", headers=projects[0][1])
    assert refused.status_code == 403
    assert date.fromisoformat(claims[0]["movement_on"]).year == 2019
