"""A slow identity provider delays only the requests that wait for its keys, never the service."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from fastapi import APIRouter

from servicekit.auth import CurrentPrincipal, Role
from servicekit.http import create_app
from servicekit.issuer import mint
from servicekit.settings import ServiceSettings

pytestmark = pytest.mark.security


class SlowJwks:
    """A loopback JWKS endpoint that holds each answer until the test releases it."""

    def __init__(self, jwks_path: Path) -> None:
        self.requested = threading.Event()
        self.release = threading.Event()
        self.released_in_time: list[bool] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                outer.requested.set()
                outer.released_in_time.append(outer.release.wait(15))
                body = jwks_path.read_bytes()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/jwks.json"


@pytest.fixture
def slow_jwks(tmp_path: Path) -> Iterator[SlowJwks]:
    jwks = SlowJwks(tmp_path / "jwks.json")
    thread = threading.Thread(target=jwks.server.serve_forever, daemon=True)
    thread.start()
    yield jwks
    jwks.release.set()
    jwks.server.shutdown()
    thread.join()


async def test_the_service_keeps_answering_while_a_jwks_refresh_is_slow(
    tmp_path: Path, slow_jwks: SlowJwks
) -> None:
    token = mint(Role.REGULATOR, jwks_path=tmp_path / "jwks.json")
    settings = ServiceSettings(
        DATABASE_URL="postgresql://offline:unused@127.0.0.1:9/none",
        KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:9",
        GREENLINK_ENV="development",
        GREENLINK_JWKS_URL=slow_jwks.url,
    )
    router = APIRouter()

    @router.post("/v1/echo")
    async def echo(principal: CurrentPrincipal) -> dict[str, str]:
        return {"subject": principal.subject}

    app = create_app(settings, [router], title="probe", description="probe")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://probe") as client:
        waiting = asyncio.create_task(
            client.post("/v1/echo", headers={"authorization": f"Bearer {token}"})
        )
        assert await asyncio.to_thread(slow_jwks.requested.wait, 15)
        health = await client.get("/healthz")
        slow_jwks.release.set()
        authenticated = await waiting

    assert health.status_code == 200
    assert slow_jwks.released_in_time == [True], "the loop stood still during the key fetch"
    assert authenticated.status_code == 200
    assert authenticated.json() == {"subject": "regulator:staff"}
