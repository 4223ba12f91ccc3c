"""The deal ranker over HTTP: ask for a retrain, read its offline evaluation, and a lender's
open deals in the order they are shown, each with the learned part of its explanation."""

from __future__ import annotations

import logging
import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, status
from pydantic import BaseModel, ConfigDict

from matching import retraining
from matching.api.views import (
    DealView,
    LenderRankerRow,
    RankedFeed,
    RankerEvaluationView,
    RetrainAccepted,
)
from matching.config import MatchingSettings
from matching.ranking.explained import LearnedExplanation, explain, ranked_deals
from matching.ranking.ordering import feed_order
from matching.repository import ranker as ranker_store
from schemas.fields import LongText
from schemas.ranking import LenderEvaluation
from servicekit.db import Executor
from servicekit.http import Pool
from servicekit.http_deps import CallerConnection, app_settings
from servicekit.pagination import Limit
from servicekit.policies import LENDER_READ, Admin, LenderReader, Reader

router = APIRouter(prefix="/v1", tags=["matching"])
Settings = Annotated[MatchingSettings, Depends(app_settings(MatchingSettings))]
log = logging.getLogger(__name__)
# Deals awaiting an answer that one ranked read orders: the newest, older ones are left out.
RANKED_CANDIDATES = 2000


class RetrainRequest(BaseModel):
    """Why the operator asks for a retrain (kept in the ledger with the request)."""

    model_config = ConfigDict(extra="forbid")
    note: LongText = ""


@router.post("/ranker/retrain", status_code=status.HTTP_202_ACCEPTED)
async def request_retrain(body: RetrainRequest, principal: Admin, pool: Pool) -> RetrainAccepted:
    """Ask for the deal ranker to be retrained from every lender's answers (admins)."""
    event = await retraining.request_retrain(pool, body.note)
    return RetrainAccepted(request_id=event.request_id, requested_at=event.requested_at)


@router.get("/ranker/evaluation")
async def ranker_evaluation(principal: Reader, con: CallerConnection) -> RankerEvaluationView:
    """The newest ranker version: NDCG@10 and AUC of the learned order and of the fixed
    weights on the same held-out answers, per lender and on average."""
    found = await ranker_store.newest_version(con)
    if found is None:
        return RankerEvaluationView()
    version, lenders = found
    return RankerEvaluationView(
        model_version=version["model_version"],
        trained_at=version["trained_at"],
        answers=version["answers"],
        **version["summary"],
        lenders=[
            LenderRankerRow(
                lender_id=r["lender_id"],
                lender_name=r["lender_name"],
                has_model=r["model"] is not None,
                orders_feed=r["orders_feed"],
                evaluation=r["evaluation"] and LenderEvaluation.model_validate(r["evaluation"]),
            )
            for r in lenders
        ],
    )


@router.get("/lenders/{lender_id}/deals/ranked")
async def ranked_feed(
    lender_id: uuid.UUID,
    principal: LenderReader,
    con: CallerConnection,
    settings: Settings,
    limit: Limit = 50,
) -> RankedFeed:
    """The lender's deals awaiting its answer, ordered by its learned model where that model
    beat the fixed weights on held-out answers, else by the fixed fit (model in shadow)."""
    LENDER_READ.reveal(principal, lender_id, f"lender {lender_id} not found", "lender_id")
    rows = await ranker_store.awaiting_answer(con, lender_id, RANKED_CANDIDATES)
    stored = await ranker_store.lender_model(con, lender_id)
    evaluation = stored.evaluation if stored else None
    ordered_by = feed_order(
        evaluation,
        force_learned=settings.ranker_force_learned,
        production=not settings.is_development,
    )
    learned = None
    if stored is not None and stored.model is not None:
        orders = ordered_by == "learned"
        learned = explain(stored.model, stored.model_version, orders, [r["matched"] for r in rows])
    else:
        ordered_by = "fixed"
    items = ranked_deals([dict(r.items()) for r in rows], learned, ordered_by)
    shadow = learned is not None and ordered_by == "fixed"
    if shadow and items:
        log.info(
            "ranker shadow order",
            extra={
                "lender_id": str(lender_id),
                "model_version": stored.model_version if stored else None,
                "fixed_order": [str(d.deal_id) for d in items[:limit]],
                "learned_order": [
                    str(d.deal_id) for d in sorted(items, key=lambda d: d.learned_rank or 0)
                ][:limit],
            },
        )
    return RankedFeed(
        lender_id=lender_id,
        ordered_by=ordered_by,
        shadow=shadow,
        model_version=stored.model_version if stored else None,
        evaluation=evaluation,
        items=items[:limit],
    )


async def learned_part(con: Executor, deal: DealView) -> LearnedExplanation | None:
    """The deal's explanation by its lender's newest model, when there is one."""
    stored = await ranker_store.lender_model(con, deal.lender_id)
    if stored is None or stored.model is None:
        return None
    return explain(stored.model, stored.model_version, stored.orders_feed, [deal.matched])[0]
