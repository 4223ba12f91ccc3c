"""A service's handler table hands each handler typed batches of its own models, in arrival
order, and a refused batch is applied again record by record so only the bad record is parked."""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import pytest
from aiokafka import ConsumerRecord

from schemas.envelope import Envelope, EventData
from schemas.project import ProjectRegistered, ProjectUpdated, ProjectVersion, ProjectWithdrawn
from servicekit.batches import apply_isolating, runs_by
from servicekit.consumers import Batch, Delivered, HandlerTable, on
from servicekit.db import Connection
from tests.support.samples import project_body

pytestmark = pytest.mark.unit
NO_CONNECTION = cast(Connection, None)
PROJECT, ENTERPRISE = uuid.uuid4(), uuid.uuid4()


def _version(kind: type[ProjectVersion], version: int) -> ProjectVersion:
    ids = {"project_id": PROJECT, "enterprise_id": ENTERPRISE, "version": version}
    extra = {"family": "renewable_power", "recorded_at": datetime.now(UTC)}
    return kind.model_validate(project_body() | ids | extra)


def _withdrawn(version: int) -> ProjectWithdrawn:
    return ProjectWithdrawn(
        project_id=PROJECT,
        enterprise_id=ENTERPRISE,
        version=version,
        withdrawn_at=datetime.now(UTC),
    )


def _delivered(events: Sequence[EventData]) -> list[Delivered]:
    return [
        Delivered(
            Envelope.wrap(event, source="greenlink/registry"),
            event,
            ConsumerRecord("projects", 0, offset, 0, 0, None, None, None, 0, 0, ()),
        )
        for offset, event in enumerate(events)
    ]


async def test_each_handler_gets_typed_runs_of_its_models_in_arrival_order() -> None:
    seen: list[tuple[str, list[Any]]] = []

    async def on_versions(con: Connection, events: Batch[ProjectVersion]) -> None:
        seen.append(("versions", [(type(v).__name__, v.version) for v in events.data]))

    async def on_withdrawn(con: Connection, events: Batch[ProjectWithdrawn]) -> None:
        seen.append(("withdrawn", [w.version for w in events.data]))

    table = HandlerTable(
        on(ProjectRegistered, ProjectUpdated, handle=on_versions),
        on(ProjectWithdrawn, handle=on_withdrawn),
    )
    events = [
        _version(ProjectRegistered, 1),
        _version(ProjectUpdated, 2),
        _withdrawn(2),
        _version(ProjectUpdated, 3),
    ]
    await table.dispatch(NO_CONNECTION, _delivered(events))

    assert seen == [
        ("versions", [("ProjectRegistered", 1), ("ProjectUpdated", 2)]),
        ("withdrawn", [2]),
        ("versions", [("ProjectUpdated", 3)]),
    ]


def test_a_table_names_the_types_it_takes_and_refuses_two_handlers_for_one() -> None:
    async def ignore(con: Connection, events: Batch[ProjectWithdrawn]) -> None:
        return None

    table = HandlerTable(on(ProjectWithdrawn, handle=ignore))
    assert ProjectWithdrawn.event_type in table
    assert ProjectRegistered.event_type not in table
    with pytest.raises(ValueError, match="two handlers"):
        HandlerTable(on(ProjectWithdrawn, handle=ignore), on(ProjectWithdrawn, handle=ignore))


def test_runs_keep_order_and_split_where_the_kind_changes() -> None:
    assert runs_by("aabca", str) == [("a", ["a", "a"]), ("b", ["b"]), ("c", ["c"]), ("a", ["a"])]


async def test_a_refused_batch_parks_only_the_record_refused_on_its_own() -> None:
    applied: list[int] = []
    parked: list[int] = []

    async def apply(items: Sequence[int]) -> None:
        if 3 in items:
            raise ValueError("three is refused")
        applied.extend(items)

    async def park(item: int, exc: BaseException) -> None:
        parked.append(item)

    await apply_isolating([1, 2, 3, 4], apply, (ValueError,), park)

    assert applied == [1, 2, 4]
    assert parked == [3]


async def test_an_error_the_caller_retries_is_not_parked() -> None:
    async def apply(items: Sequence[int]) -> None:
        raise OSError("database away")

    async def park(item: int, exc: BaseException) -> None:
        raise AssertionError("parked a record on a transient error")

    with pytest.raises(OSError):
        await apply_isolating([1, 2], apply, (ValueError,), park)


def test_no_consumer_filters_its_batch_by_type() -> None:
    services = Path(__file__).resolve().parents[3] / "services"
    filtering = re.compile(r"(isinstance|getattr)\(\w+\.(data|event),")
    for module in services.rglob("*.py"):
        assert not filtering.search(module.read_text()), module
