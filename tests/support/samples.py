"""Valid request bodies for tests, varied by a counter so rows never collide."""

from __future__ import annotations

import random
from typing import Any

from schemas.credit_code import ALPHABET, check_character


def credit_code(rng: random.Random | None = None) -> str:
    """A fresh unified social credit code with a correct check character."""
    rng = rng or random.Random()
    body = "91430100" + "".join(rng.choice(ALPHABET) for _ in range(9))
    return body + check_character(body)


def enterprise_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "湖南测试新能源有限公司",
        "credit_code": credit_code(),
        "city": "changsha",
        "county": "长沙县",
        "industry": "wind power",
        "contact_email": "ops@example.cn",
    }
    body.update(overrides)
    return body


def project_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "浏阳风电场 Liuyang wind farm",
        "type": "wind",
        "city": "changsha",
        "county": "浏阳市",
        "capex_cny": "320000000.00",
        "financing_need_cny": "220000000.00",
        "instruments": ["green_loan", "carbon_reduction_facility_loan"],
        "tenor_months": 180,
        "lifetime_years": 20,
        "construction_start": "2025-03-01",
        "operation_date": "2026-06-30",
        "activity": {"capacity_mw": 50.0, "annual_generation_mwh": 110000.0},
    }
    body.update(overrides)
    return body


def data_centre_body(**overrides: Any) -> dict[str, Any]:
    """A data-centre retrofit in Xiangxi: a profile no other test registers in bulk."""
    body = project_body(
        name="湘西数据中心节能改造",
        type="data_centre_pue",
        city="xiangxi",
        county="吉首市",
        capex_cny="60000000.00",
        financing_need_cny="40000000.00",
        instruments=["green_loan", "carbon_reduction_facility_loan"],
        tenor_months=96,
        lifetime_years=12,
        activity={"it_load_kw": 5000.0, "pue_before": 1.8, "pue_after": 1.25},
        evidence=[{"title": "energy audit", "reference": "HN-EA-2025-001"}],
    )
    body.update(overrides)
    return body


def forestry_body(**overrides: Any) -> dict[str, Any]:
    """Afforestation in Xiangxi at the default sequestration rate: a carbon sink."""
    body = project_body(
        name="湘西退耕还林碳汇 Xiangxi afforestation",
        type="forestry",
        city="xiangxi",
        county="永顺县",
        capex_cny="30000000.00",
        financing_need_cny="20000000.00",
        instruments=["green_loan"],
        activity={"area_ha": 1_000.0},
    )
    body.update(overrides)
    return body


def lender_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"name": "湘西绿色银行", "kind": "bank", "city": "xiangxi"}
    body.update(overrides)
    return body


def mandate_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "Xiangxi data-centre efficiency",
        "instruments": ["green_loan", "carbon_reduction_facility_loan"],
        "families": ["data_centre"],
        "cities": ["xiangxi"],
        "ticket_min_cny": "5000000.00",
        "ticket_max_cny": "50000000.00",
        "max_tenor_months": 120,
        "min_score": 10,
        "exclusions": ["plausibility_flagged"],
        "capacity_cny": "100000000.00",
    }
    body.update(overrides)
    return body
