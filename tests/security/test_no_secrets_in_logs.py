"""Operators read logs, never secrets: no bearer token and no database password in any line."""

from __future__ import annotations

import logging
import uuid
from urllib.parse import urlsplit

import pytest

from deploy.local.infra import InfraInfo
from servicekit.logs import JsonFormatter
from tests.security.matrix import Mint
from tests.support.samples import enterprise_body, project_body
from tests.support.services import RunningService, app_client

pytestmark = [pytest.mark.security, pytest.mark.integration]


async def test_a_service_lifetime_logs_neither_tokens_nor_the_database_password(
    registry: RunningService, infra: InfraInfo, mint: Mint, caplog: pytest.LogCaptureFixture
) -> None:
    from registry.app import build_app

    password = urlsplit(infra.app_database_url).password  # what the service connects with
    owner_password = urlsplit(infra.database_url).password
    assert password and owner_password
    headers = mint("enterprise", uuid.uuid4())
    token = headers["Authorization"].removeprefix("Bearer ")
    caplog.set_level(logging.DEBUG)

    async with app_client(build_app()) as client:
        await client.post("/v1/enterprises", json=enterprise_body(), headers=headers)
        await client.post("/v1/projects", json=project_body(city="atlantis"), headers=headers)
        await client.get("/v1/projects", headers=headers | {"X-Debug": token})
        await client.get("/v1/projects", headers={"Authorization": f"Bearer {token}x"})
        await client.get("/v1/projects", headers={"Authorization": f"Basic {password}"})
        await client.get("/readyz")

    formatter = JsonFormatter("registry")
    lines = [formatter.format(record) for record in caplog.records]
    assert lines, "the service logged nothing at DEBUG; the test would prove nothing"
    secrets = (token, password, owner_password)
    assert not [line for line in lines if any(secret in line for secret in secrets)]
