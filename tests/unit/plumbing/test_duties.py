"""Timed duties: they run every interval, survive a database outage and stop when told."""

from __future__ import annotations

import asyncio
from typing import Any, cast

import pytest

from servicekit.runtime import Duty, repeat

pytestmark = pytest.mark.unit
POOL = cast(Any, "pool")  # duties here touch no database


async def test_a_duty_runs_each_tick_keeps_going_after_an_outage_and_stops_when_told() -> None:
    stop, calls = asyncio.Event(), []

    async def run(pool: Any) -> None:
        calls.append(pool)
        if len(calls) == 1:
            raise ConnectionRefusedError("database restarting")
        if len(calls) == 3:
            stop.set()

    await asyncio.wait_for(repeat(Duty("tick", 0.01, run), POOL, stop), timeout=10)
    assert calls == [POOL, POOL, POOL]


async def test_a_stopped_role_does_not_run_its_duty_again() -> None:
    stop, calls = asyncio.Event(), []
    stop.set()

    async def run(pool: Any) -> None:
        calls.append(pool)

    await asyncio.wait_for(repeat(Duty("tick", 0.01, run), POOL, stop), timeout=10)
    assert calls == []
