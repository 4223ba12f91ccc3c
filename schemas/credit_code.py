"""Unified social credit code (GB 32100-2015): 18 characters ending in a check character."""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def check_character(first17: str) -> str:
    """The check character the standard prescribes for the first 17 characters."""
    total = sum(ALPHABET.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def credit_code_problem(code: str) -> str | None:
    """Why `code` is not a valid unified social credit code, or None when it is."""
    if len(code) != 18:
        return "must be exactly 18 characters"
    bad = sorted({c for c in code if c not in ALPHABET})
    if bad:
        return f"contains characters outside GB 32100-2015: {''.join(bad)!r}"
    if check_character(code[:17]) != code[17]:
        return f"check character should be {check_character(code[:17])!r}"
    return None
