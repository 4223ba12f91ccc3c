"""Unified social credit codes are checked exactly as GB 32100-2015 prescribes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from schemas.credit_code import ALPHABET, WEIGHTS, check_character, credit_code_problem

pytestmark = pytest.mark.unit

# The standard's own worked example; by hand: the weighted sum of the first 17 characters is
# 1640, 1640 mod 31 = 28, and 31 - 28 = 3 is the check character.
KNOWN_GOOD = "91350100M000100Y43"

first17 = st.text(alphabet=ALPHABET, min_size=17, max_size=17)


def test_the_standards_example_is_accepted() -> None:
    assert check_character(KNOWN_GOOD[:17]) == "3"
    assert credit_code_problem(KNOWN_GOOD) is None


def test_alphabet_leaves_out_letters_that_read_like_digits() -> None:
    assert len(ALPHABET) == 31
    assert not set("IOSVZ") & set(ALPHABET)


def test_weights_are_powers_of_three_modulo_31() -> None:
    assert tuple(pow(3, i, 31) for i in range(17)) == WEIGHTS


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        ("91350100M000100Y44", "check character should be '3'"),
        ("91350100M000100Y4", "must be exactly 18 characters"),
        ("91350100M000100Y433", "must be exactly 18 characters"),
        ("91350100M000100I43", "outside GB 32100-2015: 'I'"),
        ("91350100m000100Y43", "outside GB 32100-2015: 'm'"),
        ("", "must be exactly 18 characters"),
    ],
)
def test_malformed_codes_are_refused_with_a_reason(code: str, problem: str) -> None:
    assert problem in (credit_code_problem(code) or "accepted")


@given(first17)
def test_any_17_characters_with_their_check_character_form_a_valid_code(head: str) -> None:
    assert credit_code_problem(head + check_character(head)) is None


@given(first17, st.sampled_from(ALPHABET))
def test_any_other_last_character_is_refused(head: str, last: str) -> None:
    if last != check_character(head):
        assert "check character" in (credit_code_problem(head + last) or "accepted")


@given(first17, st.integers(0, 16), st.integers(1, 30))
def test_a_single_changed_character_is_always_caught(head: str, at: int, shift: int) -> None:
    code = head + check_character(head)
    changed = ALPHABET[(ALPHABET.index(code[at]) + shift) % 31]
    assert credit_code_problem(code[:at] + changed + code[at + 1 :]) is not None
