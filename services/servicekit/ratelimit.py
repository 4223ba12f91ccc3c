"""Per-client token buckets on write requests, so one caller cannot flood the write path.

A client is the verified token's subject, else its address: a forged token names nobody, so it
cannot spend another caller's budget. Buckets live in the process; each API replica limits on
its own (put a shared limiter at the gateway when replicas multiply).
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import HTTPException, Request

from servicekit.auth import authenticate, bearer_token

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass
class _Bucket:
    tokens: float
    stamp: float


class TokenBuckets:
    """`per_minute` writes per client, refilled continuously, bursting up to a minute's worth."""

    def __init__(
        self,
        per_minute: int,
        *,
        max_clients: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.capacity = float(per_minute)
        self.refill_per_s = per_minute / 60.0
        self.max_clients = max_clients
        self._clock = clock
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()

    def take(self, client: str) -> float:
        """Spend one token: 0.0 when allowed, else the seconds until the next token."""
        now = self._clock()
        bucket = self._buckets.pop(client, None) or _Bucket(self.capacity, now)
        bucket.tokens = min(self.capacity, bucket.tokens + (now - bucket.stamp) * self.refill_per_s)
        bucket.stamp = now
        self._buckets[client] = bucket
        if len(self._buckets) > self.max_clients:
            self._buckets.popitem(last=False)
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return 0.0
        return (1.0 - bucket.tokens) / self.refill_per_s


async def client_key(request: Request) -> str:
    """The verified subject when a valid token came, else the peer address."""
    token = bearer_token(request)
    if token is not None:
        try:
            return f"sub:{(await authenticate(request, token)).subject}"
        except HTTPException:
            pass
    return f"ip:{request.client.host if request.client else 'unknown'}"


async def limit_writes(request: Request) -> None:
    """429 with Retry-After once a client has spent its write budget."""
    if request.method not in WRITE_METHODS:
        return
    buckets: TokenBuckets = request.app.state.write_buckets
    wait_s = buckets.take(await client_key(request))
    if wait_s > 0:
        raise HTTPException(
            429,
            "too many write requests from this client; retry after the given seconds",
            {"Retry-After": str(max(1, math.ceil(wait_s)))},
        )
