"""`python -m servicekit.kafka_setup`: the platform's Kafka principals, ACLs and topics.

Run once per install, and again after an upgrade adds a topic, as a super user of an external
cluster (docker compose runs it before the services start). The admin's credentials come from
KAFKA_USERNAME / KAFKA_PASSWORD / KAFKA_SASL_MECHANISM, each service's password from
`<SERVICE>_KAFKA_PASSWORD`; nothing here has a default.
"""

from __future__ import annotations

import asyncio
import logging
import os
from typing import cast

from servicekit.kafka import all_topic_names, create_topics
from servicekit.kafka_access import KafkaAccess, SaslMechanism, SecurityProtocol
from servicekit.kafka_acls import platform_acls, services
from servicekit.kafka_admin import provision
from servicekit.kafka_settings import service_password_variable

log = logging.getLogger(__name__)


def admin_from_environment() -> KafkaAccess:
    env = os.environ
    return KafkaAccess(
        env["KAFKA_BOOTSTRAP_SERVERS"],
        cast(SecurityProtocol, env.get("KAFKA_SECURITY_PROTOCOL", "SASL_SSL")),
        cast(SaslMechanism, env.get("KAFKA_SASL_MECHANISM", "SCRAM-SHA-512")),
        env["KAFKA_USERNAME"],
        env["KAFKA_PASSWORD"],
        env.get("KAFKA_SSL_CAFILE"),
    )


def service_passwords() -> dict[str, str]:
    """Every service's password; a missing one is an error, never a default."""
    missing = [
        service_password_variable(s)
        for s in services()
        if not os.environ.get(service_password_variable(s))
    ]
    if missing:
        raise SystemExit(f"set {', '.join(missing)}")
    return {s: os.environ[service_password_variable(s)] for s in services()}


async def setup() -> None:
    admin = admin_from_environment()
    await provision(admin, service_passwords(), platform_acls())
    replication = int(os.environ.get("KAFKA_REPLICATION_FACTOR", "1"))
    await create_topics(admin, all_topic_names(), replication)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    asyncio.run(setup())
    log.info("kafka principals, ACLs and topics are in place")
