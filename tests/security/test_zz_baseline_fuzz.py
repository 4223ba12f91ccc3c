from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest
import schemathesis
from hypothesis import settings
from schemathesis.python import asgi

from registry.app import build_app
from registry.config import RegistrySettings
from tests.support.samples import enterprise_body

pytestmark = pytest.mark.integration

OPENAPI = build_app(
    RegistrySettings(
        DATABASE_URL="postgresql://u:p@h/d",
        KAFKA_BOOTSTRAP_SERVERS="x",
        GREENLINK_ENV="development",
    )
).openapi()
schema = schemathesis.openapi.from_dict(
    OPENAPI,
    config=schemathesis.Config.from_dict(
        {
            "suppress-health-check": ["all"],
            "generation": {"max-examples": 100, "mode": "all", "database": "none"},
            "phases": {"stateful": {"enabled": False}},
        }
    ),
)


@dataclass
class Target:
    app: object
    headers: dict


@pytest.fixture(scope="module")
async def prepared(infra, jwks_path):
    from registry.app import spec
    from servicekit.runtime import prepare

    s = spec()
    await prepare(s)
    return s


@pytest.fixture(scope="module")
def target(prepared, mint):
    app = prepared.app_factory()
    headers = mint("enterprise", uuid.uuid4())
    with asgi.get_client(app) as c:
        r = c.post("/v1/enterprises", json=enterprise_body(), headers=headers)
        assert r.status_code == 201, r.text
    yield Target(app, headers)
    asgi.shutdown_lifespans()


@schema.parametrize()
@settings(deadline=None)
def test_fuzz(case, target):
    case.call_and_validate(app=target.app, headers=target.headers, base_url="http://testserver")
