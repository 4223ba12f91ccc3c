"""Text fields refuse characters that hide or reorder what a reader sees; blank means nothing
visible, whatever invisible characters it holds; the documented pattern says the same."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from schemas.enterprise import EnterpriseSpec
from schemas.fields import Code, LongText, ShortText
from tests.support.samples import enterprise_body

pytestmark = pytest.mark.unit

BIDI = [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))]
ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]
C1_AND_DEL = [chr(c) for c in range(0x7F, 0xA0)]
REFUSED = BIDI + ZERO_WIDTH + C1_AND_DEL
# Shows nothing, yet may sit inside real text (bidi marks, soft hyphen, fillers, selectors).
INVISIBLE_BUT_ALLOWED = ["\u200e", "\u200f", "\u061c", "\xad", "\u3164", "\ufe0f", "\u2800"]
SPACES = [" ", "\t", "\n", "\u3000", "\u00a0", "\u2003"]


class Texts(BaseModel):
    name: ShortText
    note: LongText = ""
    code: Code = "x"


PATTERNS = {
    name: re.compile(Texts.model_json_schema()["properties"][name]["pattern"])
    for name in ("name", "note", "code")
}
honest = st.text(
    st.characters(min_codepoint=0x20, blacklist_categories=["Cs"], blacklist_characters=REFUSED),
    min_size=0,
    max_size=12,
)


@settings(max_examples=300, deadline=None)
@given(before=honest, bad=st.sampled_from(REFUSED), after=honest)
def test_every_text_field_refuses_bidi_zero_width_c1_and_del_anywhere(
    before: str, bad: str, after: str
) -> None:
    value = f"x{before}{bad}{after}"
    for field in ("name", "note", "code"):
        with pytest.raises(ValidationError) as refused:
            Texts.model_validate({field: value} | ({} if field == "name" else {"name": "ok"}))
        assert refused.value.errors()[0]["loc"] == (field,)
        assert f"U+{ord(bad):04X}" in str(refused.value)
        assert PATTERNS[field].search(value) is None


@settings(max_examples=200, deadline=None)
@given(st.text(st.sampled_from(SPACES + INVISIBLE_BUT_ALLOWED), min_size=1, max_size=20))
def test_text_of_only_spaces_and_invisible_characters_is_blank(value: str) -> None:
    with pytest.raises(ValidationError, match="blank"):
        Texts(name=value)
    assert PATTERNS["name"].search(value) is None


def test_a_name_of_only_zero_width_spaces_is_refused_by_name() -> None:
    with pytest.raises(ValidationError) as refused:
        EnterpriseSpec.model_validate(enterprise_body() | {"name": "\u200b\u200b\u200b"})
    assert refused.value.errors()[0]["loc"] == ("name",)


@settings(max_examples=300, deadline=None)
@given(honest)
def test_validation_and_the_documented_pattern_agree(value: str) -> None:
    for field in ("name", "note"):
        body = {field: value} | ({} if field == "name" else {"name": "ok"})
        try:
            Texts.model_validate(body)
            accepted = True
        except ValidationError:
            accepted = False
        within = len(value) <= (200 if field == "name" else 4000)
        assert accepted == (bool(PATTERNS[field].search(value)) and within)


@pytest.mark.parametrize("value", ["长沙光伏一期", "Solar ‏phase 2", "e\u0301t\u00e9", "👍🏽 ok"])
def test_real_chinese_and_english_text_with_marks_and_emoji_passes(value: str) -> None:
    assert Texts(name=value).name == value
