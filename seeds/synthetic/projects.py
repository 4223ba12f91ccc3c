"""One plausible ProjectSpec dict: sized by its profile, named, dated, financed, evidenced."""

from __future__ import annotations

import random
from datetime import date

from schemas.vocabulary import CITY_NAMES_ZH, City, ProjectType
from seeds.synthetic.geography import CITY_CODES, COUNTIES, city_en, city_short
from seeds.synthetic.profiles import PROFILES
from seeds.synthetic.shapes import Row

_PHASES = ("", "", "", "一期", "二期", "三期")
_DECLARED = (
    (0.5271, "项目设计文件（PDD）：华中区域电网2023年电力二氧化碳排放因子"),
    (0.5703, "可行性研究报告：全国电网平均排放因子（2022年度，企业温室气体排放核算用）"),
    (0.5810, "Feasibility study: national grid average factor used for enterprise reporting"),
    (0.8325, "PDD section B.6: national fossil-fuel power factor 2022 taken as operating margin"),
)
_EVIDENCE = (
    ("可行性研究报告", "FSR-{code}-{year}-{n:04d}", 9999),
    ("投资项目备案证明", "{year}-{code}-44-03-{n:06d}", 999_999),
    ("环境影响评价批复", "{city}环审〔{year}〕{n}号", 300),
    ("节能审查意见", "湘发改环资〔{year}〕{n}号", 500),
    ("Project Design Document", "PDD-HN-{year}-{n:03d}", 999),
    ("第三方核查报告", "VER-{code}-{year}-{n:05d}", 99_999),
)
_FIRST_START = date(2023, 1, 1).toordinal()
_START_DAYS = date(2026, 12, 31).toordinal() - _FIRST_START + 1
_LAST_DAY = date(2028, 12, 31).toordinal()


def wan(units_of_10k: int) -> str:
    """A CNY amount given in units of 10,000 (万元), as the 2-decimal string contracts carry."""
    return f"{units_of_10k}0000.00"


def build_project(
    r: random.Random, ptype: ProjectType, city: City, county: str | None = None
) -> Row:
    """One plausible ProjectSpec dict of `ptype` in `city`."""
    p = PROFILES[ptype]
    activity, capex_cny, size = p.make(r)
    county = county or r.choice(COUNTIES[city])
    capex = max(1, round(capex_cny / 1e4))
    start = _FIRST_START + r.randrange(_START_DAYS)
    operation = min(start + 30 * r.randint(*p.build_months), _LAST_DAY)
    if r.random() < 0.1:
        name = f"{city_en(city)} {p.name_en} Project{r.choice(('', '', ' Phase I', ' Phase II'))}"
    else:
        host, phase = r.choice(p.hosts), r.choice(_PHASES)
        name = r.choice(p.names).format(county=county, size=size, host=host, phase=phase)
    instruments = r.sample(p.instruments, r.randint(1, min(3, len(p.instruments))))
    project: Row = {
        "name": name,
        "description": f"{CITY_NAMES_ZH[city]}{county}：{p.summary}",
        "type": ptype.value,
        "city": city.value,
        "county": county,
        "capex_cny": wan(capex),
        "financing_need_cny": wan(max(1, round(capex * r.uniform(0.5, 0.8)))),
        "instruments": [i.value for i in instruments],
        "tenor_months": r.randrange(p.tenor_months[0], p.tenor_months[1] + 1, 12),
        "lifetime_years": r.randint(*p.lifetime_years),
        "construction_start": date.fromordinal(start).isoformat(),
        "operation_date": date.fromordinal(operation).isoformat(),
        "high_energy_high_emission": r.random() < p.hehe,
        "activity": activity,
    }
    if p.grid_factor and r.random() < 0.15:
        value, source = r.choice(_DECLARED)
        project["declared_factor"] = {
            "factor": "grid_electricity_tco2_per_mwh",
            "value": value,
            "source": source,
        }
    if (k := r.choice((0, 0, 1, 1, 2, 3))) > 0:
        year = project["construction_start"][:4]
        fields = {"code": CITY_CODES[city], "year": year, "city": city_short(city)}
        project["evidence"] = [
            {"title": title, "reference": ref.format(n=r.randint(1, top), **fields)}
            for title, ref, top in r.sample(_EVIDENCE, k)
        ]
    return project
