"""Provision Kafka principals: SCRAM credentials and ACLs, over the Admin API as a super user.

aiokafka has the CreateAcls messages but no call for them, and no AlterUserScramCredentials
at all; both are small enough to send here rather than shell out to Kafka's Java tools.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import time
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.protocol.admin import CreateAclsRequest_v1, DescribeAclsRequest
from aiokafka.protocol.api import Request, RequestStruct, Response
from aiokafka.protocol.types import (
    CompactArray,
    CompactBytes,
    CompactString,
    Int8,
    Int16,
    Int32,
    Schema,
    TaggedFields,
)

from schemas.lender_feed import lender_feed_topic, lender_principal
from servicekit.kafka import create_topics
from servicekit.kafka_access import KafkaAccess
from servicekit.kafka_acls import ALLOW, AclBinding, lender_acls

SCRAM_SHA_512 = 2  # ScramMechanism code
SCRAM_ITERATIONS = 8192  # Kafka accepts 4096 up to 16384
ANY = 1  # the filter code matching any resource type, pattern, operation or permission
VISIBLE_TIMEOUT_S = 30.0


class KafkaAdminError(RuntimeError):
    """The broker refused a provisioning request; the message carries its reason."""


class AlterUserScramCredentialsResponse_v0(Response):  # type: ignore[misc]
    API_KEY = 51
    API_VERSION = 0
    SCHEMA = Schema(
        ("throttle_time_ms", Int32),
        (
            "results",
            CompactArray(
                ("user", CompactString("utf-8")),
                ("error_code", Int16),
                ("error_message", CompactString("utf-8")),
                ("tags", TaggedFields),
            ),
        ),
        ("tags", TaggedFields),
    )


class AlterUserScramCredentialsRequest_v0(RequestStruct):  # type: ignore[misc]
    FLEXIBLE_VERSION = True
    API_KEY = 51
    API_VERSION = 0
    RESPONSE_TYPE = AlterUserScramCredentialsResponse_v0
    SCHEMA = Schema(
        (
            "deletions",
            CompactArray(
                ("name", CompactString("utf-8")), ("mechanism", Int8), ("tags", TaggedFields)
            ),
        ),
        (
            "upsertions",
            CompactArray(
                ("name", CompactString("utf-8")),
                ("mechanism", Int8),
                ("iterations", Int32),
                ("salt", CompactBytes),
                ("salted_password", CompactBytes),
                ("tags", TaggedFields),
            ),
        ),
        ("tags", TaggedFields),
    )


class AlterUserScramCredentials(Request[AlterUserScramCredentialsRequest_v0]):  # type: ignore[misc]
    API_KEY = 51

    def __init__(self, upsertions: list[tuple[Any, ...]]) -> None:
        self._upsertions = upsertions

    def build(
        self, request_struct_class: type[AlterUserScramCredentialsRequest_v0]
    ) -> AlterUserScramCredentialsRequest_v0:
        return request_struct_class([], self._upsertions, {})


class CreateAcls(Request[CreateAclsRequest_v1]):  # type: ignore[misc]
    """Many bindings in one request (aiokafka's own builder sends one)."""

    API_KEY = 30

    def __init__(self, creations: list[tuple[Any, ...]]) -> None:
        self._creations = creations

    def build(self, request_struct_class: type[CreateAclsRequest_v1]) -> CreateAclsRequest_v1:
        return request_struct_class(self._creations)


def salted_password(password: str, salt: bytes, iterations: int = SCRAM_ITERATIONS) -> bytes:
    """SCRAM's Hi(): the broker stores keys derived from this, never the password."""
    return hashlib.pbkdf2_hmac("sha512", password.encode(), salt, iterations)


def _upsertion(user: str, password: str) -> tuple[Any, ...]:
    salt = os.urandom(32)
    return (user, SCRAM_SHA_512, SCRAM_ITERATIONS, salt, salted_password(password, salt), {})


def _creation(acl: AclBinding) -> tuple[Any, ...]:
    return (int(acl.resource), acl.name, int(acl.pattern), acl.user, "*", int(acl.operation), ALLOW)


async def _send(admin: AIOKafkaAdminClient, request: Request[Any]) -> Any:
    return await admin._send_request(request)


async def _visible_acls(admin: AIOKafkaAdminClient) -> set[tuple[Any, ...]]:
    """The bindings the broker's authorizer holds now (DescribeAcls answers from it)."""
    response = await _send(admin, DescribeAclsRequest(ANY, None, ANY, None, None, ANY, ANY))
    return {
        (kind, name, pattern, principal, host, operation, permission)
        for kind, name, pattern, acls in response.resources
        for principal, host, operation, permission in acls
    }


async def _await_visible(admin: AIOKafkaAdminClient, wanted: list[tuple[Any, ...]]) -> None:
    """ACLs reach the authorizer through the metadata log a moment after CreateAcls answers;
    a client that starts in between is refused, so provisioning returns only once they apply."""
    deadline = time.monotonic() + VISIBLE_TIMEOUT_S
    while not set(wanted) <= await _visible_acls(admin):
        if time.monotonic() > deadline:
            raise KafkaAdminError("created ACLs did not reach the authorizer in time")
        await asyncio.sleep(0.1)


async def provision(
    admin_access: KafkaAccess, users: Mapping[str, str], acls: Iterable[AclBinding]
) -> None:
    """Create or reset SCRAM users, then add ACLs; both are idempotent."""
    admin = AIOKafkaAdminClient(**admin_access.client_options(), client_id="greenlink-provision")
    await admin.start()
    try:
        if users:
            request = AlterUserScramCredentials([_upsertion(u, p) for u, p in users.items()])
            response = await _send(admin, request)
            failed = [(u, code, msg) for u, code, msg, _ in response.results if code]
            if failed:
                raise KafkaAdminError(f"SCRAM users refused: {failed}")
        creations = [_creation(acl) for acl in acls]
        if creations:
            response = await _send(admin, CreateAcls(creations))
            refused = [(code, msg) for code, msg in response.creation_responses if code]
            if refused:
                raise KafkaAdminError(f"ACLs refused: {refused[:3]}")
            await _await_visible(admin, creations)
    finally:
        await admin.close()


async def provision_lender(
    admin_access: KafkaAccess, lender_id: uuid.UUID, password: str, replication_factor: int = 1
) -> str:
    """Give a lender its principal, its read-only ACLs and its feed topic; returns the user."""
    principal = lender_principal(lender_id)
    await provision(admin_access, {principal: password}, lender_acls(lender_id))
    await create_topics(admin_access, [lender_feed_topic(lender_id)], replication_factor)
    return principal
