"""Building the flags checks raise: `reject` for the impossible, `warn` for beyond a norm."""

from __future__ import annotations

from schemas.scoring import Flag, FlagSeverity


def reject(code: str, field: str, reason: str) -> Flag:
    """A flag that rejects the score: physically impossible or no net reduction."""
    return Flag(code=code, field=field, severity=FlagSeverity.REJECT, reason=reason)


def warn(code: str, field: str, reason: str) -> Flag:
    """A flag for a claim beyond a norm: credited conservatively, not rejected."""
    return Flag(code=code, field=field, severity=FlagSeverity.WARN, reason=reason)
