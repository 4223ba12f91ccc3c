"""Who is signed in, kept in a signed HttpOnly SameSite=Lax cookie, and the CSRF token.

The cookie (Starlette's SessionMiddleware, signed with itsdangerous) holds the user's bearer
token, their role and tenant, and one random CSRF token that every form echoes back.
"""

from __future__ import annotations

import hmac
import secrets
import uuid
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request

from servicekit.auth import Principal, Role

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
HOME_OF_ROLE = {
    Role.ENTERPRISE: "/enterprise",
    Role.LENDER: "/bank",
    Role.REGULATOR: "/regulator",
    Role.ADMIN: "/regulator",
}


class SignInRequired(Exception):
    """No session, or the services no longer accept its token: sign in again."""


@dataclass(frozen=True)
class User:
    """The signed-in person: the token they act with and what it says about them."""

    token: str
    role: Role
    tenant: uuid.UUID | None
    name: str

    @property
    def home(self) -> str:
        return HOME_OF_ROLE[self.role]


def sign_in(request: Request, token: str, principal: Principal, name: str) -> None:
    """Start a fresh session (a new CSRF token too, so one planted before sign-in is useless)."""
    request.session.clear()
    request.session.update(
        {
            "token": token,
            "role": str(principal.role),
            "tenant": str(principal.tenant) if principal.tenant else None,
            "name": name,
            CSRF_FIELD: secrets.token_urlsafe(32),
        }
    )


def sign_out(request: Request) -> None:
    request.session.clear()


def current_user(request: Request) -> User | None:
    data: dict[str, Any] = request.session
    try:
        return User(
            token=str(data["token"]),
            role=Role(data["role"]),
            tenant=uuid.UUID(data["tenant"]) if data.get("tenant") else None,
            name=str(data.get("name") or ""),
        )
    except (KeyError, ValueError):
        return None


def signed_in(request: Request) -> User:
    user = current_user(request)
    if user is None:
        raise SignInRequired
    return user


def csrf_token(request: Request) -> str:
    """The session's CSRF token, created on first use (the sign-in form needs one too)."""
    token = request.session.get(CSRF_FIELD)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session[CSRF_FIELD] = token
    return token


async def check_csrf(request: Request) -> None:
    """403 unless the form field (or, for scripts, the header) echoes the session's token."""
    expected = request.session.get(CSRF_FIELD)
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not isinstance(expected, str) or not sent or not hmac.compare_digest(expected, sent):
        raise HTTPException(403, "csrf_token: missing or wrong; reload the page and try again")


class RoleGate:
    """A dependency admitting only the given roles; others get 403, strangers sign in."""

    def __init__(self, *roles: Role) -> None:
        self.roles = roles

    def __call__(self, request: Request) -> User:
        user = signed_in(request)
        if user.role not in self.roles:
            raise HTTPException(403, f"role {user.role} has no access to this page")
        return user


SignedIn = Annotated[User, Depends(signed_in)]
Enterprise = Annotated[User, Depends(RoleGate(Role.ENTERPRISE))]
Lender = Annotated[User, Depends(RoleGate(Role.LENDER))]
Reader = Annotated[User, Depends(RoleGate(Role.REGULATOR, Role.ADMIN))]
CsrfChecked = Depends(check_csrf)
