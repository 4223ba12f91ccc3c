"""Outside development the console refuses its shortcuts: local sign-in, weak secrets."""

from __future__ import annotations

import uuid

import httpx
import pytest
from pydantic import ValidationError

from console.app import build_app
from console.config import ConsoleSettings
from console.organisations import SEED_TENANTS
from tests.support.console import csrf_of

pytestmark = pytest.mark.unit
PRODUCTION = {
    "GREENLINK_ENV": "production",
    "CONSOLE_SESSION_SECRET": "x" * 48,
    "OIDC_ISSUER": "https://id.example.cn/realms/greenlink",
    "OIDC_CLIENT_ID": "greenlink-console",
    "GREENLINK_JWKS_URL": "https://id.example.cn/realms/greenlink/certs",
}


async def test_the_local_sign_in_is_refused_in_production() -> None:
    app = build_app(ConsoleSettings(**PRODUCTION))  # type: ignore[arg-type]
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://console") as client:
        page = await client.get("/signin")
        assert "/signin/dev" not in page.text
        answer = await client.post(
            "/signin/dev", data={"role": "regulator", "csrf_token": csrf_of(page.text)}
        )
        assert answer.status_code == 403
        assert (await client.get("/regulator")).status_code == 303


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"CONSOLE_SESSION_SECRET": "short"}, "CONSOLE_SESSION_SECRET"),
        ({"CONSOLE_SESSION_SECRET": None}, "CONSOLE_SESSION_SECRET"),
        ({"OIDC_ISSUER": None}, "OIDC_ISSUER"),
        ({"OIDC_ISSUER": "http://id.example.cn"}, "OIDC_ISSUER"),
        ({"GREENLINK_JWKS_URL": None}, "GREENLINK_JWKS_URL"),
    ],
)
def test_production_settings_refuse_development_shortcuts(
    change: dict[str, str | None], named: str
) -> None:
    settings = {k: v for k, v in (PRODUCTION | change).items() if v is not None}
    with pytest.raises(ValidationError, match=named):
        ConsoleSettings(**settings)  # type: ignore[arg-type]


def test_seeded_tenants_are_derived_as_the_seed_loader_derives_them() -> None:
    from deploy.seed import TENANTS, tenant_of

    assert SEED_TENANTS == TENANTS
    assert uuid.uuid5(SEED_TENANTS, "X") == tenant_of("X")
