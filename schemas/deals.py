"""Deal contracts: a project matched to a mandate, its withdrawal, and the lender's answers."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, ClassVar, Literal, Self

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema, model_validator
from pydantic.config import JsonDict

from schemas.carbon_assets import CarbonCollateral, ExpectedIssuance
from schemas.envelope import EventData
from schemas.fields import Code, IsoDate, LongText, MoneyCNY, PositiveMoneyCNY, ShortText, text
from schemas.scoring import CostCNYPerTonne, Flag, ScoreComponents, Taxonomy, TonnesCO2e
from schemas.vocabulary import City, Instrument, ProjectFamily, ProjectType

_STRICT = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

Points = Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)]


if TYPE_CHECKING:
    Reason = str
else:  # text() builds the annotated type at run time: required, so never blank
    Reason = text(4000)

# A rate travels like money: a plain decimal string or a JSON number, here with at most four
# places, and is documented exactly as it is validated.
_RATE_TEXT = r"^(([0-9]|[12][0-9]|3[0-5])(\.[0-9]{1,4})?|36(\.0{1,4})?)$"
_RATE = re.compile(_RATE_TEXT)


def _plain_rate_text(value: object) -> object:
    if isinstance(value, str) and not _RATE.fullmatch(value):
        raise ValueError('must be a plain decimal from 0 to 36 with at most 4 places, like "3.05"')
    return value


RatePercent = Annotated[
    Decimal,
    BeforeValidator(_plain_rate_text),
    Field(ge=0, le=36, max_digits=7, decimal_places=4, allow_inf_nan=False),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": 0, "maximum": 36, "multipleOf": 0.0001},
                {"type": "string", "pattern": _RATE_TEXT},
            ]
        }
    ),
]


class DealProject(BaseModel):
    """What a lender learns about a matched project: its scored facts, no contact data.

    Field names and types are those of `project.scored.v1`, so the service copies them over.
    """

    model_config = _STRICT

    project_name: ShortText
    type: ProjectType
    family: ProjectFamily
    city: City
    county: ShortText | None = None
    instruments: tuple[Instrument, ...] = Field(min_length=1, max_length=len(Instrument))
    financing_need_cny: PositiveMoneyCNY
    capex_cny: PositiveMoneyCNY
    tenor_months: int = Field(ge=1, le=360)
    lifetime_years: int = Field(ge=1, le=60)
    high_energy_high_emission: bool
    annual_tco2e: TonnesCO2e
    lifetime_tco2e: TonnesCO2e
    tco2e_per_10k_cny: float = Field(allow_inf_nan=False)
    abatement_cost_cny_per_tco2e: CostCNYPerTonne | None
    data_quality_tier: int = Field(ge=1, le=5)
    score: Points
    score_components: ScoreComponents
    taxonomy: Taxonomy
    flags: tuple[Flag, ...] = ()
    methodology_id: ShortText
    methodology_version: ShortText
    factor_set_id: ShortText
    factor_set_version: int = Field(ge=1)
    scored_at: datetime
    expected_issuance: ExpectedIssuance | None = None


class ConstraintOutcome(BaseModel):
    """One hard constraint of a mandate checked against one project."""

    model_config = _STRICT

    name: Code
    passed: bool
    detail: LongText


class FitPart(BaseModel):
    """One part of the fit score: `points = weight × value`, value between 0 and 1."""

    model_config = _STRICT

    name: Code
    weight: Points
    value: float = Field(ge=0, le=1, allow_inf_nan=False)
    points: Points
    detail: LongText


class MatchExplanation(BaseModel):
    """Why a project matched a mandate: every constraint passed and every fit part counted."""

    model_config = _STRICT

    constraints: list[ConstraintOutcome]
    parts: list[FitPart]
    fit_score: Points


class DealEvent(EventData):
    """What every deal event names first: the deal, its lender and mandate version, and the
    project version it matched. A deal event's subject is its deal."""

    subject_field: ClassVar[str] = "deal_id"

    deal_id: uuid.UUID
    lender_id: uuid.UUID
    mandate_id: uuid.UUID
    mandate_version: int = Field(ge=1)
    project_id: uuid.UUID
    project_version: int = Field(ge=1)


class DealMatched(DealEvent):
    """A project version satisfies a mandate version: a new item in the lender's feed."""

    event_type: ClassVar[str] = "deal.matched.v1"

    enterprise_id: uuid.UUID
    project: DealProject
    fit_score: Points
    explanation: MatchExplanation
    matched_at: datetime


class DealWithdrawn(DealEvent):
    """A deal left the feed: the project or mandate changed, closed or ran out of room."""

    event_type: ClassVar[str] = "deal.withdrawn.v1"

    reason: Reason
    withdrawn_at: datetime


def _kind_required(schema: JsonDict) -> None:
    """`kind` picks the response type, so a request must send it (Python code may omit it)."""
    required = schema.get("required")
    schema["required"] = ["kind", *(required if isinstance(required, list) else [])]


_RESPONSE = ConfigDict(
    frozen=True, extra="forbid", allow_inf_nan=False, json_schema_extra=_kind_required
)


class Interest(BaseModel):
    """The lender wants to talk."""

    model_config = _RESPONSE

    kind: Literal["interest"] = "interest"
    note: LongText = ""


class Decline(BaseModel):
    """The lender will not finance this project; the reason is shown to the enterprise."""

    model_config = _RESPONSE

    kind: Literal["decline"] = "decline"
    reason: Reason


class Offer(BaseModel):
    """Terms the lender offers; `rate_percent` is the annual rate (or fee) in percent.

    An offer reserves its amount of the mandate's capacity until it is drawn, withdrawn,
    declined by the enterprise or expires after `valid_until` (the last day it may be drawn;
    matching fills in its default validity when the lender leaves it out).
    """

    model_config = _RESPONSE

    kind: Literal["offer"] = "offer"
    instrument: Instrument
    amount_cny: PositiveMoneyCNY
    rate_percent: RatePercent
    tenor_months: int = Field(ge=1, le=360, strict=True)
    valid_until: IsoDate | None = None


class Disbursement(BaseModel):
    """Money paid out, one tranche of the offer: together at most the offer's amount."""

    model_config = _RESPONSE

    kind: Literal["disbursed"] = "disbursed"
    amount_cny: PositiveMoneyCNY
    disbursed_on: IsoDate


DealResponse = Annotated[Interest | Decline | Offer | Disbursement, Field(discriminator="kind")]


class LoanBalance(BaseModel):
    """Where a deal's money stands: what is offered, drawn, repaid, owed and still reserved.

    `reserved_cny` is the undrawn part of a live offer, held against the mandate's capacity;
    `outstanding_cny` is drawn minus repaid.
    """

    model_config = _STRICT

    offered_cny: MoneyCNY
    drawn_cny: MoneyCNY
    repaid_cny: MoneyCNY
    outstanding_cny: MoneyCNY
    reserved_cny: MoneyCNY
    offer_valid_until: IsoDate | None = None


class Repayment(BaseModel):
    """Principal the enterprise paid back on a drawn loan."""

    model_config = _STRICT

    amount_cny: PositiveMoneyCNY
    repaid_on: IsoDate


class DealResponded(DealEvent):
    """A lender answered a deal; a disbursement names the offer it drew on."""

    event_type: ClassVar[str] = "deal.responded.v1"

    enterprise_id: uuid.UUID
    city: City
    family: ProjectFamily
    response: DealResponse
    offer_in_force: Offer | None = None
    balance: LoanBalance | None = None
    responded_at: datetime
    collateral: CarbonCollateral | None = Field(
        default=None,
        description="The pledged carbon credits an offer of a carbon_asset_pledge_loan was "
        "checked against, valued on the day of the offer.",
    )

    @model_validator(mode="after")
    def _offer_backs_disbursement(self) -> Self:
        offer = self.offer_in_force
        if not isinstance(self.response, Disbursement):
            if offer is not None:
                raise ValueError("offer_in_force belongs only to a disbursement")
            return self
        if offer is None:
            raise ValueError("a disbursement must name the offer_in_force it draws on")
        if self.response.amount_cny > offer.amount_cny:
            raise ValueError("a disbursement must not exceed the offer it draws on")
        return self


OfferEnd = Literal["withdrawn_by_lender", "declined_by_enterprise", "expired"]


class _LoanEvent(DealEvent):
    """Fields every later step of a loan carries: the deal, its parties and its balance."""

    enterprise_id: uuid.UUID
    city: City
    family: ProjectFamily
    offer: Offer
    balance: LoanBalance


class DealOfferClosed(_LoanEvent):
    """An offer stopped holding capacity: the lender withdrew it, the enterprise declined it,
    or it expired. `released_cny` (its undrawn part) returns to the mandate."""

    event_type: ClassVar[str] = "deal.offer_closed.v1"

    cause: OfferEnd
    reason: LongText = ""
    released_cny: MoneyCNY
    closed_at: datetime


class DealRepaid(_LoanEvent):
    """The enterprise repaid principal; a revolving mandate gets the amount back as capacity."""

    event_type: ClassVar[str] = "deal.repaid.v1"

    repayment: Repayment
    restores_capacity: bool
    repaid_at: datetime
