"""Principals, ACLs and topics of the platform on the local cluster, provisioned as the admin."""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from deploy.local.kafka_auth import ADMIN, CONTROLLER, new_password
from deploy.local.kafka_probe import admin_access, run_blocking
from servicekit.kafka import all_topic_names, create_topics
from servicekit.kafka_access import KafkaAccess
from servicekit.kafka_acls import platform_acls
from servicekit.kafka_admin import provision, provision_lender


def _fingerprint(users: dict[str, str], replication: int) -> str:
    """Changes when a principal, an ACL or a topic is added, so only then is it redone."""
    wanted = {
        "users": sorted(users.items()),
        "acls": [repr(acl) for acl in platform_acls()],
        "topics": all_topic_names(),
        "replication": replication,
    }
    return hashlib.sha256(json.dumps(wanted, sort_keys=True).encode()).hexdigest()


async def _provision(access: KafkaAccess, users: dict[str, str], replication: int) -> None:
    services = {name: pw for name, pw in users.items() if name not in (ADMIN, CONTROLLER)}
    await provision(access, services, platform_acls())
    await create_topics(access, all_topic_names(), replication)


def provision_platform(
    bootstrap: str, users: dict[str, str], replication: int, saved: dict[str, Any]
) -> str:
    """Idempotent; skipped when nothing changed since the last run. Returns the fingerprint."""
    fingerprint = _fingerprint(users, replication)
    if saved.get("provisioned") != fingerprint:
        access = admin_access(bootstrap, users)
        run_blocking(_provision(access, users, replication), timeout_s=120)
    return fingerprint


def lender_credentials(
    bootstrap: str, users: dict[str, str], lender_id: uuid.UUID, replication: int = 1
) -> tuple[str, str]:
    """A fresh password for the lender's principal (any old one stops working)."""
    password = new_password()
    access = admin_access(bootstrap, users)
    principal = run_blocking(provision_lender(access, lender_id, password, replication))
    return str(principal), password


def lenders_credentials(
    bootstrap: str, users: dict[str, str], lender_ids: Iterable[uuid.UUID], path: Path
) -> dict[str, dict[str, str]]:
    """Principals for many lenders at once (the seeded ones), kept in a 0600 JSON file.

    A lender already in the file keeps its password, so a second `make up` changes nothing a
    running bank consumer relies on.
    """
    saved: dict[str, dict[str, str]] = json.loads(path.read_text()) if path.exists() else {}
    access = admin_access(bootstrap, users)
    for lender_id in lender_ids:
        entry = saved.get(str(lender_id)) or {"password": new_password()}
        principal = run_blocking(provision_lender(access, lender_id, entry["password"]))
        saved[str(lender_id)] = {"username": str(principal), "password": entry["password"]}
    path.touch(mode=0o600)
    os.chmod(path, 0o600)
    path.write_text(json.dumps(saved, indent=2, sort_keys=True) + "\n")
    return saved
