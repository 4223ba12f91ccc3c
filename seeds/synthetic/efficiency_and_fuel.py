"""Magnitudes of industrial efficiency, waste-heat power, coal-unit upgrades and fuel switching."""

from __future__ import annotations

import random

from schemas.vocabulary import City, Fuel, ProjectType
from seeds.synthetic.renewable_power import power
from seeds.synthetic.shapes import CERF, GB, GG, GL, GLS, Profile, Row, Span

T = ProjectType
C = City


def _waste_heat(r: random.Random) -> tuple[Row, float, str]:
    act, capex, size = power((6, 30, 1.5), (6500, 7500), (7, 9))(r)
    act["electricity_saved_mwh"] = act["annual_generation_mwh"]
    return act, capex, size


def _efficiency(r: random.Random) -> tuple[Row, float, str]:
    kind, act, capex = r.random(), {}, 0.0
    if kind < 0.85:
        act["energy_saved_tce"] = tce = r.randrange(2000, 30001, 10)
        capex += tce * r.uniform(3000, 6000)
    if kind > 0.6:
        act["electricity_saved_mwh"] = mwh = r.randrange(1000, 40001, 10)
        capex += mwh * r.uniform(1500, 3000)
    return act, capex, ""


def _coal(r: random.Random) -> tuple[Row, float, str]:
    cap = r.choice((300, 330, 350, 600, 630, 660, 1000))
    gen = round(cap * r.uniform(4000, 5000), 1)
    before, after = round(r.uniform(305, 318), 1), round(r.uniform(283, 295), 1)
    act = {
        "capacity_mw": float(cap),
        "annual_generation_mwh": gen,
        "coal_rate_before_gce_per_kwh": before,
        "coal_rate_after_gce_per_kwh": after,
        "energy_saved_tce": round(gen * (before - after) / 1000, 1),
    }
    return act, cap * 1000 * r.uniform(150, 350), f"{cap}MW"


_FUEL_SWITCHES: tuple[tuple[Fuel, float, tuple[int, int], Fuel, Span, Span, str], ...] = (
    # baseline, GJ per t (NCV), t/yr, target, final-energy ratio (heat pumps and electric
    # kilns need far less final energy than coal), CNY per baseline t, label
    (Fuel.COAL, 20.908, (3000, 50000), Fuel.NATURAL_GAS, (0.80, 0.90), (800, 1500), "煤改气"),
    (Fuel.COAL, 20.908, (3000, 30000), Fuel.ELECTRICITY, (0.25, 0.40), (1500, 2500), "煤改电"),
    (Fuel.LPG, 47.3, (1000, 10000), Fuel.NATURAL_GAS, (0.95, 1.0), (2000, 4000), "液化气改天然气"),
    (Fuel.FUEL_OIL, 40.4, (1000, 10000), Fuel.NATURAL_GAS, (0.93, 1.0), (2000, 4000), "燃料油改气"),
    (Fuel.DIESEL, 42.652, (500, 5000), Fuel.ELECTRICITY, (0.30, 0.38), (5000, 10000), "柴油改电"),
)


def _fuel_switch(r: random.Random) -> tuple[Row, float, str]:
    base, gj_per_t, tons, target, ratio, cny_per_t, label = r.choice(_FUEL_SWITCHES)
    t = r.randrange(tons[0], tons[1] + 1, 10)
    gj = round(t * gj_per_t)
    act: Row = {
        "baseline_fuel": base.value,
        "baseline_fuel_t": t,
        "baseline_fuel_gj": gj,
        "project_fuel": target.value,
    }
    if target is Fuel.ELECTRICITY:
        act["project_electricity_mwh"] = round(gj * r.uniform(*ratio) / 3.6, 1)
    else:
        act["project_fuel_gj"] = round(gj * r.uniform(*ratio))
    return act, t * r.uniform(*cny_per_t), label


# fmt: off
EFFICIENCY_AND_FUEL: dict[ProjectType, Profile] = {
    T.ENERGY_EFFICIENCY: Profile(
        _efficiency, names=("{county}{host}节能技术改造项目{phase}",),
        name_en="Energy Efficiency Retrofit",
        summary="重点用能企业节能技术改造，降低化石能源和电力消耗。",
        tenor_months=(36, 84), lifetime_years=(10, 15), build_months=(6, 18),
        instruments=(GL, CERF, GLS, GG), weight=8,
        boost={C.LOUDI: 2, C.XIANGTAN: 2, C.ZHUZHOU: 2, C.HENGYANG: 2, C.CHENZHOU: 2,
               C.YUEYANG: 2},
        hosts=("水泥熟料生产线", "电机系统", "空压站", "工业窑炉", "锌冶炼生产线", "合成氨装置"),
        hehe=0.2),
    T.WASTE_HEAT_POWER: Profile(
        _waste_heat, names=("{county}{host}余热发电项目（{size}）",),
        name_en="Waste Heat Power", summary="回收工业余热发电，自发自用，减少外购电。",
        tenor_months=(60, 96), lifetime_years=(15, 20), build_months=(12, 18),
        instruments=(GL, CERF, GLS), weight=3,
        boost={C.LOUDI: 3, C.XIANGTAN: 3, C.HENGYANG: 2, C.CHENZHOU: 2, C.SHAOYANG: 2,
               C.CHANGDE: 2},
        hosts=("水泥窑", "烧结机", "转炉煤气", "硫酸装置", "玻璃窑炉"), hehe=0.3),
    T.COAL_POWER_UPGRADE: Profile(
        _coal, names=("{county}电厂{size}机组节能降碳改造项目",), name_en="Coal Unit Upgrade",
        summary="对供电煤耗高于300克标准煤/千瓦时的机组实施通流改造和冷端优化。",
        tenor_months=(36, 84), lifetime_years=(10, 20), build_months=(6, 12),
        instruments=(GL, CERF, GB), weight=1.5,
        boost={C.XIANGTAN: 3, C.YUEYANG: 3, C.CHANGSHA: 2, C.HENGYANG: 2, C.CHANGDE: 3,
               C.YIYANG: 3, C.LOUDI: 3, C.CHENZHOU: 2, C.ZHANGJIAJIE: 0.1, C.XIANGXI: 0.1},
        hehe=1.0, grid_factor=False),
    T.FUEL_SWITCH: Profile(
        _fuel_switch, names=("{county}{host}{size}项目",), name_en="Fuel Switch",
        summary="以天然气或电能替代燃煤、燃油，减少化石能源消费。",
        tenor_months=(36, 84), lifetime_years=(10, 15), build_months=(6, 12),
        instruments=(GL, CERF, GG), weight=4, boost={C.ZHUZHOU: 3, C.CHANGSHA: 2, C.YUEYANG: 2},
        hosts=("工业锅炉", "陶瓷窑炉", "烘干生产线", "集中供热站", "蒸汽锅炉"), hehe=0.1,
        grid_factor=False),
}
# fmt: on
