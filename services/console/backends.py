"""The four services' public HTTP APIs, called with the signed-in user's own token.

The console never reads a database or Kafka: whatever a page shows, the user could have asked
the service for with the same token, so every ownership rule stays the service's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import httpx

from console.config import ConsoleSettings

Service = Literal["registry", "scoring", "matching", "audit"]
SERVICES: tuple[Service, ...] = ("registry", "scoring", "matching", "audit")


class BackendUnavailable(Exception):
    """A service did not answer, or answered with a server error."""

    def __init__(self, service: str, detail: str) -> None:
        super().__init__(f"{service}: {detail}")
        self.service = service


@dataclass(frozen=True)
class Answer:
    """A service's answer: its status and JSON body (or text when it is not JSON)."""

    status: int
    body: Any
    headers: Mapping[str, str]

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


class Backends:
    """One HTTP client per service; tests hand in clients of the real apps served in-process
    (those stay theirs to close)."""

    def __init__(
        self,
        settings: ConsoleSettings,
        given: Mapping[str, httpx.AsyncClient] | None = None,
    ) -> None:
        urls = {
            "registry": settings.registry_url,
            "scoring": settings.scoring_url,
            "matching": settings.matching_url,
            "audit": settings.audit_url,
        }
        given = given or {}
        self.owned = {
            name: httpx.AsyncClient(base_url=urls[name], timeout=settings.backend_timeout_s)
            for name in SERVICES
            if name not in given
        }
        self.clients = {name: given.get(name) or self.owned[name] for name in SERVICES}

    def client(self, service: Service) -> httpx.AsyncClient:
        return self.clients[service]

    async def call(
        self, service: Service, method: str, path: str, token: str, **kwargs: Any
    ) -> Answer:
        """One request as the user; 5xx and network failures raise BackendUnavailable."""
        headers = {"Authorization": f"Bearer {token}", **kwargs.pop("headers", {})}
        try:
            response = await self.clients[service].request(method, path, headers=headers, **kwargs)
        except httpx.HTTPError as exc:
            raise BackendUnavailable(service, type(exc).__name__) from exc
        if response.status_code >= 500:
            raise BackendUnavailable(service, f"answered {response.status_code}")
        body: Any
        try:
            body = response.json()
        except ValueError:
            body = response.text
        return Answer(response.status_code, body, response.headers)

    async def close(self) -> None:
        for client in self.owned.values():
            await client.aclose()
