"""The lenders' quarterly evaluation over a hand-computed quarter, read from a real ledger.

2026Q2 (Beijing dates 2026-04-01 to 2026-06-30), every figure worked by hand in docs/evaluation.md
("A worked quarter"):
  lender A  balance 4 M at 2025Q2's end, 8 M at 2026Q1's, 10 M at 2026Q2's (repaid 1 M on 04-15,
            drew 3 M on 06-30, the last day; 5 M drawn on 07-01 falls outside); 200 t/M CNY;
            two deals matched in the quarter (one at 00:30 Beijing on 04-01, still 03-31 in UTC),
            one answered after 12 h, the other only after the quarter ended; a deal matched at
            23:00 on 03-31 belongs to the quarter before
  lender B  10 M drawn on 04-01 on a deal matched in March, nothing before; 100 t/M CNY; two
            deals of the quarter answered after 48 h and 96 h, a third withdrawn unanswered
  lender C  registered, one deal matched, never answered, no money
  lender D  registered after the quarter: not evaluated
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

import audit.app as audit_composition
from audit.config import AuditSettings
from audit.handlers import record
from deploy.local.infra import InfraInfo
from schemas.deals import (
    DealRepaid,
    DealWithdrawn,
    Disbursement,
    Interest,
    LoanBalance,
    Offer,
    Repayment,
)
from schemas.envelope import Envelope, EventData
from servicekit.db import create_pool
from servicekit.rls import SYSTEM, acting_as
from tests.support.scratch_schema import scratch_schema
from tests.support.services import app_client
from tests.unit.audit.samples import Deal, lender, scored, throwaway_anchoring

pytestmark = pytest.mark.integration

BEIJING = timedelta(hours=8)
QUARTER = "2026Q2"


def beijing(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC) - BEIJING


@dataclass(frozen=True)
class Lenders:
    a: uuid.UUID
    b: uuid.UUID
    c: uuid.UUID
    d: uuid.UUID


class Loan:
    """One deal's story with answers at given instants (not the samples' fixed offsets)."""

    def __init__(self, deal: Deal, amount: str = "100000000.00") -> None:
        self.deal = deal
        self.offer = Offer(
            instrument="green_loan", amount_cny=Decimal(amount), rate_percent=Decimal("3.1"),
            tenor_months=60,
        )  # fmt: skip

    def matched(self, at: datetime) -> EventData:
        return self.deal.matched(at)

    def answered(self, at: datetime) -> EventData:
        return self.deal.answer(Interest(note=""), 0).model_copy(update={"responded_at": at})

    def drawn(self, amount: str, on: date) -> list[EventData]:
        at = beijing(on.year, on.month, on.day, 9)
        offer = self.deal.answer(self.offer, 0).model_copy(update={"responded_at": at})
        paid = Disbursement(amount_cny=Decimal(amount), disbursed_on=on)
        money = self.deal.answer(paid, 0, self.offer).model_copy(update={"responded_at": at})
        return [offer, money]

    def repaid(self, amount: str, on: date) -> EventData:
        s = self.deal.score
        zero = Decimal(0)
        return DealRepaid(
            deal_id=self.deal.deal_id, lender_id=self.deal.lender_id,
            mandate_id=self.deal.mandate_id, mandate_version=1, project_id=s.project_id,
            project_version=1, enterprise_id=s.enterprise_id, city=s.city, family=s.family,
            offer=self.offer,
            balance=LoanBalance(offered_cny=zero, drawn_cny=zero, repaid_cny=zero,
                                outstanding_cny=zero, reserved_cny=zero),
            repayment=Repayment(amount_cny=Decimal(amount), repaid_on=on),
            restores_capacity=False, repaid_at=beijing(on.year, on.month, on.day, 10),
        )  # fmt: skip


def _story(ids: Lenders) -> list[EventData]:
    wind = scored(uuid.uuid4(), uuid.uuid4())  # 320 M capex, 64,000 t a year: 200 t/M CNY
    hydro = scored(
        uuid.uuid4(), uuid.uuid4(), capex_cny=Decimal("100000000.00"), annual_tco2e=10000.0
    )  # 100 t/M CNY
    registered = [
        lender(ids.a), lender(ids.b), lender(ids.c),
        lender(ids.d).model_copy(update={"registered_at": beijing(2026, 7, 2, 9)}),
    ]  # fmt: skip
    a_loan = Loan(Deal(wind, lender_id=ids.a))
    a_first = Deal(wind, lender_id=ids.a)
    a_late = Deal(wind, lender_id=ids.a)
    a_before = Deal(wind, lender_id=ids.a)
    b_loan = Loan(Deal(hydro, lender_id=ids.b))
    b_first = Loan(Deal(hydro, lender_id=ids.b))
    b_second = Loan(Deal(hydro, lender_id=ids.b))
    b_gone = Deal(hydro, lender_id=ids.b)
    c_deal = Deal(hydro, lender_id=ids.c)
    events: list[EventData] = [wind, hydro, *registered]
    events += [a_loan.matched(beijing(2025, 5, 1, 9))]
    events += a_loan.drawn("4000000.00", date(2025, 5, 10))
    events += a_loan.drawn("4000000.00", date(2026, 3, 20))
    events += [a_loan.repaid("1000000.00", date(2026, 4, 15))]
    events += a_loan.drawn("3000000.00", date(2026, 6, 30))
    events += a_loan.drawn("5000000.00", date(2026, 7, 1))
    events += [a_first.matched(beijing(2026, 4, 1, 0, 30))]
    events += [Loan(a_first).answered(beijing(2026, 4, 1, 12, 30))]
    events += [a_late.matched(beijing(2026, 6, 30, 20))]
    events += [Loan(a_late).answered(beijing(2026, 7, 1, 10))]
    events += [a_before.matched(beijing(2026, 3, 31, 23))]
    events += [Loan(a_before).answered(beijing(2026, 4, 2, 23))]
    events += [b_loan.matched(beijing(2026, 3, 25, 10))]
    events += b_loan.drawn("10000000.00", date(2026, 4, 1))
    events += [b_first.matched(beijing(2026, 5, 1, 10)), b_first.answered(beijing(2026, 5, 3, 10))]
    events += [b_second.matched(beijing(2026, 5, 2, 10))]
    events += [b_second.answered(beijing(2026, 5, 6, 10))]
    events += [b_gone.matched(beijing(2026, 5, 3, 10))]
    events += [
        DealWithdrawn(
            deal_id=b_gone.deal_id, lender_id=ids.b, mandate_id=b_gone.mandate_id,
            mandate_version=1, project_id=hydro.project_id, project_version=1,
            reason="mandate_closed", withdrawn_at=beijing(2026, 5, 5, 10),
        )
    ]  # fmt: skip
    events += [c_deal.matched(beijing(2026, 6, 1, 10))]
    return events


@dataclass(frozen=True)
class Evaluated:
    client: httpx.AsyncClient
    lenders: Lenders


@pytest.fixture(scope="module")
async def evaluated(infra: InfraInfo, jwks_path: Any) -> AsyncIterator[Evaluated]:
    """The worked quarter recorded by the ledger consumer's own code into a schema of its own
    (a share is of every lender in the ledger, so no other test's lenders may join)."""
    ids = Lenders(uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), uuid.uuid4())
    service_dir = Path(audit_composition.__file__).parent
    role = AuditSettings().app_role
    async with scratch_schema(infra.database_url, "audit_eval", service_dir, role) as schema:
        pool = await create_pool(infra.database_url, schema)
        try:
            batch = [(Envelope.wrap(e, source="greenlink/test"), e) for e in _story(ids)]
            async with acting_as(pool, SYSTEM) as con:
                await record(con, batch, throwaway_anchoring(1000))
        finally:
            await pool.close()
        app = audit_composition.build_app(AuditSettings(db_schema=schema))
        async with app_client(app) as client:
            yield Evaluated(client, ids)


def _points(row: dict[str, Any]) -> dict[str, tuple[str | None, str, str]]:
    return {key: (i["value"], i["score"], i["points"]) for key, i in row["indicators"].items()}


async def _ranking(e: Evaluated, mint: Any, **params: Any) -> Any:
    answer = await e.client.get(
        "/v1/evaluations", params={"quarter": QUARTER} | params, headers=mint("regulator")
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


async def test_the_worked_quarter_ranks_lenders_with_the_hand_computed_scores(
    evaluated: Evaluated, mint: Any
) -> None:
    ranking = await _ranking(evaluated, mint)
    ids = evaluated.lenders
    assert (ranking["quarter_start"], ranking["quarter_end"]) == ("2026-04-01", "2026-06-30")
    assert ranking["lenders_evaluated"] == 3  # D registered after the quarter
    assert ranking["platform_balance_cny"] == "20000000.00"
    rows = ranking["items"]
    assert [(r["lender_id"], r["rank"], r["total_score"], r["band"]) for r in rows] == [
        (str(ids.b), 1, "84.45", "A"),
        (str(ids.a), 2, "78.33", "B"),
        (str(ids.c), 3, "0.00", "D"),
    ]
    b, a, _ = rows
    assert _points(a) == {
        "balance_share": ("0.5000", "100.00", "20.00"),
        "balance_share_yoy_change_pp": ("-50.0000", "0.00", "0.00"),
        "balance_growth_qoq": ("0.2500", "100.00", "10.00"),
        "balance_growth_yoy": ("1.5000", "100.00", "20.00"),
        "financed_tco2e_per_million_cny": ("200.0000", "66.67", "13.33"),
        "answer_rate": ("0.5000", "50.00", "5.00"),
        "median_response_hours": ("12.0000", "100.00", "10.00"),
    }
    assert (a["green_loan_balance_cny"], a["previous_quarter_balance_cny"]) == (
        "10000000.00",
        "8000000.00",
    )
    assert (a["year_ago_balance_cny"], a["deals_matched"], a["deals_answered"]) == (
        "4000000.00",
        2,
        1,
    )
    assert _points(b) == {
        "balance_share": ("0.5000", "100.00", "20.00"),
        "balance_share_yoy_change_pp": ("50.0000", "100.00", "10.00"),
        "balance_growth_qoq": (None, "100.00", "10.00"),  # a book that starts from nothing
        "balance_growth_yoy": (None, "100.00", "20.00"),
        "financed_tco2e_per_million_cny": ("100.0000", "33.33", "6.67"),
        "answer_rate": ("1.0000", "100.00", "10.00"),  # the withdrawn deal leaves the count
        "median_response_hours": ("72.0000", "77.78", "7.78"),
    }
    assert (b["deals_matched"], b["deals_answered"]) == (3, 2)


async def test_a_lender_that_never_answers_scores_zero_on_every_indicator(
    evaluated: Evaluated, mint: Any
) -> None:
    ids = evaluated.lenders
    path = f"/v1/lenders/{ids.c}/evaluation"
    answer = await evaluated.client.get(
        path, params={"quarter": QUARTER}, headers=mint("lender", ids.c)
    )
    assert answer.status_code == 200, answer.text
    own = answer.json()
    row = own["evaluation"]
    assert (row["rank"], row["total_score"], own["lenders_evaluated"]) == (3, "0.00", 3)
    assert (row["deals_matched"], row["deals_answered"]) == (1, 0)
    assert row["indicators"]["median_response_hours"] == {
        "value": None,
        "score": "0.00",
        "points": "0.00",
    }
    assert row["indicators"]["answer_rate"]["value"] == "0.0000"


async def test_a_lender_sees_its_own_evaluation_and_nothing_of_the_others(
    evaluated: Evaluated, mint: Any
) -> None:
    ids = evaluated.lenders
    own = await evaluated.client.get(
        f"/v1/lenders/{ids.a}/evaluation",
        params={"quarter": QUARTER},
        headers=mint("lender", ids.a),
    )
    assert own.status_code == 200, own.text
    assert own.json()["evaluation"]["total_score"] == "78.33"
    assert str(ids.b) not in own.text and str(ids.c) not in own.text
    other = await evaluated.client.get(
        f"/v1/lenders/{ids.b}/evaluation",
        params={"quarter": QUARTER},
        headers=mint("lender", ids.a),
    )
    assert other.status_code == 404
    ranking = await evaluated.client.get(
        "/v1/evaluations", params={"quarter": QUARTER}, headers=mint("lender", ids.a)
    )
    assert ranking.status_code == 403


async def test_the_quarter_before_counts_only_what_happened_by_its_end(
    evaluated: Evaluated, mint: Any
) -> None:
    ranking = await _ranking(evaluated, mint, quarter="2026Q1")
    ids = evaluated.lenders
    balances = {r["lender_id"]: r["green_loan_balance_cny"] for r in ranking["items"]}
    assert balances == {str(ids.a): "8000000.00", str(ids.b): "0.00", str(ids.c): "0.00"}
    a = next(r for r in ranking["items"] if r["lender_id"] == str(ids.a))
    assert a["deals_matched"] == 1  # 23:00 Beijing on 03-31 belongs to Q1
    assert a["indicators"]["median_response_hours"]["value"] is None  # answered in Q2


async def test_the_regulator_pages_filters_and_downloads_the_ranking_as_csv(
    evaluated: Evaluated, mint: Any
) -> None:
    first = await _ranking(evaluated, mint, limit=2)
    assert len(first["items"]) == 2 and first["next_cursor"] == "2"
    rest = await _ranking(evaluated, mint, limit=2, cursor=first["next_cursor"])
    assert [r["rank"] for r in rest["items"]] == [3] and rest["next_cursor"] is None
    banded = await _ranking(evaluated, mint, band="B")
    assert [r["lender_id"] for r in banded["items"]] == [str(evaluated.lenders.a)]
    download = await evaluated.client.get(
        "/v1/evaluations",
        params={"quarter": QUARTER, "format": "csv"},
        headers=mint("regulator"),
    )
    assert download.status_code == 200
    assert download.headers["content-type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(download.text)))
    assert [(r["rank"], r["total_score"], r["band"]) for r in table] == [
        ("1", "84.45", "A"),
        ("2", "78.33", "B"),
        ("3", "0.00", "D"),
    ]
    assert table[1]["indicators_financed_tco2e_per_million_cny_points"] == "13.33"


async def test_a_quarter_in_another_form_is_refused_naming_the_field(
    evaluated: Evaluated, mint: Any
) -> None:
    answer = await evaluated.client.get(
        "/v1/evaluations", params={"quarter": "2026Q5"}, headers=mint("regulator")
    )
    assert answer.status_code == 422
    assert "quarter" in answer.text
