"""Valid events of a project's financing story for audit tests, and how to send them."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from audit.ledger.checkpoint import Signer
from audit.repository.checkpoints import Anchoring
from schemas.catalog import TOPIC_OF_EVENT
from schemas.deals import (
    DealMatched,
    DealProject,
    DealResponded,
    DealResponse,
    Decline,
    Disbursement,
    Interest,
    MatchExplanation,
    Offer,
)
from schemas.envelope import Envelope, EventData
from schemas.export.topology import producer_of
from schemas.lending import LenderRegistered
from schemas.scoring import ProjectScored, ScoreComponents, Taxonomy

T0 = datetime(2026, 2, 2, 1, 0, tzinfo=UTC)
CERF = "carbon_reduction_facility_loan"


def scored(project_id: uuid.UUID, enterprise_id: uuid.UUID, **overrides: object) -> ProjectScored:
    body: dict[str, object] = {
        "project_id": project_id, "enterprise_id": enterprise_id, "project_version": 1,
        "project_name": "浏阳风电场 Liuyang wind farm", "type": "wind",
        "family": "renewable_power", "city": "changsha", "county": "浏阳市",
        "instruments": ("green_loan", CERF), "financing_need_cny": Decimal("220000000.00"),
        "capex_cny": Decimal("320000000.00"), "tenor_months": 180, "lifetime_years": 20,
        "high_energy_high_emission": False, "annual_tco2e": 64000.0, "lifetime_tco2e": 1280000.0,
        "tco2e_per_10k_cny": 2.0, "abatement_cost_cny_per_tco2e": Decimal("250.00"),
        "data_quality_tier": 3, "score": 78.5,
        "score_components": ScoreComponents(
            reduction_intensity=0.7, cost_effectiveness=0.6, data_quality=0.5,
            flag_penalty_points=0,
        ),
        "taxonomy": Taxonomy(
            catalogue_category_code="3", catalogue_category="清洁能源产业",
            catalogue_code_path="3.2.2.1", catalogue_item="风力发电设施建设和运营",
            carbon_reduction_facility_field="clean_energy", icma_category="renewable_energy",
        ),
        "methodology_id": "renewables.grid", "methodology_version": "1",
        "factor_set_id": "hunan-2026", "factor_set_version": 1, "scored_at": T0,
    }  # fmt: skip
    return ProjectScored.model_validate(body | overrides)


def lender(lender_id: uuid.UUID) -> LenderRegistered:
    return LenderRegistered(
        lender_id=lender_id, name="湖南绿色银行 test", kind="bank", city="changsha",
        registered_at=T0,
    )  # fmt: skip


@dataclass
class Deal:
    """One deal of a scored project with one lender, and the answers that follow it."""

    score: ProjectScored
    lender_id: uuid.UUID = field(default_factory=uuid.uuid4)
    deal_id: uuid.UUID = field(default_factory=uuid.uuid4)
    mandate_id: uuid.UUID = field(default_factory=uuid.uuid4)

    def matched(self, at: datetime = T0) -> DealMatched:
        project = DealProject.model_validate(
            self.score.model_dump(include=set(DealProject.model_fields))
        )
        return DealMatched(
            deal_id=self.deal_id, lender_id=self.lender_id, mandate_id=self.mandate_id,
            mandate_version=1, project_id=self.score.project_id,
            project_version=self.score.project_version, enterprise_id=self.score.enterprise_id,
            project=project, fit_score=70.0,
            explanation=MatchExplanation(constraints=[], parts=[], fit_score=70.0), matched_at=at,
        )  # fmt: skip

    def answer(
        self, response: DealResponse, hours: float, offer: Offer | None = None
    ) -> DealResponded:
        return DealResponded(
            deal_id=self.deal_id, lender_id=self.lender_id, mandate_id=self.mandate_id,
            mandate_version=1, project_id=self.score.project_id,
            project_version=self.score.project_version, enterprise_id=self.score.enterprise_id,
            city=self.score.city, family=self.score.family, response=response,
            offer_in_force=offer, responded_at=T0 + timedelta(hours=hours),
        )  # fmt: skip

    def financed(self, amount: str, rate: str, on: date, instrument: str = CERF) -> list[EventData]:
        """Matched, interest after 3 h, an offer, then the money."""
        offer = Offer(
            instrument=instrument, amount_cny=Decimal(amount), rate_percent=Decimal(rate),
            tenor_months=60,
        )  # fmt: skip
        paid = Disbursement(amount_cny=Decimal(amount), disbursed_on=on)
        return [
            self.matched(), self.answer(Interest(note="site visit"), 3),
            self.answer(offer, 24), self.answer(paid, 48, offer),
        ]  # fmt: skip

    def declined(self, reason: str, hours: float = 5) -> list[EventData]:
        return [self.matched(), self.answer(Decline(reason=reason), hours)]


async def produce(producer: Any, events: Sequence[EventData]) -> list[Envelope]:
    """Send events as their producing service would: on their topic, keyed as declared."""
    envelopes = []
    for event in events:
        topic = TOPIC_OF_EVENT[event.event_type]
        envelope = Envelope.wrap(event, source=f"greenlink/{producer_of(topic)}")
        key = str(getattr(event, topic.key)).encode()
        await producer.send_and_wait(topic.name, envelope.to_bytes(), key=key)
        envelopes.append(envelope)
    return envelopes


async def seqs_in_ledger(pool: Any, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, int] | None:
    """Ledger seq of each event once all have been appended, else None."""
    rows = await pool.fetch(
        "SELECT event_id, seq FROM ledger WHERE event_id = ANY($1::uuid[])", ids
    )
    return {r["event_id"]: r["seq"] for r in rows} if len(rows) == len(set(ids)) else None


def throwaway_anchoring(every: int) -> Anchoring:
    """Checkpoints every `every` entries, signed by a key minted for this test alone."""
    return Anchoring(Signer(Ed25519PrivateKey.generate()), every)
