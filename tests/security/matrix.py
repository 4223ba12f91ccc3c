"""The BOLA matrix: for every object endpoint, what each kind of caller must get.

A service's table lists (method, path template) → expected status for each `Caller`. Every
row targets objects of tenant A ("own"); tenant B is the "other" side. A seed function creates
one object of each kind per tenant and returns their ids by path parameter name, so adding a
service is adding its rows and its seed.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import httpx

from servicekit.kafka_access import KafkaAccess


class Caller(StrEnum):
    ANONYMOUS = "anonymous"
    ENTERPRISE_OWN = "enterprise-own"
    ENTERPRISE_OTHER = "enterprise-other"
    LENDER_OWN = "lender-own"
    LENDER_OTHER = "lender-other"
    REGULATOR = "regulator"
    ADMIN = "admin"


READERS = frozenset({Caller.REGULATOR, Caller.ADMIN})
SIGNED_IN = tuple(caller for caller in Caller if caller is not Caller.ANONYMOUS)


@dataclass(frozen=True)
class Tenant:
    """One side of the matrix: an enterprise, a lender, and the objects they own.

    `marker` appears in the names of this tenant's objects and nowhere else, so a response
    that carries it to a stranger has leaked.
    """

    enterprise_id: uuid.UUID
    lender_id: uuid.UUID
    marker: str
    objects: dict[str, uuid.UUID] = field(default_factory=dict)


@dataclass(frozen=True)
class World:
    own: Tenant
    other: Tenant


Mint = Callable[..., dict[str, str]]


def new_marker() -> str:
    """A tenant's marker: unique, so it names that tenant's objects and nothing else."""
    return f"mk{uuid.uuid4().hex[:12]}"


def headers_for(caller: Caller, world: World, mint: Mint) -> dict[str, str]:
    """The bearer header each caller presents (tenant always from the token)."""
    tokens: dict[Caller, Callable[[], dict[str, str]]] = {
        Caller.ANONYMOUS: dict,
        Caller.ENTERPRISE_OWN: lambda: mint("enterprise", world.own.enterprise_id),
        Caller.ENTERPRISE_OTHER: lambda: mint("enterprise", world.other.enterprise_id),
        Caller.LENDER_OWN: lambda: mint("lender", world.own.lender_id),
        Caller.LENDER_OTHER: lambda: mint("lender", world.other.lender_id),
        Caller.REGULATOR: lambda: mint("regulator"),
        Caller.ADMIN: lambda: mint("admin"),
    }
    return tokens[caller]()


def expect(anonymous: int = 401, **statuses: int) -> dict[Caller, int]:
    """Expected status per caller: `expect(enterprise_own=200, ...)`; every caller is named."""
    table = {Caller.ANONYMOUS: anonymous}
    table |= {Caller(name.replace("_", "-")): status for name, status in statuses.items()}
    missing = set(Caller) - set(table)
    if missing:
        raise ValueError(f"expectation misses {sorted(missing)}")
    return table


def only(anonymous: int = 401, **statuses: int) -> dict[Caller, int]:
    """Expected status where every signed-in caller not named has no business there (403)."""
    refused = {caller.value.replace("-", "_"): 403 for caller in SIGNED_IN}
    return expect(anonymous, **(refused | statuses))


Body = Callable[[World], Any]


def fill(template: str, world: World) -> str:
    """A path or query value with tenant A's object ids in place of `{name}`."""
    return template.format(**{k: str(v) for k, v in world.own.objects.items()})


@dataclass(frozen=True)
class Endpoint:
    """One row: a route, what every caller gets, and how to call and re-check it.

    `fresh` rows change state, so each caller gets a newly seeded world. `state` lists paths
    the owner re-reads before and after a refused write: they must not have changed. `sees`
    are the callers allowed to see tenant A's data in this endpoint's answers.
    """

    method: str
    path: str
    expect: Mapping[Caller, int]
    owner: Caller = Caller.ENTERPRISE_OWN
    json: Body | None = None
    content: tuple[str, Body] | None = None
    query: Mapping[str, str] = field(default_factory=dict)
    fresh: bool = False
    state: tuple[str, ...] = ()
    sees: frozenset[Caller] | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.method, self.path)

    def entitled(self) -> frozenset[Caller]:
        return self.sees if self.sees is not None else READERS | {self.owner}

    def url(self, world: World) -> str:
        return fill(self.path, world)

    def request_kwargs(self, world: World) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"params": {k: fill(v, world) for k, v in self.query.items()}}
        if self.json is not None:
            kwargs["json"] = self.json(world)
        if self.content is not None:
            media_type, body = self.content
            kwargs["content"] = body(world)
            kwargs["headers"] = {"content-type": media_type}
        return kwargs


@dataclass(frozen=True)
class SeedContext:
    """What a seed may use: every running service's client, the token minter, Kafka."""

    clients: Mapping[str, httpx.AsyncClient]
    mint: Mint
    kafka: KafkaAccess


Seed = Callable[[SeedContext], Awaitable[World]]


@dataclass(frozen=True)
class ServiceMatrix:
    """A service's rows and how to seed tenant A's and B's objects in it."""

    service: str
    rows: tuple[Endpoint, ...]
    seed: Seed
    # The world every read-only row shares, when it needs more than `seed` gives each fresh row.
    shared_seed: Seed | None = None

    def __post_init__(self) -> None:
        keys = [row.key for row in self.rows]
        if len(keys) != len(set(keys)):
            raise ValueError(f"{self.service}: a route appears twice in the matrix")
