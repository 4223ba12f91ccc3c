"""The Idempotency-Key middleware: lease the key, run the request once, keep and replay its answer.

The rules and why they hold are in servicekit.idempotency and docs/operations.md.
"""

from __future__ import annotations

import contextlib
import hashlib
import random
import re
from datetime import timedelta

import asyncpg
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from servicekit.auth import authenticate, bearer_token
from servicekit.http_errors import DATABASE_UNAVAILABLE, database_unavailable, problem_response
from servicekit.idempotency import CURRENT_CLAIM, HEADER, KEY_PATTERN, Claim

REPLAYED = "Idempotent-Replayed"
LEASE_S = 30
MAX_KEPT_BODY_BYTES = 1_000_000
PURGE_ONE_IN = 256  # claims that also delete a batch of expired keys
_KEY = re.compile(KEY_PATTERN)


_CLAIM = """
INSERT INTO idempotency_keys AS k (scope, key, lease) VALUES ($1, $2, $3)
ON CONFLICT (scope, key) DO UPDATE SET lease = excluded.lease, leased_at = now(),
    created_at = now(), effect_committed = false, fingerprint = NULL, status = NULL,
    content_type = NULL, location = NULL, body = NULL
WHERE k.created_at < now() - $4::interval
   OR (k.status IS NULL AND NOT k.effect_committed AND k.leased_at < now() - $5::interval)
RETURNING lease
"""
_PURGE = (
    "DELETE FROM idempotency_keys WHERE ctid = ANY(ARRAY(SELECT ctid FROM idempotency_keys"
    " WHERE created_at < now() - $1::interval LIMIT 1000))"
)
_KEEP = (
    "UPDATE idempotency_keys SET fingerprint = $4, status = $5, content_type = $6,"
    " location = $7, body = $8 WHERE scope = $1 AND key = $2 AND lease = $3"
)
_RELEASE = (
    "DELETE FROM idempotency_keys"
    " WHERE scope = $1 AND key = $2 AND lease = $3 AND NOT effect_committed"
)


class IdempotencyKeys:
    """ASGI middleware: POSTs carrying an Idempotency-Key are run at most once per key."""

    def __init__(self, app: ASGIApp, ttl_hours: int = 24, lease_s: int = LEASE_S) -> None:
        self.app = app
        self.ttl = timedelta(hours=ttl_hours)
        self.lease = timedelta(seconds=lease_s)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        raw = _header(scope)
        if scope["type"] != "http" or scope["method"] != "POST" or raw is None:
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        caller = await _caller(request)
        if caller is None:
            await self.app(scope, receive, send)  # the endpoint answers 401
            return
        if not _KEY.match(raw):
            detail = f"{HEADER} must be 1 to 255 visible ASCII characters (no quote inside)"
            await problem_response(422, detail, scope["path"], field=HEADER)(scope, receive, send)
            return
        claim = Claim(caller, raw.strip('"'))
        try:
            await self._serve(claim, scope, receive, send)
        except DATABASE_UNAVAILABLE as exc:
            await database_unavailable(scope["path"], exc)(scope, receive, send)

    async def _serve(self, claim: Claim, scope: Scope, receive: Receive, send: Send) -> None:
        pool = scope["app"].state.pool
        fingerprint = _Fingerprint(scope, receive)
        leased = await pool.fetchval(
            _CLAIM, claim.scope, claim.key, claim.lease, self.ttl, self.lease
        )
        if random.randrange(PURGE_ONE_IN) == 0:
            await pool.execute(_PURGE, self.ttl)
        if leased != claim.lease:
            kept = await pool.fetchrow(
                "SELECT * FROM idempotency_keys WHERE scope = $1 AND key = $2",
                claim.scope,
                claim.key,
            )
            await _answer_repeat(kept, await fingerprint.drained(), scope)(scope, receive, send)
            return
        answer = _Recorder(send)
        token = CURRENT_CLAIM.set(claim)
        try:
            await self.app(scope, fingerprint.receive, answer.send)
        finally:
            claim.open = False
            CURRENT_CLAIM.reset(token)
            # The answer has gone out: an outage now leaves the key leased without an answer,
            # which a retry reads as "still running" until the lease ends, or, if the effect
            # committed, as "carried out, answer lost". Never a second run.
            with contextlib.suppress(*DATABASE_UNAVAILABLE):
                await _settle(pool, claim, answer, fingerprint)


async def _settle(
    pool: asyncpg.Pool, claim: Claim, answer: _Recorder, fingerprint: _Fingerprint
) -> None:
    """Keep a successful answer with the key; release the key after anything else."""
    if answer.status is not None and 200 <= answer.status < 300 and answer.complete:
        await pool.execute(
            _KEEP,
            claim.scope,
            claim.key,
            claim.lease,
            fingerprint.digest(),
            answer.status,
            answer.content_type,
            answer.location,
            bytes(answer.body),
        )
    else:
        await pool.execute(_RELEASE, claim.scope, claim.key, claim.lease)


def _header(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == b"idempotency-key":
            return str(value.decode("latin-1"))
    return None


async def _caller(request: Request) -> str | None:
    """Whose keys these are: the tenant, or the subject of a role without one; None without a
    valid token (the endpoint then answers 401 itself)."""
    token = bearer_token(request)
    if token is None:
        return None
    try:
        principal = await authenticate(request, token)
    except Exception:
        return None
    if principal.tenant is not None:
        return f"tenant:{principal.tenant}"
    return f"subject:{principal.role}:{principal.subject}"


def _answer_repeat(kept: object, fingerprint: bytes, scope: Scope) -> ASGIApp:
    path = scope["path"]
    if kept is None:  # released between the claim and the read: the first request failed
        return problem_response(
            409,
            f"the first request with this {HEADER} just ended; retry",
            path,
            field=HEADER,
            headers={"Retry-After": "1"},
        )
    row: dict[str, object] = dict(kept)  # type: ignore[call-overload]
    if row["status"] is None:
        if row["effect_committed"]:
            detail = (
                f"the request with this {HEADER} was carried out but its answer was lost;"
                " read the resource instead of retrying"
            )
            return problem_response(409, detail, path, field=HEADER)
        detail = f"a request with this {HEADER} is still being processed; retry later"
        return problem_response(409, detail, path, field=HEADER, headers={"Retry-After": "1"})
    if row["fingerprint"] != fingerprint:
        detail = f"this {HEADER} was already used for a different request"
        return problem_response(422, detail, path, field=HEADER)
    return _Replay(row)


class _Replay:
    """The stored first answer, sent again."""

    def __init__(self, row: dict[str, object]) -> None:
        self.row = row

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = bytes(self.row["body"])  # type: ignore[call-overload]
        headers = [
            (b"content-length", str(len(body)).encode()),
            (REPLAYED.lower().encode(), b"true"),
        ]
        for name, value in (
            ("content-type", self.row["content_type"]),
            ("location", self.row["location"]),
        ):
            if value:
                headers.append((name.encode(), str(value).encode("latin-1")))
        await send(
            {"type": "http.response.start", "status": self.row["status"], "headers": headers}
        )
        await send({"type": "http.response.body", "body": body})


class _Fingerprint:
    """SHA-256 of method, path, query and body, taken as the body streams past."""

    def __init__(self, scope: Scope, receive: Receive) -> None:
        self._receive = receive
        self._hash = hashlib.sha256()
        for part in (scope["method"], scope["path"], scope.get("query_string", b"").decode()):
            self._hash.update(part.encode() + b"\0")

    async def receive(self) -> Message:
        message = await self._receive()
        if message["type"] == "http.request":
            self._hash.update(message.get("body", b""))
        return message

    def digest(self) -> bytes:
        return self._hash.digest()

    async def drained(self) -> bytes:
        """Read the rest of the body (a repeat is never run), then the digest."""
        while True:
            message = await self.receive()
            if message["type"] != "http.request" or not message.get("more_body", False):
                return self.digest()


class _Recorder:
    """Passes the response on and keeps a copy small enough to store."""

    def __init__(self, send: Send) -> None:
        self._send = send
        self.status: int | None = None
        self.content_type: str | None = None
        self.location: str | None = None
        self.body = bytearray()
        self.complete = False

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = int(message["status"])
            headers = {k.lower(): v.decode("latin-1") for k, v in message.get("headers", ())}
            self.content_type = headers.get(b"content-type")
            self.location = headers.get(b"location")
        elif message["type"] == "http.response.body":
            self.body.extend(message.get("body", b""))
            if len(self.body) > MAX_KEPT_BODY_BYTES:
                self.body.clear()
                self.status = None  # too large to keep: the key is released instead
            self.complete = self.status is not None and not message.get("more_body", False)
        await self._send(message)
