"""Local Kafka's principals: generated passwords, SASL broker properties, SCRAM bootstrap users.

Clients authenticate with SCRAM-SHA-512 on the broker listener. The controller listener is
authenticated too (PLAIN, its user only in the broker's own JAAS entry): left plaintext, the
broker's calls to it would arrive as User:ANONYMOUS, and a super user ANONYMOUS would let anyone
who reaches the controller port rewrite the ACLs.
"""

from __future__ import annotations

import secrets

from servicekit.kafka_acls import services

ADMIN = "greenlink-admin"  # super user: inter-broker traffic, provisioning, operator tools
CONTROLLER = "greenlink-controller"  # super user known only to the controller listener
MECHANISM = "SCRAM-SHA-512"
LISTENER = "SASL_PLAINTEXT"
PROXIED = "PROXIED"  # the second client listener of fault tests, behind a TCP proxy
SCRAM_MODULE = "org.apache.kafka.common.security.scram.ScramLoginModule"
PLAIN_MODULE = "org.apache.kafka.common.security.plain.PlainLoginModule"


def new_password() -> str:
    """256 bits from the OS: nothing a developer types, nothing shared between installs."""
    return secrets.token_urlsafe(32)


def new_users() -> dict[str, str]:
    """The admin, the controller and one principal per service, each with its own password."""
    return {name: new_password() for name in (ADMIN, CONTROLLER, *services())}


def missing_users(users: dict[str, str]) -> dict[str, str]:
    """Principals of services added since the cluster was formatted."""
    return {name: new_password() for name in services() if name not in users}


def _jaas(module: str, user: str, password: str, extra: str = "") -> str:
    return f'{module} required username="{user}" password="{password}"{extra};'


def sasl_properties(users: dict[str, str]) -> dict[str, str]:
    """Listener security, the StandardAuthorizer and the broker's own logins."""
    controller = users[CONTROLLER]
    return {
        "listener.security.protocol.map": f"CONTROLLER:SASL_PLAINTEXT,{LISTENER}:SASL_PLAINTEXT",
        "inter.broker.listener.name": LISTENER,
        "sasl.enabled.mechanisms": MECHANISM,
        "sasl.mechanism.inter.broker.protocol": MECHANISM,
        f"listener.name.{LISTENER.lower()}.scram-sha-512.sasl.jaas.config": _jaas(
            SCRAM_MODULE, ADMIN, users[ADMIN]
        ),
        "sasl.mechanism.controller.protocol": "PLAIN",
        "listener.name.controller.sasl.enabled.mechanisms": "PLAIN",
        "listener.name.controller.plain.sasl.jaas.config": _jaas(
            PLAIN_MODULE, CONTROLLER, controller, f' user_{CONTROLLER}="{controller}"'
        ),
        "authorizer.class.name": "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
        "allow.everyone.if.no.acl.found": "false",
        "super.users": f"User:{ADMIN};User:{CONTROLLER}",
    }


def proxied_listener_properties(users: dict[str, str]) -> dict[str, str]:
    """The proxied listener is secured like the client listener: SCRAM, the same ACLs."""
    return {
        "listener.security.protocol.map": (
            f"CONTROLLER:SASL_PLAINTEXT,{LISTENER}:SASL_PLAINTEXT,{PROXIED}:SASL_PLAINTEXT"
        ),
        f"listener.name.{PROXIED.lower()}.scram-sha-512.sasl.jaas.config": _jaas(
            SCRAM_MODULE, ADMIN, users[ADMIN]
        ),
    }


def scram_format_args(users: dict[str, str]) -> list[str]:
    """`StorageTool format --add-scram ...`: SCRAM users exist before the first start."""
    args: list[str] = []
    for name, password in users.items():
        if name != CONTROLLER:
            args += ["--add-scram", f"{MECHANISM}=[name={name},password={password}]"]
    return args
