"""GB 32100 unified social credit codes: valid check characters, distinct serial bodies."""

from __future__ import annotations

from schemas.credit_code import ALPHABET, check_character
from schemas.vocabulary import City
from seeds.synthetic.geography import CITY_CODES

BODY_SPACE = 31**5
"""How many distinct 5-character serial bodies a namespace holds."""
SCRAMBLE = 7_654_321
"""Coprime with BODY_SPACE, so consecutive serials map to scattered, distinct bodies."""
_GB11714_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def organization_code(first8: str) -> str:
    """Append the GB 11714 check character, as the 9-character body of a credit code has."""
    check = 11 - sum(int(c, 36) * w for c, w in zip(first8, _GB11714_WEIGHTS, strict=True)) % 11
    return first8 + ("X" if check == 10 else "0" if check == 11 else str(check))


def credit_code(city: City, serial: int, namespace: str) -> str:
    """A valid code: "91" (enterprise, market regulator), the city's division code, "MA" body."""
    chars = []
    for _ in range(5):
        serial, digit = divmod(serial, 31)
        chars.append(ALPHABET[digit])
    first17 = "91" + CITY_CODES[city] + organization_code("MA" + namespace + "".join(chars))
    return first17 + check_character(first17)
