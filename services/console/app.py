"""Composition root of the console: a backend-for-frontend over the four services' APIs."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from console import (
    bank,
    bank_reports,
    deals,
    enterprise,
    errors,
    evaluations,
    home,
    i18n,
    mandates,
    regulator,
    signin,
    subsidies,
)
from console.backends import Backends
from console.config import ConsoleSettings
from servicekit.auth import TokenVerifier

STATIC = Path(__file__).parent / "static"
# Everything comes from the console itself: no CDN, no inline script, no framing.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; frame-ancestors 'none'; base-uri 'self'; "
    "form-action 'self'"
)


def settings() -> ConsoleSettings:
    return ConsoleSettings()


def build_app(
    config: ConsoleSettings | None = None,
    clients: Mapping[str, httpx.AsyncClient] | None = None,
) -> FastAPI:
    """The console app; `clients` lets tests reach the services' apps in-process."""
    config = config or settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        await app.state.backends.close()

    app = FastAPI(
        title="GreenLink console",
        description="Pages for enterprises, lenders and regulators over the public APIs.",
        version="1.0.0",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.settings = config
    app.state.verifier = TokenVerifier(config)
    app.state.backends = Backends(config, clients)
    errors.install(app)

    @app.middleware("http")
    async def language_and_headers(request: Request, call_next: Callable[..., object]) -> Response:
        asked = request.query_params.get("lang")
        request.state.lang = i18n.pick(asked, request.cookies.get(i18n.COOKIE))
        response: Response = await call_next(request)  # type: ignore[misc]
        if asked in i18n.LANGS:
            response.set_cookie(
                i18n.COOKIE, asked, max_age=365 * 86400, samesite="lax", httponly=True
            )
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

    app.add_middleware(
        SessionMiddleware,
        secret_key=config.session_secret.get_secret_value(),
        session_cookie="greenlink_session",
        max_age=config.session_max_age_s,
        same_site="lax",
        https_only=config.secure_cookies,
    )
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    routers = (
        home,
        signin,
        enterprise,
        bank,
        deals,
        mandates,
        bank_reports,
        regulator,
        evaluations,
        subsidies,
    )
    for module in routers:
        app.include_router(module.router)
    return app


@dataclass(frozen=True)
class ConsoleSpec:
    """What `python -m console` and the test harness need: settings and the app factory."""

    settings: ConsoleSettings
    app_factory: Callable[[], FastAPI]
    consumers: tuple[()] = ()  # it reads no topic: everything comes through the APIs


def spec() -> ConsoleSpec:
    config = settings()
    return ConsoleSpec(settings=config, app_factory=lambda: build_app(config))
