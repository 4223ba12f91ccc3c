"""Declarative consumers: one table per service maps each event model to the handler of its
batches, and each handler receives a batch typed by the models it was declared for.

    HandlerTable(
        on(ProjectRegistered, ProjectUpdated, handle=score_versions),
        on(ProjectWithdrawn, handle=mark_withdrawn),
    )

The inbox (servicekit.inbox) validates each record against its type's model, so the table
can hand `Batch[ProjectVersion]` to a handler without any `isinstance` filtering.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic

from typing_extensions import TypeVar

from schemas.envelope import Envelope, EventData
from servicekit.batches import runs_by
from servicekit.db import Connection
from servicekit.logs import event_id_var, traceparent_var
from servicekit.tracing import consuming

if TYPE_CHECKING:
    from aiokafka import ConsumerRecord

# Unparameterized, a delivered event or batch holds any event.
E = TypeVar("E", bound=EventData, default=EventData)


@dataclass(frozen=True)
class Delivered(Generic[E]):
    """A validated event with the envelope and Kafka position it arrived with."""

    envelope: Envelope
    data: E
    record: ConsumerRecord[bytes, bytes]


class Batch(list[Delivered[E]]):
    """Consecutive delivered events of the models one handler was declared for."""

    @property
    def data(self) -> list[E]:
        """The events' bodies, in order."""
        return [delivered.data for delivered in self]


TypedHandler = Callable[[Connection, Batch[E]], Awaitable[None]]


@dataclass(frozen=True)
class Route(Generic[E]):
    """The models one handler takes."""

    models: tuple[type[E], ...]
    handle: TypedHandler[E]


def on(*models: type[E], handle: TypedHandler[E]) -> Route[E]:
    """Declare that `handle` takes batches of `models` (a handler may take several)."""
    return Route(models, handle)


class HandlerTable:
    """Which handler takes each event type; event types absent here are skipped."""

    def __init__(self, *routes: Route[Any]) -> None:
        self._by_type: dict[str, TypedHandler[Any]] = {}
        for route in routes:
            for model in route.models:
                if model.event_type in self._by_type:
                    raise ValueError(f"{model.event_type} has two handlers")
                self._by_type[model.event_type] = route.handle

    @classmethod
    def one_for_all(
        cls, models: Iterable[type[EventData]], handle: TypedHandler[Any]
    ) -> HandlerTable:
        """One handler for every listed model (the audit ledger takes every event alike)."""
        return cls(Route(tuple(models), handle))

    @property
    def event_types(self) -> Mapping[str, TypedHandler[Any]]:
        return self._by_type

    def __contains__(self, event_type: object) -> bool:
        return event_type in self._by_type

    async def dispatch(
        self, con: Connection, events: Sequence[Delivered[Any]], *, consumer: str = "consumer"
    ) -> None:
        """Hand each run of events one handler takes to it, in the order the events came,
        inside the trace of the run's events (servicekit.tracing), so what it emits continues
        that trace."""
        for handle, run in runs_by(events, lambda e: self._by_type[e.envelope.type]):
            traceparent_var.set(run[0].envelope.traceparent)
            event_id_var.set(str(run[0].envelope.id))
            traceparents = [e.envelope.traceparent for e in run]
            with consuming(consumer, run[0].envelope.type, traceparents):
                await handle(con, Batch(run))
