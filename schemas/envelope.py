"""CloudEvents 1.0 envelope carried as the JSON value of every Kafka record."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, ClassVar, Literal

import orjson
from pydantic import BaseModel, ConfigDict, Field


class EventData(BaseModel):
    """Base of every event body: frozen, and strict about unknown fields when produced."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    event_type: ClassVar[str] = ""

    def subject(self) -> str:
        """The aggregate id the event is about (CloudEvents `subject`)."""
        raise NotImplementedError


class Envelope(BaseModel):
    """The structured-mode CloudEvent; `data` is validated against the model of `type`."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    id: uuid.UUID
    source: str = Field(min_length=1, max_length=200)
    type: str = Field(min_length=1, max_length=100)
    specversion: Literal["1.0"] = "1.0"
    time: datetime
    subject: str = Field(min_length=1, max_length=200)
    trace_id: str = Field(min_length=1, max_length=64)
    datacontenttype: Literal["application/json"] = "application/json"
    data: dict[str, Any]

    @classmethod
    def wrap(
        cls,
        data: EventData,
        *,
        source: str,
        trace_id: str | None = None,
        event_id: uuid.UUID | None = None,
    ) -> Envelope:
        """Build the envelope for an event body produced by this process."""
        return cls(
            id=event_id or uuid.uuid4(),
            source=source,
            type=data.event_type,
            time=datetime.now(UTC),
            subject=data.subject(),
            trace_id=trace_id or uuid.uuid4().hex,
            data=data.model_dump(mode="json"),
        )

    def to_bytes(self) -> bytes:
        """Canonical wire form (orjson, sorted keys) so hashes of the same event agree."""
        return orjson.dumps(self.model_dump(mode="json"), option=orjson.OPT_SORT_KEYS)

    @classmethod
    def from_bytes(cls, raw: bytes) -> Envelope:
        """Parse a record value; raises ValueError/ValidationError for the dead-letter path."""
        return cls.model_validate(orjson.loads(raw))
