"""No default secret works outside development, and refusing one never prints the secret."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from matching.config import MatchingSettings
from servicekit.settings import ServiceSettings

pytestmark = [pytest.mark.security, pytest.mark.unit]

REAL_PASSWORD = "s3cret-Xq81-not-a-default"
IDP = {
    "GREENLINK_JWKS_URL": "https://login.example.cn/.well-known/jwks.json",
    "GREENLINK_JWT_ISSUER": "https://login.example.cn/",
}


def settings(environment: str, password: str | None, **extra: Any) -> ServiceSettings:
    auth = f"greenlink:{password}@" if password is not None else "greenlink@"
    return ServiceSettings(
        GREENLINK_ENV=environment,
        DATABASE_URL=f"postgresql://{auth}db.internal:5432/greenlink",
        KAFKA_BOOTSTRAP_SERVERS="kafka.internal:9093",
        KAFKA_SECURITY_PROTOCOL="SASL_SSL",
        KAFKA_PASSWORD=REAL_PASSWORD,
        **extra,
    )


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("PGPASSWORD", "GREENLINK_JWKS_URL", "GREENLINK_JWT_ISSUER", "GREENLINK_ENV"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize("password", ["greenlink", "postgres", "changeme", "", None])
def test_production_refuses_a_default_or_missing_database_password(password: str | None) -> None:
    with pytest.raises(ValidationError, match="database password"):
        settings("production", password, **IDP)


@pytest.mark.parametrize(
    "password",
    [
        "Hunan2026!",  # short, on no list of defaults
        "greenfinancegreenfinance",  # long but repetitive
        "abcdefghijklmnopqrstuvwx",  # long but a run
        "1111111111111111111111111",
        "qwertyuiopasdfgh",  # sixteen characters, a keyboard row
    ],
)
def test_production_refuses_a_weak_database_password_that_no_list_names(password: str) -> None:
    with pytest.raises(ValidationError, match=r"database password .*weak"):
        settings("production", password, **IDP)


@pytest.mark.parametrize(
    "password", ["Y-5NqpbYuG7poP20iYVtei748pvzj3Kr", "correct horse battery staple"]
)
def test_production_accepts_long_unpredictable_passwords(password: str) -> None:
    assert settings("production", password, **IDP).environment == "production"


@pytest.mark.parametrize(
    ("changed", "named"),
    [
        pytest.param(
            {"MIGRATION_DATABASE_URL": "postgresql://owner:Owner2026@db.internal/greenlink"},
            "MIGRATION_DATABASE_URL",
            id="a_weak_migration_password_too",
        ),
        pytest.param(
            {"GREENLINK_JWKS_URL": "http://login.example.cn/.well-known/jwks.json"},
            "https",
            id="a_jwks_url_over_plain_http",
        ),
        pytest.param({"GREENLINK_JWKS_URL": None}, "GREENLINK_JWKS_URL", id="a_missing_jwks_url"),
        pytest.param({"GREENLINK_JWT_ISSUER": None}, "GREENLINK_JWT_ISSUER", id="the_local_issuer"),
    ],
)
def test_production_refuses_an_unsafe_setting_by_name(
    changed: dict[str, str | None], named: str
) -> None:
    """Real secrets and identity provider but one setting changed (None: left out)."""
    given = {name: value for name, value in (IDP | changed).items() if value is not None}
    with pytest.raises(ValidationError, match=named):
        settings("production", REAL_PASSWORD, **given)


def test_production_refuses_to_order_feeds_by_a_model_that_has_not_earned_it() -> None:
    """The development switch that forces the learned deal order is refused in production."""
    production = settings("production", REAL_PASSWORD, **IDP).model_dump(by_alias=True)
    with pytest.raises(ValidationError, match="RANKER_FORCE_LEARNED is for development"):
        MatchingSettings(**production, RANKER_FORCE_LEARNED=True)
    assert not MatchingSettings(**production).ranker_force_learned
    demo = production | {"GREENLINK_ENV": "development", "RANKER_FORCE_LEARNED": True}
    assert MatchingSettings(**demo).ranker_force_learned


def test_production_accepts_real_secrets_including_a_password_from_pgpassword(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert settings("production", REAL_PASSWORD, **IDP).environment == "production"
    monkeypatch.setenv("PGPASSWORD", REAL_PASSWORD)
    assert settings("production", None, **IDP).database_password is not None


@pytest.mark.parametrize("environment", ["development", "test"])
def test_development_accepts_the_defaults(environment: str) -> None:
    local = settings(environment, "greenlink")
    assert local.jwks_url is None and local.jwt_issuer == "greenlink-local"


def test_a_refusal_and_the_settings_repr_never_show_the_password() -> None:
    with pytest.raises(ValidationError) as refused:
        settings("production", REAL_PASSWORD)  # no identity provider configured
    assert REAL_PASSWORD not in str(refused.value)
    assert REAL_PASSWORD not in repr(settings("development", REAL_PASSWORD))


def test_a_service_refuses_to_start_with_default_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    """`python -m registry ...` builds its spec first; in production it stops right there."""
    from registry.app import spec

    monkeypatch.setenv("GREENLINK_ENV", "production")
    monkeypatch.setenv("DATABASE_URL", "postgresql://greenlink:greenlink@db.internal/greenlink")
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "kafka.internal:9093")
    monkeypatch.setenv("KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
    monkeypatch.setenv("KAFKA_PASSWORD", REAL_PASSWORD)
    with pytest.raises(ValidationError, match="database password"):
        spec()
