"""The session's Kafka and PostgreSQL reach the tests that use them, and no other code."""

from __future__ import annotations

import os

import pytest

from deploy.local.infra import InfraInfo
from tests.support.environment import INFRA_VARIABLES, configured_outside

pytestmark = pytest.mark.integration


def test_starting_the_session_infrastructure_exports_nothing_to_the_process(
    request: pytest.FixtureRequest,
) -> None:
    """Started late (as a test that did not ask for it up front), the infrastructure must not
    leave its variables behind for every later test, launcher tests included."""
    info = request.getfixturevalue("infra")

    assert isinstance(info, InfraInfo)
    leaked = [
        name for name in INFRA_VARIABLES if os.environ.get(name) and not configured_outside(name)
    ]
    assert leaked == []


def test_a_test_using_the_infrastructure_sees_it_while_it_runs(infra: InfraInfo) -> None:
    assert os.environ["KAFKA_BOOTSTRAP_SERVERS"] == infra.bootstrap_servers
    assert os.environ["DATABASE_URL"] == infra.app_database_url
