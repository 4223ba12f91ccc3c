"""The outbox's wire form of an event is the validated envelope's, byte for byte."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schemas.envelope import Envelope, EventData, new_traceparent
from tests.unit.contracts.examples import examples

pytestmark = pytest.mark.unit

EXAMPLES = examples()


def _validated(event: EventData, event_id: uuid.UUID, at: datetime, traceparent: str) -> bytes:
    wrapped = Envelope.wrap(event, source="greenlink/registry", traceparent=traceparent)
    return wrapped.model_copy(update={"id": event_id, "time": at}).to_bytes()


@pytest.mark.parametrize("event_type", sorted(EXAMPLES))
def test_the_trusted_wire_form_equals_the_validated_envelope_s(event_type: str) -> None:
    event = EXAMPLES[event_type]
    event_id, at, traceparent = uuid.uuid4(), datetime.now(UTC), new_traceparent()
    wire = Envelope.wire(
        event, source="greenlink/registry", traceparent=traceparent, event_id=event_id, time=at
    )
    assert wire == _validated(event, event_id, at, traceparent)
    assert Envelope.from_bytes(wire).data == event.model_dump(mode="json")


@settings(max_examples=50, deadline=None)
@given(at=st.datetimes(timezones=st.just(UTC)))
def test_any_time_is_written_as_the_validated_envelope_writes_it(at: datetime) -> None:
    event = EXAMPLES["project.scored.v1"]
    event_id, traceparent = uuid.uuid4(), new_traceparent()
    wire = Envelope.wire(
        event, source="greenlink/registry", traceparent=traceparent, event_id=event_id, time=at
    )
    assert wire == _validated(event, event_id, at, traceparent)
