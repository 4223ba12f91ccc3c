"""Response shapes of the matching API."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, Field

from matching.allocation.allocation_plan import AllocationLine, ProjectAllocation
from matching.ranking.explained import LearnedExplanation, RankedDeal
from matching.ranking.ordering import OrderedBy
from schemas.carbon_assets import CarbonCollateral
from schemas.deals import LoanBalance
from schemas.ranking import LenderEvaluation


class LenderView(BaseModel):
    lender_id: uuid.UUID
    name: str
    kind: str
    city: str
    registered_at: datetime


class MandateView(BaseModel):
    mandate_id: uuid.UUID
    lender_id: uuid.UUID
    version: int
    closed: bool
    terms: dict[str, Any]
    disbursed_cny: Decimal | None = None
    repaid_cny: Decimal | None = None
    outstanding_cny: Decimal | None = None
    reserved_cny: Decimal | None = None
    remaining_capacity_cny: Decimal | None = None
    updated_at: datetime


class MandateAccepted(BaseModel):
    mandate_id: uuid.UUID
    version: int
    closed: bool


class FeedEntry(BaseModel):
    """One event of a lender's deal feed; `position` is the cursor to resume after."""

    position: int
    deal_id: uuid.UUID
    event_type: str
    event: dict[str, Any]
    at: datetime
    collateral: CarbonCollateral | None = Field(
        default=None,
        description="On a match of a project with expected carbon credits: their value as a "
        "carbon-asset pledge loan's collateral today (price in force, haircut, lendable).",
    )


class FeedPage(BaseModel):
    items: list[FeedEntry]
    next_cursor: str | None


class DealView(BaseModel):
    deal_id: uuid.UUID
    lender_id: uuid.UUID
    mandate_id: uuid.UUID
    project_id: uuid.UUID
    state: str
    offer: dict[str, Any] | None
    disbursed_cny: Decimal | None
    matched: dict[str, Any]
    learned: LearnedExplanation | None = None
    collateral: CarbonCollateral | None = Field(
        default=None,
        description="The project's expected carbon credits valued on `valued_on` (today in "
        "China by default) as a carbon-asset pledge loan's collateral; absent without credits "
        "or before the first price.",
    )


class Tranche(BaseModel):
    tranche: int
    amount_cny: Decimal
    disbursed_on: date


class RepaymentLine(BaseModel):
    number: int
    amount_cny: Decimal
    repaid_on: date


class LoanView(BaseModel):
    """A deal's money as lender, enterprise and regulator see it: offer, tranches, balance."""

    deal_id: uuid.UUID
    lender_id: uuid.UUID
    mandate_id: uuid.UUID
    project_id: uuid.UUID
    enterprise_id: uuid.UUID
    state: str
    offer: dict[str, Any] | None
    offer_open: bool
    balance: LoanBalance
    tranches: list[Tranche]
    repayments: list[RepaymentLine]


class InterestedLender(BaseModel):
    """What an enterprise may know about a lender's answer to its project: the deal it can
    act on (decline a live offer) and the offer's terms."""

    deal_id: uuid.UUID
    lender_id: uuid.UUID
    lender_name: str
    state: str
    updated_at: datetime
    offer: dict[str, Any] | None = None
    offer_open: bool = False


class AllocationPlanView(BaseModel):
    """Proposed spread of lender capacity over open deals, with the greedy baseline beside it."""

    method: Literal["milp", "greedy"]
    note: str
    financed_tco2e: float
    greedy_financed_tco2e: float
    milp_financed_tco2e: float | None
    open_deals: int
    lines: list[AllocationLine]
    projects: list[ProjectAllocation]


class RetrainAccepted(BaseModel):
    """A retrain request on its way to the ranker consumer; the version it makes appears in
    `GET /v1/ranker/evaluation`."""

    request_id: uuid.UUID
    requested_at: datetime


class LenderRankerRow(BaseModel):
    """A lender in a ranker version: whether it has a model, whether that model orders its
    feed, and the held-out comparison with the fixed weights."""

    lender_id: uuid.UUID
    lender_name: str | None
    has_model: bool
    orders_feed: bool
    evaluation: LenderEvaluation | None


class RankerEvaluationView(BaseModel):
    """The newest ranker version and its offline evaluation (means over evaluated lenders);
    every field empty before the first version is trained."""

    model_version: int | None = None
    trained_at: datetime | None = None
    answers: int = 0
    ndcg10_learned: float | None = None
    ndcg10_fixed: float | None = None
    auc_learned: float | None = None
    auc_fixed: float | None = None
    lenders: list[LenderRankerRow] = []


class RankedFeed(BaseModel):
    """A lender's deals awaiting its answer, in the order it is shown (`ordered_by`), with
    the model's evaluation for this lender; `shadow` when a model exists but does not order."""

    lender_id: uuid.UUID
    ordered_by: OrderedBy
    shadow: bool
    model_version: int | None
    evaluation: LenderEvaluation | None
    items: list[RankedDeal]
