"""How guessable a secret is, judged by its length and the entropy of its characters.

A list of known defaults only catches the passwords someone thought to list; a short or
repetitive password is weak whatever it spells, so production refuses those by measure.
"""

from __future__ import annotations

import math
from collections import Counter
from itertools import pairwise

MIN_LENGTH = 16
MIN_ENTROPY_BITS = 56.0


def _shannon_bits(symbols: list[int]) -> float:
    if not symbols:
        return 0.0
    n = len(symbols)
    return -sum(c / n * math.log2(c / n) for c in Counter(symbols).values()) * n


def entropy_bits(secret: str) -> float:
    """Shannon entropy of the secret's characters times its length, and no more than that of
    the steps between neighbouring characters.

    It falls for repetition ("aaaa...", "passwordpassword") and for runs ("abcdef...",
    "123456...") however long the secret is.
    """
    codes = [ord(c) for c in secret]
    steps = [b - a for a, b in pairwise(codes)]
    return min(_shannon_bits(codes), _shannon_bits(steps))


def _one_period(secret: str) -> str:
    """A secret that repeats one piece ("hunanhunanhunan") is worth that piece alone."""
    n = len(secret)
    for period in range(1, n // 2 + 1):
        if (secret[:period] * (n // period + 1))[:n] == secret:
            return secret[:period]
    return secret


def weakness(secret: str) -> str | None:
    """Why a secret is too weak to guard real data, or None when it is strong enough."""
    if len(_one_period(secret)) < MIN_LENGTH:
        return f"shorter than {MIN_LENGTH} characters (a repeated piece counts once)"
    if entropy_bits(_one_period(secret)) < MIN_ENTROPY_BITS:
        return f"too predictable (under {MIN_ENTROPY_BITS:.0f} bits of entropy)"
    return None
