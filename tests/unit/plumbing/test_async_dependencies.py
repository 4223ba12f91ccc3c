"""Plumbing dependencies run on the event loop: FastAPI hands a plain `def` dependency to the
thread pool and back on every request, which the registration profile showed as a fifth of the
API's samples (docs/performance.md)."""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts

from tests.security.apps import api_services, offline_app

pytestmark = pytest.mark.unit


def _calls(dependant: Dependant) -> Iterator[Any]:
    for dependency in dependant.dependencies:
        yield dependency.call
        yield from _calls(dependency)


def _runs_in_a_thread(call: Any) -> bool:
    function = call if inspect.isroutine(call) else type(call).__call__
    return not (inspect.iscoroutinefunction(function) or inspect.isasyncgenfunction(function))


@pytest.mark.parametrize("service", api_services())
def test_no_servicekit_dependency_of_any_route_costs_a_thread_pool_hop(service: str) -> None:
    app = offline_app(service)
    threaded = {
        f"{call.__module__}.{getattr(call, '__qualname__', type(call).__qualname__)}"
        for route in iter_route_contexts(app.routes)
        if isinstance(route.original_route, APIRoute)
        for call in _calls(route.original_route.dependant)
        if call is not None
        and str(getattr(call, "__module__", "")).startswith("servicekit")
        and _runs_in_a_thread(call)
    }
    assert not threaded, f"plain `def` plumbing dependencies (make them async): {threaded}"
