"""Domain errors that the HTTP layer turns into clear 4xx answers."""

from __future__ import annotations


class DomainError(Exception):
    """A request that cannot be honoured; `status` is the HTTP answer, `field` what to fix."""

    status = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    status = 409


class Forbidden(DomainError):
    status = 403


class Unprocessable(DomainError):
    status = 422


class TooMany(DomainError):
    """A per-tenant limit on work in progress is reached; the message names the limit."""

    status = 429
