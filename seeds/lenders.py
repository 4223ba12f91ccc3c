"""The demo lenders and mandates of `seeds/lenders.json`, validated by the same contracts."""

from __future__ import annotations

import uuid
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from schemas.fields import LongText
from schemas.lending import LenderSpec, MandateSpec

SEEDS_FILE = Path(__file__).resolve().parent / "lenders.json"


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
