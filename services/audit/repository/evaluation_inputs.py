"""What a quarter's lender evaluation reads: every lender, its money, its deals and answers."""

from __future__ import annotations

from audit.reports.evaluation import (
    ANSWERS,
    EvaluatedLender,
    Ledgered,
    LenderAnswer,
    LenderDeal,
)
from audit.reports.periods import china_date
from audit.repository.queries import FinancingFilter, financing_rows
from servicekit.db import Executor


async def ledgered(con: Executor) -> Ledgered:
    """Every lender's rows: a share is of the whole, so the quarter is evaluated together."""
    lenders = await con.fetch("SELECT lender_id, name, kind, city, registered_at FROM lenders")
    deals = await con.fetch("SELECT lender_id, deal_id, matched_at, withdrawn_at FROM deals")
    answers = await con.fetch(
        "SELECT lender_id, deal_id, kind, responded_at FROM responses WHERE kind = ANY($1::text[])",
        sorted(ANSWERS),
    )
    return Ledgered(
        lenders=[
            EvaluatedLender(
                r["lender_id"], r["name"], r["kind"], r["city"], china_date(r["registered_at"])
            )
            for r in lenders
        ],
        financing=await financing_rows(con, FinancingFilter()),
        deals=[
            LenderDeal(r["lender_id"], r["deal_id"], r["matched_at"], r["withdrawn_at"])
            for r in deals
        ],
        answers=[
            LenderAnswer(r["lender_id"], r["deal_id"], r["kind"], r["responded_at"])
            for r in answers
        ],
    )
