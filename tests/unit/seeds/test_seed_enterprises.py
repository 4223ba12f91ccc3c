"""The committed demo enterprises are valid, distinct and spread over all of Hunan."""

from __future__ import annotations

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from schemas.credit_code import credit_code_problem
from schemas.enterprise import EnterpriseSpec
from schemas.vocabulary import City
from seeds.synthetic import CITY_CODES, COUNTIES, SEEDS_DIR, credit_code

pytestmark = pytest.mark.unit

ENTERPRISES = [orjson.loads(b) for b in (SEEDS_DIR / "enterprises.jsonl").read_bytes().splitlines()]


def test_there_are_at_least_60_seed_enterprises() -> None:
    assert len(ENTERPRISES) >= 60


@pytest.mark.parametrize("line", ENTERPRISES, ids=lambda line: line["credit_code"])
def test_every_seed_enterprise_is_a_valid_enterprise_spec(line: dict[str, object]) -> None:
    spec = EnterpriseSpec.model_validate(line)
    assert spec.model_dump(mode="json", exclude_none=True) == line


def test_seed_enterprise_credit_codes_and_names_are_unique() -> None:
    assert len({e["credit_code"] for e in ENTERPRISES}) == len(ENTERPRISES)
    assert len({e["name"] for e in ENTERPRISES}) == len(ENTERPRISES)


def test_seed_enterprises_cover_all_14_cities_with_real_counties() -> None:
    assert {e["city"] for e in ENTERPRISES} == {c.value for c in City}
    for e in ENTERPRISES:
        assert e["county"] in COUNTIES[City(e["city"])]


def test_credit_codes_carry_market_regulator_prefix_and_the_city_division_code() -> None:
    for e in ENTERPRISES:
        assert e["credit_code"][:2] == "91"
        assert e["credit_code"][2:8] == CITY_CODES[City(e["city"])]


def test_seed_enterprises_mix_chinese_and_english_names_and_industries() -> None:
    english = [e for e in ENTERPRISES if e["name"].isascii()]
    assert 0 < len(english) < len(ENTERPRISES) / 2
    assert len({e["industry"] for e in ENTERPRISES}) >= 12


def test_contacts_use_only_reserved_example_domains() -> None:
    domains = {e["contact_email"].rsplit("@", 1)[1] for e in ENTERPRISES}
    assert domains <= {"example.com", "example.cn"}


@given(st.sampled_from(list(City)), st.integers(0, 31**5 - 1), st.sampled_from("45"))
def test_generated_credit_codes_always_pass_the_gb_32100_check(
    city: City, serial: int, ns: str
) -> None:
    assert credit_code_problem(credit_code(city, serial, ns)) is None
