"""Signing in: OpenID Connect (authorization code + PKCE) anywhere, a local page in development.

The local page mints a token with the development issuer (servicekit.issuer), the same kind
the services accept from `make up`; outside development it refuses every request.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Annotated, Any

import jwt
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.starlette_client import OAuth
from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from console import organisations
from console.config import ConsoleSettings
from console.pages import render
from console.session import CsrfChecked, current_user, sign_in, sign_out
from servicekit.auth import Role, TokenVerifier
from servicekit.issuer import mint

router = APIRouter()
TENANT_ROLES = (Role.ENTERPRISE, Role.LENDER)


def settings_of(request: Request) -> ConsoleSettings:
    config: ConsoleSettings = request.app.state.settings
    return config


def oidc_client(config: ConsoleSettings) -> Any:
    """The identity provider's client, discovered from its issuer's metadata."""
    oauth = OAuth()
    oauth.register(
        "idp",
        server_metadata_url=f"{(config.oidc_issuer or '').rstrip('/')}"
        "/.well-known/openid-configuration",
        client_id=config.oidc_client_id,
        client_secret=(
            config.oidc_client_secret.get_secret_value() if config.oidc_client_secret else None
        ),
        client_kwargs={"scope": config.oidc_scope, "code_challenge_method": "S256"},
    )
    return oauth.create_client("idp")


@router.get("/signin", name="signin")
async def signin_page(request: Request) -> Response:
    """Choose how to sign in: the identity provider, or (development) a seeded organisation."""
    config = settings_of(request)
    return render(
        request,
        "signin.html",
        {
            "oidc": config.oidc_configured,
            "dev": config.is_development,
            "organisations": organisations.seeded() if config.is_development else (),
            "next": _safe_next(request.query_params.get("next")),
            "errors": {},
        },
    )


def _safe_next(target: str | None) -> str | None:
    """Only a path on this console: never an open redirect to another site."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


@router.post("/signin/dev", dependencies=[CsrfChecked])
async def dev_signin(
    request: Request,
    role: Annotated[str, Form(max_length=20)],
    tenant: Annotated[str, Form(max_length=64)] = "",
    next: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Development only: act as a seeded (or any) enterprise, lender or regulator."""
    config = settings_of(request)
    if not config.is_development:
        raise HTTPException(403, "the local sign-in exists only in development")
    errors: dict[str, str] = {}
    try:
        chosen = Role(role)
    except ValueError:
        errors["role"] = "signin.error.role"
        chosen = Role.REGULATOR
    tenant_id: uuid.UUID | None = None
    if chosen in TENANT_ROLES:
        try:
            tenant_id = uuid.UUID(tenant.strip())
        except ValueError:
            errors["tenant"] = "signin.error.tenant"
    if errors:
        return render(
            request,
            "signin.html",
            {
                "oidc": config.oidc_configured,
                "dev": True,
                "organisations": organisations.seeded(),
                "next": _safe_next(next),
                "errors": errors,
            },
            status_code=422,
        )
    jwks = Path(config.jwks_path) if config.jwks_path else None
    token = mint(chosen, tenant_id, jwks_path=jwks)
    principal = await request.app.state.verifier.verify(token)
    name = organisations.name_of(tenant_id) or (
        f"{chosen} {tenant_id}" if tenant_id else str(chosen)
    )
    sign_in(request, token, principal, name)
    user = current_user(request)
    assert user is not None
    return RedirectResponse(_safe_next(next) or user.home, status_code=303)


@router.get("/signin/oidc")
async def oidc_start(request: Request) -> Response:
    """Send the browser to the identity provider (state, nonce and PKCE verifier kept)."""
    config = settings_of(request)
    if not config.oidc_configured:
        raise HTTPException(404, "no identity provider is configured")
    redirect_uri = str(request.url_for("oidc_callback"))
    if config.public_url:
        redirect_uri = f"{config.public_url.rstrip('/')}/auth/callback"
    response: Response = await oidc_client(config).authorize_redirect(request, redirect_uri)
    return response


@router.get("/auth/callback", name="oidc_callback")
async def oidc_callback(request: Request) -> Response:
    """The provider's answer: exchange the code, verify the access token, start a session."""
    config = settings_of(request)
    if not config.oidc_configured:
        raise HTTPException(404, "no identity provider is configured")
    try:
        answer = await oidc_client(config).authorize_access_token(request)
    except OAuthError as exc:
        raise HTTPException(400, f"sign-in failed: {exc.error}") from exc
    token = str(answer.get("access_token", ""))
    verifier: TokenVerifier = request.app.state.verifier
    try:
        principal = await verifier.verify(token)
    except (jwt.PyJWTError, ValueError, OSError) as exc:
        raise HTTPException(403, "the identity provider's token names no GreenLink role") from exc
    userinfo = answer.get("userinfo") or {}
    sign_in(request, token, principal, str(userinfo.get("name") or principal.subject))
    user = current_user(request)
    assert user is not None
    return RedirectResponse(user.home, status_code=303)


@router.post("/signout", dependencies=[CsrfChecked])
async def signout(request: Request) -> Response:
    """End the session."""
    sign_out(request)
    return RedirectResponse("/signin", status_code=303)
