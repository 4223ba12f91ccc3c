"""The demo lenders and mandates of `seeds/lenders.json`, validated by the same contracts."""

from __future__ import annotations

import uuid
from datetime import datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from matching.mandates import Mandate
from schemas.fields import LongText
from schemas.lending import LenderRegistered, LenderSpec, MandateRegistered, MandateSpec

SEEDS_FILE = Path(__file__).resolve().parents[2] / "seeds" / "lenders.json"


class MandateSeed(MandateSpec):
    """A mandate with the fixed id it keeps across every load of the seeds."""

    mandate_id: uuid.UUID

    def spec(self) -> MandateSpec:
        return MandateSpec.model_validate(self.model_dump(exclude={"mandate_id"}))


class LenderSeed(LenderSpec):
    """A lender with its fixed id and its mandates."""

    lender_id: uuid.UUID
    mandates: list[MandateSeed] = Field(min_length=1, max_length=20)

    def spec(self) -> LenderSpec:
        return LenderSpec.model_validate(self.model_dump(exclude={"lender_id", "mandates"}))


class LenderSeeds(BaseModel):
    """The whole seeds file."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    description: LongText = ""
    lenders: list[LenderSeed] = Field(min_length=1)


def parse_lender_seeds(raw: str | bytes) -> list[LenderSeed]:
    """Validate a seeds document; a bad value fails with the contract's own message."""
    return LenderSeeds.model_validate_json(raw).lenders


def load_lender_seeds(path: Path = SEEDS_FILE) -> list[LenderSeed]:
    return parse_lender_seeds(path.read_bytes())


def seed_events(
    seeds: list[LenderSeed], *, at: datetime
) -> list[LenderRegistered | MandateRegistered]:
    """The registration events that loading the seeds publishes, lenders before mandates."""
    events: list[LenderRegistered | MandateRegistered] = []
    for lender in seeds:
        events.append(
            LenderRegistered(
                **lender.spec().model_dump(), lender_id=lender.lender_id, registered_at=at
            )
        )
        for seed in lender.mandates:
            _, registered = Mandate.register(
                seed.spec(), lender_id=lender.lender_id, at=at, mandate_id=seed.mandate_id
            )
            events.append(registered)
    return events
