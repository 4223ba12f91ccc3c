"""How a client reaches Kafka and proves who it is: one value every client constructor takes."""

from __future__ import annotations

import ssl
from dataclasses import dataclass, field
from typing import Any, Literal

SecurityProtocol = Literal["PLAINTEXT", "SASL_PLAINTEXT", "SASL_SSL", "SSL"]
SaslMechanism = Literal["SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN"]
AUTHENTICATED: tuple[SecurityProtocol, ...] = ("SASL_PLAINTEXT", "SASL_SSL", "SSL")
ENCRYPTED: tuple[SecurityProtocol, ...] = ("SASL_SSL", "SSL")


@dataclass(frozen=True)
class KafkaAccess:
    """Bootstrap servers plus the principal's credentials (SASL) or certificate (mTLS).

    `SSL` with a client certificate is mutual TLS: the certificate's subject is the principal.
    """

    bootstrap_servers: str
    security_protocol: SecurityProtocol = "PLAINTEXT"
    sasl_mechanism: SaslMechanism = "SCRAM-SHA-512"
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    ssl_cafile: str | None = None
    ssl_certfile: str | None = None
    ssl_keyfile: str | None = None

    @property
    def uses_sasl(self) -> bool:
        return self.security_protocol.startswith("SASL_")

    def as_user(self, username: str, password: str) -> KafkaAccess:
        """The same cluster reached as another principal (tests, operator tools)."""
        return KafkaAccess(
            self.bootstrap_servers,
            self.security_protocol,
            self.sasl_mechanism,
            username,
            password,
            self.ssl_cafile,
            self.ssl_certfile,
            self.ssl_keyfile,
        )

    def _ssl_context(self) -> ssl.SSLContext | None:
        if self.security_protocol not in ENCRYPTED:
            return None
        context = ssl.create_default_context(cafile=self.ssl_cafile)
        if self.ssl_certfile:
            context.load_cert_chain(self.ssl_certfile, self.ssl_keyfile)
        return context

    def client_options(self) -> dict[str, Any]:
        """Keyword arguments shared by aiokafka's producer, consumer, admin and client."""
        options: dict[str, Any] = {
            "bootstrap_servers": self.bootstrap_servers,
            "security_protocol": self.security_protocol,
        }
        context = self._ssl_context()
        if context is not None:
            options["ssl_context"] = context
        if self.uses_sasl:
            options |= {
                "sasl_mechanism": self.sasl_mechanism,
                "sasl_plain_username": self.username,
                "sasl_plain_password": self.password,
            }
        return options
