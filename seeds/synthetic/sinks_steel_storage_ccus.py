"""Magnitudes of carbon sinks, scrap-based EAF steel, energy storage and CCUS."""

from __future__ import annotations

import random

from schemas.vocabulary import City, ProjectType
from seeds.synthetic.shapes import CERF, GB, GFE, GG, GL, GLS, Maker, Profile, Row, Span

T = ProjectType
C = City


def _carbon_sink(ha: tuple[int, int], rate: Span, cny_per_ha: Span) -> Maker:
    def make(r: random.Random) -> tuple[Row, float, str]:
        area = r.randrange(ha[0], ha[1] + 1, 10)
        act = {"area_ha": area, "sequestration_tco2e_per_ha": round(r.uniform(*rate), 2)}
        return act, area * r.uniform(*cny_per_ha), f"{area}公顷"

    return make


def _eaf(r: random.Random) -> tuple[Row, float, str]:
    t = r.randrange(50, 201) * 10_000
    act = {
        "steel_output_t": t,
        "scrap_share": round(r.uniform(0.7, 1.0), 2),
        "project_electricity_mwh": round(t * r.uniform(0.38, 0.48)),
    }
    return act, t * r.uniform(2500, 4000), f"{t // 10_000}万吨"


def _storage(r: random.Random) -> tuple[Row, float, str]:
    if r.random() < 0.1:
        kind, efficiency = "抽水蓄能", 0.78
        mw, hours = r.choice((1200, 1400, 1800)), r.choice((5, 6))
        capex = mw * r.uniform(5.5e6, 7e6)
    else:
        kind, efficiency = "独立储能", 0.85
        mw, hours = r.randrange(25, 201, 5), r.choice((2, 4))
        capex = mw * hours * r.uniform(1.0e6, 1.5e6)
    mwh = mw * hours
    act = {
        "capacity_mw": float(mw),
        "storage_energy_mwh": float(mwh),
        "curtailment_avoided_mwh": round(mwh * r.uniform(80, 200) * efficiency, 1),
    }
    return act, capex, f"{mw}MW/{mwh}MWh{kind}电站"


def _ccus(r: random.Random) -> tuple[Row, float, str]:
    t = r.randrange(10, 101) * 1000
    act = {"co2_captured_t": t, "capture_electricity_mwh": round(t * r.uniform(0.10, 0.25), 1)}
    return act, t * r.uniform(2000, 4000), f"{t / 1e4:g}万吨"


# fmt: off
SINKS_STEEL_STORAGE_CCUS: dict[ProjectType, Profile] = {
    T.FORESTRY: Profile(
        _carbon_sink((500, 20_000), (3, 8), (12_000, 25_000)),
        names=("{county}{size}碳汇造林项目", "{county}{size}森林经营碳汇项目"),
        name_en="Afforestation Carbon Sink",
        summary="在宜林荒山荒地营造碳汇林，按造林碳汇方法学监测。",
        tenor_months=(120, 240), lifetime_years=(30, 60), build_months=(12, 36),
        instruments=(GL, GFE, GB, GG), weight=3,
        boost={C.XIANGXI: 5, C.HUAIHUA: 5, C.ZHANGJIAJIE: 5, C.SHAOYANG: 2, C.YONGZHOU: 2,
               C.CHENZHOU: 2, C.CHANGSHA: 0.2, C.XIANGTAN: 0.2},
        grid_factor=False),
    T.WETLAND: Profile(
        _carbon_sink((200, 5000), (1, 4), (30_000, 80_000)),
        names=("{county}{size}湿地保护与修复项目", "{county}{size}退耕还湿项目"),
        name_en="Wetland Restoration", summary="退化湿地保护与修复，恢复植被，增加湿地碳汇。",
        tenor_months=(120, 240), lifetime_years=(30, 50), build_months=(12, 36),
        instruments=(GL, GFE, GB), weight=1.5, boost={C.YUEYANG: 8, C.CHANGDE: 8, C.YIYANG: 8},
        grid_factor=False),
    T.EAF_STEEL: Profile(
        _eaf, names=("{county}{size}全废钢电炉短流程炼钢项目", "{county}{size}电炉炼钢改造项目"),
        name_en="Scrap-based EAF Steel",
        summary="以废钢为主要原料的电炉短流程炼钢，替代高炉—转炉长流程。",
        tenor_months=(96, 180), lifetime_years=(25, 30), build_months=(18, 36),
        instruments=(GL, GB, CERF), weight=1,
        boost={C.XIANGTAN: 8, C.LOUDI: 8, C.HENGYANG: 3, C.CHANGSHA: 0.3}, hehe=0.5),
    T.ENERGY_STORAGE: Profile(
        _storage, names=("{county}{size}项目",), name_en="Energy Storage",
        summary="储能电站消纳风电、光伏弃电，提升电网调节能力。",
        tenor_months=(96, 180), lifetime_years=(15, 25), build_months=(9, 18),
        instruments=(GL, GLS, CERF, GFE), weight=4,
        boost={C.YUEYANG: 2, C.YIYANG: 2, C.CHENZHOU: 1.5}),
    T.CCUS: Profile(
        _ccus, names=("{county}{host}{size}/年二氧化碳捕集利用项目",), name_en="CCUS",
        summary="捕集工业烟气中的二氧化碳并加以利用或封存。",
        tenor_months=(60, 120), lifetime_years=(15, 20), build_months=(12, 24),
        instruments=(GL, CERF, GFE), weight=0.5,
        boost={C.YUEYANG: 3, C.LOUDI: 3, C.XIANGTAN: 3, C.CHANGDE: 1.5},
        hosts=("燃煤电厂", "水泥窑", "石化装置", "钢厂"), hehe=0.3),
}
# fmt: on
