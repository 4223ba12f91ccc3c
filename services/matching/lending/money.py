"""Exact money conversions shared by every check: integer fen for sums, CNY for people."""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal

FEN_PER_CNY = 100
CENT = Decimal("0.01")


def to_fen(amount: Decimal) -> int:
    """Exact integer fen of a CNY amount (fractions of a fen are dropped)."""
    return int((amount * FEN_PER_CNY).to_integral_value(rounding=ROUND_DOWN))


def from_fen(fen: int) -> Decimal:
    """CNY with two places from integer fen."""
    return (Decimal(fen) / FEN_PER_CNY).quantize(CENT)


def cny(amount: Decimal) -> str:
    """Readable CNY amount for explanations and error messages."""
    return f"{amount:,.2f} CNY"
