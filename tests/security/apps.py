"""Each service's FastAPI app built without infrastructure, for its routes and OpenAPI."""

from __future__ import annotations

import importlib
from pathlib import Path

from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts

from tests.support.environment import environment

SERVICES_DIR = Path(__file__).resolve().parents[2] / "services"
OPERATIONAL = frozenset({"/healthz", "/readyz", "/metrics"})
PLACEHOLDERS = {
    "DATABASE_URL": "postgresql://offline:unused@127.0.0.1:9/none",
    "KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:9",
    "GREENLINK_ENV": "development",
}


def present_services() -> list[str]:
    """Services whose composition root exists in this checkout."""
    return sorted(p.parent.name for p in SERVICES_DIR.glob("*/app.py"))


def api_services() -> list[str]:
    """Services that publish an OpenAPI document (the console serves pages, not an API)."""
    return [s for s in present_services() if offline_app(s).openapi_url]


def offline_app(service: str) -> FastAPI:
    """The service's app as its composition root builds it; nothing is connected until started."""
    with environment(PLACEHOLDERS):
        return importlib.import_module(f"{service}.app").spec().app_factory()  # type: ignore[no-any-return]


def api_routes(app: FastAPI) -> set[tuple[str, str]]:
    """(method, path template) of every API route; docs pages (outside the OpenAPI document)
    and operational endpoints excluded."""
    return {
        (method, str(route.path))
        for route in iter_route_contexts(app.routes)
        if isinstance(route.original_route, APIRoute)
        and route.original_route.include_in_schema
        and route.path not in OPERATIONAL
        for method in route.methods or ()
    }
