"""Magnitudes of grid-connected renewable power: wind, solar, hydro, biomass, geothermal, waste."""

from __future__ import annotations

import random

from schemas.vocabulary import City, ProjectType
from seeds.synthetic.shapes import CERF, GB, GFE, GL, GLS, Maker, Profile, Row, Span

T = ProjectType
C = City


def _pick(r: random.Random, low: float, high: float, step: float) -> float:
    return float(round(r.randrange(round(low / step), round(high / step) + 1) * step, 3))


def power(mw: tuple[float, float, float], hours: Span, million_cny_per_mw: Span) -> Maker:
    """Grid power: capacity, generation at plausible full-load hours, capex per MW."""

    def make(r: random.Random) -> tuple[Row, float, str]:
        cap = _pick(r, *mw)
        act = {"capacity_mw": cap, "annual_generation_mwh": round(cap * r.uniform(*hours), 1)}
        return act, cap * r.uniform(*million_cny_per_mw) * 1e6, f"{cap:g}MW"

    return make


RUN_OF_RIVER_ABOVE_W_PER_M2 = 50.0  # the densest sites stand for diversion plants: no reservoir


def _hydro(r: random.Random) -> tuple[Row, float, str]:
    act, capex, size = power((10, 120, 2.5), (3200, 4500), (8, 12))(r)
    density_w_per_m2 = r.uniform(12, 60) if r.random() < 0.8 else r.uniform(4.5, 10)
    if density_w_per_m2 <= RUN_OF_RIVER_ABOVE_W_PER_M2:
        act["reservoir_area_km2"] = round(act["capacity_mw"] / density_w_per_m2, 3)
    return act, capex, size


# fmt: off
RENEWABLE_POWER: dict[ProjectType, Profile] = {
    T.WIND: Profile(
        power((50, 100, 0.5), (2000, 2400), (6.0, 7.0)),
        names=("{county}{size}风电场项目{phase}", "{county}{size}分散式风电项目{phase}"),
        name_en="Wind Farm", summary="山地风电场，所发电量全额接入湖南电网，替代煤电。",
        tenor_months=(120, 180), lifetime_years=(20, 25), build_months=(12, 24),
        instruments=(GL, CERF, GB, GLS), weight=8,
        boost={C.CHENZHOU: 3, C.YONGZHOU: 3, C.SHAOYANG: 3, C.HENGYANG: 2, C.HUAIHUA: 2,
               C.LOUDI: 2, C.CHANGSHA: 0.3}),
    T.SOLAR_PV: Profile(
        power((20, 100, 1), (1000, 1200), (3.5, 4.2)),
        names=("{county}{size}农光互补光伏电站{phase}", "{county}{size}渔光互补光伏发电项目{phase}",
               "{county}{size}集中式光伏发电项目{phase}"),
        name_en="Solar PV Plant", summary="集中式光伏电站，所发电量接入湖南电网。",
        tenor_months=(120, 180), lifetime_years=(25, 25), build_months=(6, 12),
        instruments=(GL, CERF, GB, GLS), weight=10,
        boost={C.CHANGDE: 2, C.YUEYANG: 2, C.YIYANG: 2, C.HENGYANG: 2, C.YONGZHOU: 2}),
    T.HYDRO: Profile(
        _hydro, names=("{county}{size}水电站增效扩容改造项目", "{county}{size}水电站新建项目"),
        name_en="Hydropower Station", summary="水电站新建或增效扩容，所发电量接入湖南电网。",
        tenor_months=(180, 240), lifetime_years=(40, 50), build_months=(24, 48),
        instruments=(GL, CERF, GB), weight=3,
        boost={C.HUAIHUA: 4, C.XIANGXI: 4, C.ZHANGJIAJIE: 3, C.CHENZHOU: 3, C.SHAOYANG: 3,
               C.YONGZHOU: 2, C.CHANGSHA: 0.2, C.XIANGTAN: 0.2}),
    T.BIOMASS: Profile(
        power((15, 40, 5), (5500, 7000), (8, 10)), names=("{county}{size}农林生物质热电联产项目",),
        name_en="Biomass CHP Plant", summary="以秸秆、林业剩余物为燃料的热电联产项目。",
        tenor_months=(96, 144), lifetime_years=(20, 25), build_months=(18, 24),
        instruments=(GL, CERF, GLS), weight=3,
        boost={C.CHANGDE: 2, C.YIYANG: 2, C.YUEYANG: 2, C.HENGYANG: 2}),
    T.GEOTHERMAL: Profile(
        power((2, 10, 0.5), (6500, 7800), (25, 35)), names=("{county}{size}地热发电示范项目",),
        name_en="Geothermal Power Pilot", summary="利用中高温地热资源发电的示范项目。",
        tenor_months=(96, 144), lifetime_years=(25, 30), build_months=(18, 30),
        instruments=(GL, CERF, GFE), weight=1, boost={C.CHANGSHA: 3, C.CHENZHOU: 4}),
    T.WASTE_TO_ENERGY: Profile(
        power((12, 60, 3), (6500, 7800), (18, 25)),
        names=("{county}生活垃圾焚烧发电项目（{size}）",),
        name_en="Waste-to-Energy Plant", summary="城市生活垃圾焚烧发电，替代填埋并向电网供电。",
        tenor_months=(120, 180), lifetime_years=(25, 30), build_months=(24, 30),
        instruments=(GL, GB, CERF), weight=2,
        boost={C.CHANGSHA: 2, C.HENGYANG: 1.5, C.ZHUZHOU: 1.5}),
}
# fmt: on
