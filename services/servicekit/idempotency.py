"""Idempotency-Key on every POST: a client's blind retry replays the first answer, never a copy.

Semantics follow the IETF httpapi draft "The Idempotency-Key HTTP Header Field": the key (a
string of 1 to 255 visible ASCII characters, bare or as a quoted structured-field string) is
scoped to the caller's tenant (or, for roles without one, the token's subject); the same key
with the same request (method, path, query and body) replays the stored response with
`Idempotent-Replayed: true`; the same key with another request answers 422 naming the header;
a key whose first request is still running answers 409 with Retry-After. Keys expire
`IDEMPOTENCY_KEY_TTL_HOURS` after first use (24 by default).

Exactly-once needs the key and the state change to commit together, so a request leases its
key first (its own short transaction), and `record_effect`, which `servicekit.outbox.enqueue`
calls inside every state change's transaction, marks the key as carried out only if the lease
is still this request's: a request that outlived its lease and was taken over rolls back. A
lease abandoned without an effect (a crash, an error, a stall) is taken over after
`IDEMPOTENCY_LEASE_SECONDS` (30 by default); a key whose effect committed but whose response
was lost (a crash right after the commit) is never run again: the retry answers 409 and the
client reads the resource. Only successful answers are kept; an error releases the key, so the
retry runs afresh. The HTTP side lives in
servicekit.http_idempotency; this module is what state changes call, HTTP or not.
"""

from __future__ import annotations

import contextvars
import uuid
from dataclasses import dataclass, field

from servicekit.db import Connection
from servicekit.errors import Conflict

HEADER = "Idempotency-Key"
# 1 to 255 visible ASCII characters, bare or as a quoted structured-field string.
KEY_PATTERN = r'^"?[\x21\x23-\x7e]{1,255}"?$'


@dataclass
class Claim:
    """The key a request leased; `open` until its response is settled."""

    scope: str
    key: str
    lease: uuid.UUID = field(default_factory=uuid.uuid4)
    open: bool = True


CURRENT_CLAIM: contextvars.ContextVar[Claim | None] = contextvars.ContextVar("idempotency_claim")


async def record_effect(con: Connection) -> None:
    """Inside a state change's transaction: the request's key is carried out with it, or, if
    another request took the key over meanwhile, the change is refused (409) and rolls back."""
    claim = CURRENT_CLAIM.get(None)
    if claim is None or not claim.open:
        return
    kept = await con.fetchval(
        "UPDATE idempotency_keys SET effect_committed = true"
        " WHERE scope = $1 AND key = $2 AND lease = $3 RETURNING true",
        claim.scope,
        claim.key,
        claim.lease,
    )
    if not kept:
        raise Conflict(f"a retry with this {HEADER} took the request over", field=HEADER)
