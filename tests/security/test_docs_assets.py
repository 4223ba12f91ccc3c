"""Interactive API docs load nothing from a public CDN, and production serves none at all."""

from __future__ import annotations

import re

import httpx
import pytest

from servicekit.http import create_app
from servicekit.settings import ServiceSettings
from tests.security.apps import api_services, offline_app

pytestmark = pytest.mark.security

ASSET = re.compile(
    r"""(?:src|href)\s*=\s*["']([^"']+)["']|(?:url|spec-url)\s*:\s*["']([^"']+)["']"""
)


def _client(app: object) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://svc")  # type: ignore[arg-type]


@pytest.mark.parametrize("service", api_services())
@pytest.mark.parametrize("page", ["/docs", "/redoc"])
async def test_docs_pages_load_every_asset_from_the_service_itself(service: str, page: str) -> None:
    async with _client(offline_app(service)) as client:
        html = await client.get(page)
        assert html.status_code == 200
        assets = [a or b for a, b in ASSET.findall(html.text)]
        assert assets, "the page names the scripts it loads"
        for asset in assets:
            assert "://" not in asset and not asset.startswith("//"), asset
            served = await client.get(asset)
            assert served.status_code == 200, asset


async def test_production_serves_no_interactive_docs_but_keeps_the_openapi_document() -> None:
    development = ServiceSettings(
        DATABASE_URL="postgresql://offline:unused@127.0.0.1:9/none",
        KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:9",
        GREENLINK_ENV="development",
    )
    production = development.model_copy(update={"environment": "production"})
    async with _client(create_app(production, [], title="probe", description="probe")) as client:
        assert (await client.get("/docs")).status_code == 404
        assert (await client.get("/redoc")).status_code == 404
        assert (await client.get("/openapi.json")).status_code == 200
