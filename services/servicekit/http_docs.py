"""The error answers each operation documents: the ones its guards and inputs make possible.

Which problems an operation can answer with follows from what it takes: a token (401, 403), a
path naming an object (404), a write (409, and 429 from the write budget), a body (400, 413, 415)
and any input at all (422); every API operation may meet a database outage (503). An operation
that can answer otherwise declares that code itself in its `responses`; each declared 4xx is
documented as a problem too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel

from servicekit.idempotency import KEY_PATTERN as IDEMPOTENCY_KEY_PATTERN

WRITE_METHODS = frozenset({"post", "put", "patch", "delete"})
DESCRIPTIONS = {
    400: "The body cannot be read (not UTF-8 or not JSON)",
    401: "No valid bearer token",
    403: "The token's role or tenant may not do this",
    404: "No such object, or not one the caller may see",
    409: "Conflicts with the object's current state",
    413: "Body larger than this endpoint accepts",
    415: "Content type this endpoint does not accept",
    422: "Invalid input; the problem names each invalid field",
    429: "Too many requests from this client (see Retry-After)",
    503: "The database is unreachable for a moment; retry after Retry-After seconds",
}
_FASTAPI_VALIDATION_SCHEMAS = ("HTTPValidationError", "ValidationError")


def possible_problems(method: str, operation: dict[str, Any]) -> set[int]:
    """The 4xx codes an operation can answer with, judged from its parameters and guards."""
    params = operation.get("parameters", [])
    body = "requestBody" in operation
    codes: set[int] = set()
    if operation.get("security"):
        codes |= {401, 403, 503}
    if any(p.get("in") == "path" for p in params):
        codes.add(404)
    if method in WRITE_METHODS:
        codes |= {409, 429}
    if body:
        codes |= {400, 413, 415}
    if params or body:
        codes.add(422)
    return codes


def _problem(description: str, media_type: str) -> dict[str, Any]:
    ref = {"$ref": "#/components/schemas/ProblemDetails"}
    return {"description": description, "content": {media_type: {"schema": ref}}}


IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": (
        "Makes a retry safe: the same key with the same request replays the first answer"
        " (with `Idempotent-Replayed: true`); with another request it answers 422. Scoped to"
        " the caller's tenant; expires after IDEMPOTENCY_KEY_TTL_HOURS (24 by default)."
    ),
    "schema": {"type": "string", "pattern": IDEMPOTENCY_KEY_PATTERN, "maxLength": 257},
}


def rewrite(schema: dict[str, Any], model: type[BaseModel], media_type: str) -> None:
    """Document every operation's possible problems, and nothing else, as `model`; every POST
    that takes a token documents the Idempotency-Key header (servicekit.http_idempotency)."""
    for operations in schema.get("paths", {}).values():
        for method, operation in operations.items():
            if method == "post" and operation.get("security"):
                operation.setdefault("parameters", []).append(dict(IDEMPOTENCY_KEY))
            responses: dict[str, Any] = operation.setdefault("responses", {})
            declared = {
                int(code) for code in responses if code.isdigit() and 400 <= int(code) < 500
            }
            declared.discard(422)  # FastAPI adds it to every operation with inputs
            for code in sorted(declared | possible_problems(method, operation)):
                text = responses.get(str(code), {}).get("description") or DESCRIPTIONS[code]
                responses[str(code)] = _problem(text, media_type)
            if "422" in responses and 422 not in possible_problems(method, operation):
                del responses["422"]
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for name in _FASTAPI_VALIDATION_SCHEMAS:
        components.pop(name, None)
    problem = model.model_json_schema(ref_template="#/components/schemas/{model}")
    components.update(problem.pop("$defs", {}))
    components["ProblemDetails"] = problem


def document_problems(app: FastAPI, model: type[BaseModel], media_type: str) -> None:
    """Make `app.openapi()` document problems per operation (computed once, then cached)."""
    default: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            rewrite(default(), model, media_type)
        assert app.openapi_schema is not None
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
