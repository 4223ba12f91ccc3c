"""CloudEvents 1.0 in the Kafka protocol binding's structured content mode.

Every record's value is the whole event in the JSON event format, and its `content-type`
header says so (`application/cloudevents+json`); no record carries `ce_` headers, which would
mean binary mode. Trace context travels as the distributed-tracing extension's `traceparent`
attribute (a W3C `traceparent` value), so any CloudEvents SDK decodes a GreenLink record and a
record the SDK encodes is one GreenLink accepts.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, ClassVar, Literal

import orjson
from pydantic import BaseModel, ConfigDict, Field


class EventData(BaseModel):
    """Base of every event body: frozen, and strict about unknown fields when produced."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    event_type: ClassVar[str] = ""
    subject_field: ClassVar[str] = ""
    """The field holding the id of the aggregate the event is about."""

    def subject(self) -> str:
        """The aggregate id the event is about (CloudEvents `subject`)."""
        if not self.subject_field:
            raise NotImplementedError(f"{type(self).__name__} names no subject_field")
        return str(getattr(self, self.subject_field))


CONTENT_TYPE = "application/cloudevents+json; charset=utf-8"
RECORD_HEADERS: tuple[tuple[str, bytes], ...] = (("content-type", CONTENT_TYPE.encode()),)
TRACEPARENT = r"^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$"


def new_traceparent() -> str:
    """A sampled W3C trace context starting a new trace, for events no request led to."""
    return f"00-{secrets.token_hex(16)}-{secrets.token_hex(8)}-01"


class Envelope(BaseModel):
    """The structured-mode CloudEvent; `data` is validated against the model of `type`."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    id: uuid.UUID
    source: str = Field(min_length=1, max_length=200)
    type: str = Field(min_length=1, max_length=100)
    specversion: Literal["1.0"] = "1.0"
    time: datetime
    subject: str = Field(min_length=1, max_length=200)
    traceparent: str | None = Field(default=None, pattern=TRACEPARENT)
    datacontenttype: Literal["application/json"] = "application/json"
    data: dict[str, Any]

    @classmethod
    def wrap(
        cls,
        data: EventData,
        *,
        source: str,
        traceparent: str | None = None,
        event_id: uuid.UUID | None = None,
    ) -> Envelope:
        """Build the envelope for an event body produced by this process; without a trace
        context to continue, the event starts a trace of its own."""
        return cls(
            id=event_id or uuid.uuid4(),
            source=source,
            type=data.event_type,
            time=datetime.now(UTC),
            subject=data.subject(),
            traceparent=traceparent or new_traceparent(),
            data=data.model_dump(mode="json"),
        )

    @staticmethod
    def wire(
        data: EventData,
        *,
        source: str,
        traceparent: str,
        event_id: uuid.UUID,
        time: datetime,
    ) -> bytes:
        """`wrap(...).to_bytes()` for an event this process built, without validating again
        what its model already validated: the body is dumped once, straight into the sorted
        wire form. The outbox writes every event through here (docs/performance.md)."""
        return orjson.dumps(
            {
                "data": data.model_dump(mode="json"),
                "datacontenttype": "application/json",
                "id": str(event_id),
                "source": source,
                "specversion": "1.0",
                "subject": data.subject(),
                "time": time,
                "traceparent": traceparent,
                "type": data.event_type,
            },
            option=orjson.OPT_SORT_KEYS | orjson.OPT_UTC_Z,
        )

    @property
    def trace_id(self) -> str | None:
        """The W3C trace id the event belongs to, for logs."""
        return self.traceparent.split("-")[1] if self.traceparent else None

    def to_bytes(self) -> bytes:
        """Canonical wire form (orjson, sorted keys, absent attributes left out, as the JSON
        event format wants) so hashes of the same event agree."""
        return orjson.dumps(
            self.model_dump(mode="json", exclude_none=True), option=orjson.OPT_SORT_KEYS
        )

    @classmethod
    def from_record(cls, value: bytes, headers: Iterable[tuple[str, bytes]]) -> Envelope:
        """Decode a Kafka record in structured content mode; raises ValueError (the
        dead-letter path) for binary mode or a value that is not the JSON event format.

        A record without `content-type` is read as structured: records written before the
        header was set (with stray `ce_id`/`ce_type` headers) carry the same value."""
        names = {name.lower(): raw for name, raw in headers}
        if "ce_specversion" in names:
            raise ValueError("binary-mode CloudEvent (ce_ headers): send structured mode")
        declared = names.get("content-type", CONTENT_TYPE.encode()).decode(errors="replace")
        media_type = declared.split(";", 1)[0].strip().lower()
        if media_type != "application/cloudevents+json":
            raise ValueError(f"content-type {declared!r} is not application/cloudevents+json")
        return cls.from_bytes(value)

    @classmethod
    def from_bytes(cls, raw: bytes) -> Envelope:
        """Parse a record value; raises ValueError/ValidationError for the dead-letter path."""
        return cls.model_validate(orjson.loads(raw))
