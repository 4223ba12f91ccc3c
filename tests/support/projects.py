"""Enterprises and projects registered through the registry API, as tests need them, and what
the other services made of them."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any, cast

from tests.support.kafka import eventually
from tests.support.samples import enterprise_body
from tests.support.services import RunningService

Headers = dict[str, str]
NDJSON = "application/x-ndjson"


async def register_projects(
    registry: RunningService,
    mint: Any,
    bodies: Iterable[dict[str, Any]],
    *,
    enterprise: uuid.UUID | None = None,
) -> tuple[list[str], Headers]:
    """A new enterprise (of the id given, or a random one) with `bodies` registered as its
    projects: their ids and its headers."""
    headers = mint("enterprise", enterprise or uuid.uuid4())
    created = await registry.client.post("/v1/enterprises", json=enterprise_body(), headers=headers)
    assert created.status_code == 201, created.text
    ids = []
    for body in bodies:
        response = await registry.client.post("/v1/projects", json=body, headers=headers)
        assert response.status_code == 201, response.text
        ids.append(response.json()["project_id"])
    return ids, headers


async def score_view(scoring: RunningService, project_id: str, headers: Headers) -> dict[str, Any]:
    """The project's score as its owner reads it, once scoring has scored it."""

    async def found() -> dict[str, Any] | None:
        response = await scoring.client.get(f"/v1/scores/{project_id}", headers=headers)
        return cast(dict[str, Any], response.json()) if response.status_code == 200 else None

    view = await eventually(found, timeout_s=60)
    assert isinstance(view, dict)
    return view


async def finished_upload(
    registry: RunningService, headers: Headers, upload: bytes, *, timeout_s: float = 60
) -> dict[str, Any]:
    """Upload NDJSON rows as an intake job and wait until the registry is done with them."""
    response = await registry.client.post(
        "/v1/intake-jobs", content=upload, headers=headers | {"content-type": NDJSON}
    )
    assert response.status_code == 202, response.text
    job_id = response.json()["job_id"]

    async def finished() -> dict[str, Any] | None:
        job = (await registry.client.get(f"/v1/intake-jobs/{job_id}", headers=headers)).json()
        return cast(dict[str, Any], job) if job["status"] == "done" else None

    return cast(dict[str, Any], await eventually(finished, timeout_s=timeout_s))


async def upload_errors(
    registry: RunningService, headers: Headers, job: dict[str, Any], **params: Any
) -> list[dict[str, Any]]:
    """The rejected lines of a finished intake job, with their reasons."""
    response = await registry.client.get(
        f"/v1/intake-jobs/{job['job_id']}/errors", params=params, headers=headers
    )
    assert response.status_code == 200, response.text
    return cast(list[dict[str, Any]], response.json()["items"])
