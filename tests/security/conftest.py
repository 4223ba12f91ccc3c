"""Fixtures of the security suite: every service that has a BOLA matrix, running in-process."""

from __future__ import annotations

from collections.abc import Mapping

import httpx
import pytest

from deploy.local.infra import InfraInfo
from tests.security.matrix import Mint, SeedContext
from tests.support.services import RunningService


@pytest.fixture(scope="session")
def matrix_clients(
    registry: RunningService, audit: RunningService
) -> Mapping[str, httpx.AsyncClient]:
    """Clients of the services the matrices cover; scoring and matching join here."""
    return {"registry": registry.client, "audit": audit.client}


@pytest.fixture(scope="session")
def seed_context(
    matrix_clients: Mapping[str, httpx.AsyncClient], mint: Mint, infra: InfraInfo
) -> SeedContext:
    return SeedContext(matrix_clients, mint, infra.bootstrap_servers)
