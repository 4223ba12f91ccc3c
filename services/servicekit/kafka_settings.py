"""Kafka settings of a service: where the brokers are and which principal the service is."""

from __future__ import annotations

import os
from typing import Any, Self

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings

from servicekit.kafka_access import AUTHENTICATED, ENCRYPTED, KafkaAccess, SaslMechanism
from servicekit.kafka_access import SecurityProtocol as Protocol
from servicekit.password_strength import weakness


def service_password_variable(service: str) -> str:
    """`REGISTRY_KAFKA_PASSWORD`: several services may share one environment (local, tests)."""
    return f"{service.upper()}_KAFKA_PASSWORD"


class KafkaSettings(BaseSettings):
    """Mixed into ServiceSettings; the principal defaults to the service's own name."""

    kafka_bootstrap_servers: str = Field(alias="KAFKA_BOOTSTRAP_SERVERS")
    kafka_replication_factor: int = Field(default=1, alias="KAFKA_REPLICATION_FACTOR")
    kafka_security_protocol: Protocol = Field(default="PLAINTEXT", alias="KAFKA_SECURITY_PROTOCOL")
    kafka_sasl_mechanism: SaslMechanism = Field(
        default="SCRAM-SHA-512", alias="KAFKA_SASL_MECHANISM"
    )
    kafka_username: str | None = Field(default=None, alias="KAFKA_USERNAME")
    kafka_password: SecretStr | None = Field(default=None, alias="KAFKA_PASSWORD", repr=False)
    kafka_ssl_cafile: str | None = Field(default=None, alias="KAFKA_SSL_CAFILE")
    kafka_ssl_certfile: str | None = Field(default=None, alias="KAFKA_SSL_CERTFILE")
    kafka_ssl_keyfile: str | None = Field(default=None, alias="KAFKA_SSL_KEYFILE")

    @model_validator(mode="before")
    @classmethod
    def _service_password(cls, data: Any) -> Any:
        """`<SERVICE>_KAFKA_PASSWORD` wins over `KAFKA_PASSWORD` for this service's principal."""
        if not isinstance(data, dict):
            return data
        name = data.get("service_name") or cls.model_fields["service_name"].default
        own = os.environ.get(service_password_variable(str(name)))
        return {**data, "KAFKA_PASSWORD": own} if own else data

    @property
    def kafka_principal(self) -> str:
        return self.kafka_username or str(getattr(self, "service_name", ""))

    @property
    def kafka_access(self) -> KafkaAccess:
        password = self.kafka_password.get_secret_value() if self.kafka_password else None
        return KafkaAccess(
            self.kafka_bootstrap_servers,
            self.kafka_security_protocol,
            self.kafka_sasl_mechanism,
            self.kafka_principal,
            password,
            self.kafka_ssl_cafile,
            self.kafka_ssl_certfile,
            self.kafka_ssl_keyfile,
        )

    @model_validator(mode="after")
    def _kafka_secured_outside_development(self) -> Self:
        """Production speaks to Kafka encrypted and as an authenticated principal, or not at all."""
        if getattr(self, "is_development", True):
            return self
        protocol = self.kafka_security_protocol
        if protocol not in AUTHENTICATED or protocol not in ENCRYPTED:
            raise ValueError(
                f"KAFKA_SECURITY_PROTOCOL={protocol} is refused outside development:"
                " use SASL_SSL (SCRAM) or SSL with a client certificate (mTLS)"
            )
        password = self.kafka_password.get_secret_value() if self.kafka_password else ""
        if protocol == "SASL_SSL" and (why := weakness(password)):
            raise ValueError(
                f"KAFKA_PASSWORD (or <SERVICE>_KAFKA_PASSWORD) is missing or weak: {why}"
            )
        if protocol == "SASL_SSL" and self.kafka_sasl_mechanism == "PLAIN":
            raise ValueError("KAFKA_SASL_MECHANISM=PLAIN is refused outside development: use SCRAM")
        if protocol == "SSL" and not (self.kafka_ssl_certfile and self.kafka_ssl_keyfile):
            raise ValueError("KAFKA_SSL_CERTFILE and KAFKA_SSL_KEYFILE (mTLS) are required")
        return self
