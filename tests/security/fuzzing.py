"""Schemathesis against a service's own OpenAPI, in-process over ASGI with real PostgreSQL and Kafka.

The schema is read from the app built offline (so tests can be generated at collection); the
running app, started by Schemathesis's ASGI client under its own lifespan, answers the calls.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import schemathesis
from fastapi import FastAPI
from schemathesis import Case
from schemathesis.core.parameters import ParameterLocation

from tests.security.apps import offline_app

BASE_URL = "http://testserver"


def fuzz_schema(
    service: str,
    *,
    max_examples: int,
    modes: str = "all",
    rules_beyond_schema: Iterable[str] = (),
) -> Any:
    """A schema whose tests run every check: no 5xx, answers as documented, bad input refused.

    `rules_beyond_schema` names operations whose bodies carry checks JSON Schema cannot state
    (a check character, one field bounded by another); a schema-valid body may get 422 there.
    """
    config: dict[str, Any] = {
        "suppress-health-check": ["all"],
        "base-url": BASE_URL,
        "generation": {
            "max-examples": max_examples,
            "mode": modes,
            "database": "none",
            "with-security-parameters": False,
        },
        "phases": {"stateful": {"enabled": False}},
        "operations": [
            {
                "include-name": name,
                "checks": {
                    "positive_data_acceptance": {
                        "expected-statuses": ["2xx", "401", "403", "404", "409", "422"]
                    }
                },
            }
            for name in rules_beyond_schema
        ],
    }
    openapi = offline_app(service).openapi()
    return schemathesis.openapi.from_dict(openapi, config=schemathesis.Config.from_dict(config))


@dataclass
class FuzzTarget:
    """A running app, who calls it, and real ids to aim some generated paths at."""

    app: FastAPI
    headers: Mapping[str, str]
    ids: Mapping[str, uuid.UUID] = field(default_factory=dict)

    def aim(self, case: Case, *, always: bool) -> bool:
        """Point uuid path parameters at real objects (half of them, or all); True if any."""
        aimed = False
        for name, value in list((case.path_parameters or {}).items()):
            target = self.ids.get(name)
            if target is None or not isinstance(value, str):
                continue
            try:
                generated = uuid.UUID(value)
            except ValueError:
                continue
            if always or generated.int % 2 == 0:
                case.path_parameters[name] = str(target)  # type: ignore[index]
                aimed = True
        return aimed

    def call(self, case: Case) -> Any:
        # Auth probes go through the schema's transport, so the schema must know the app too.
        case.operation.app = case.operation.schema.app = self.app
        _drop_unknown_query(case)
        return case.call_and_validate(headers=dict(self.headers))


def _drop_unknown_query(case: Case) -> None:
    """Unknown query parameters are ignored by design, so they never make a request invalid."""
    if case.meta is None or not case.meta.is_negative_at(ParameterLocation.QUERY) or not case.query:
        return
    declared = {parameter.name for parameter in case.operation.query}
    for name in [name for name in case.query if name not in declared]:
        del case.query[name]
