"""Production speaks to Kafka encrypted and as an authenticated principal, or refuses to start."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from servicekit.settings import ServiceSettings

pytestmark = [pytest.mark.security, pytest.mark.unit]

SECRETS: dict[str, Any] = {
    "DATABASE_URL": "postgresql://greenlink:s3cret-Xq81-not-a-default@db.internal/greenlink",
    "GREENLINK_JWKS_URL": "https://login.example.cn/.well-known/jwks.json",
    "GREENLINK_JWT_ISSUER": "https://login.example.cn/",
    "KAFKA_BOOTSTRAP_SERVERS": "kafka.internal:9093",
}
KAFKA_PASSWORD = "kafka-Zt94-own-secret"


class RegistryLike(ServiceSettings):
    service_name: str = "registry"


def production(**kafka: Any) -> RegistryLike:
    return RegistryLike(GREENLINK_ENV="production", **SECRETS, **kafka)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("KAFKA_PASSWORD", "REGISTRY_KAFKA_PASSWORD", "KAFKA_SECURITY_PROTOCOL"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize("protocol", ["PLAINTEXT", "SASL_PLAINTEXT"])
def test_production_refuses_plaintext_kafka(protocol: str) -> None:
    with pytest.raises(ValidationError, match="KAFKA_SECURITY_PROTOCOL"):
        production(KAFKA_SECURITY_PROTOCOL=protocol, KAFKA_PASSWORD=KAFKA_PASSWORD)


def test_production_refuses_kafka_without_credentials_or_with_a_weak_password() -> None:
    with pytest.raises(ValidationError, match="KAFKA_PASSWORD"):
        production(KAFKA_SECURITY_PROTOCOL="SASL_SSL")
    with pytest.raises(ValidationError, match="KAFKA_PASSWORD"):
        production(KAFKA_SECURITY_PROTOCOL="SASL_SSL", KAFKA_PASSWORD="kafkakafkakafkakafka")
    with pytest.raises(ValidationError, match="KAFKA_SSL_CERTFILE"):
        production(KAFKA_SECURITY_PROTOCOL="SSL")


def test_production_refuses_plain_sasl_passwords() -> None:
    with pytest.raises(ValidationError, match="PLAIN"):
        production(
            KAFKA_SECURITY_PROTOCOL="SASL_SSL",
            KAFKA_SASL_MECHANISM="PLAIN",
            KAFKA_PASSWORD=KAFKA_PASSWORD,
        )


def test_production_accepts_scram_over_tls_as_the_service_itself() -> None:
    settings = production(KAFKA_SECURITY_PROTOCOL="SASL_SSL", KAFKA_PASSWORD=KAFKA_PASSWORD)
    access = settings.kafka_access

    assert (access.username, access.password) == ("registry", KAFKA_PASSWORD)
    assert access.client_options()["sasl_mechanism"] == "SCRAM-SHA-512"
    assert KAFKA_PASSWORD not in repr(settings) and KAFKA_PASSWORD not in repr(access)


def test_a_services_own_password_variable_wins_when_services_share_an_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KAFKA_PASSWORD", "shared")
    monkeypatch.setenv("REGISTRY_KAFKA_PASSWORD", KAFKA_PASSWORD)

    settings = production(KAFKA_SECURITY_PROTOCOL="SASL_SSL")

    assert settings.kafka_access.password == KAFKA_PASSWORD


def test_development_may_use_an_unauthenticated_local_broker() -> None:
    local = RegistryLike(**SECRETS)
    assert local.kafka_access.client_options() == {
        "bootstrap_servers": "kafka.internal:9093",
        "security_protocol": "PLAINTEXT",
    }
