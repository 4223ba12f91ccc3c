"""Magnitudes of green buildings, rooftop PV, data-centre PUE retrofits and electric fleets."""

from __future__ import annotations

import random

from schemas.vocabulary import City, Fuel, ProjectType
from seeds.synthetic.renewable_power import power
from seeds.synthetic.shapes import CERF, GB, GFE, GL, GLS, Maker, Profile, Row, Span

T = ProjectType
C = City


def _rooftop(r: random.Random) -> tuple[Row, float, str]:
    act, capex, size = power((1, 20, 0.1), (950, 1100), (3.0, 3.8))(r)
    act["floor_area_m2"] = round(act["capacity_mw"] * r.uniform(9000, 12000))
    return act, capex, size


def _building(m2: tuple[int, int], kwh_per_m2: Span, cny_per_m2: Span) -> Maker:
    def make(r: random.Random) -> tuple[Row, float, str]:
        area = r.randrange(m2[0], m2[1] + 1, 500)
        saved = round(area * r.uniform(*kwh_per_m2) / 1000, 1)
        act = {"floor_area_m2": area, "electricity_saved_mwh": saved}
        return act, area * r.uniform(*cny_per_m2), f"{area / 1e4:g}万平方米"

    return make


def _data_centre(r: random.Random) -> tuple[Row, float, str]:
    it_kw = r.randrange(2000, 20001, 100)
    act = {
        "it_load_kw": it_kw,
        "pue_before": round(r.uniform(1.45, 1.75), 2),
        "pue_after": round(r.uniform(1.2, 1.3), 2),
    }
    if it_kw % 300 == 0:  # a third state their hours: planned maintenance stops ~5 % of them
        act["operating_hours_per_year"] = 8_322
    return act, it_kw * r.uniform(2500, 5000), ""


_VEHICLES: tuple[tuple[tuple[int, int], tuple[int, int], Span, Span, Span, str], ...] = (
    # fleet, km/yr, diesel L/100 km, kWh/100 km, CNY per vehicle incl. charging, label
    ((50, 500), (55000, 65000), (28, 38), (85, 110), (1.5e6, 2.0e6), "纯电动公交车"),
    ((20, 200), (60000, 100000), (34, 42), (120, 150), (0.9e6, 1.2e6), "纯电动重卡"),
    ((100, 1000), (30000, 50000), (10, 14), (25, 35), (0.15e6, 0.25e6), "纯电动物流车"),
)


def _vehicles(which: slice) -> Maker:
    def make(r: random.Random) -> tuple[Row, float, str]:
        fleet, km, litres, kwh, cny, label = r.choice(_VEHICLES[which])
        n = r.randrange(fleet[0], fleet[1] + 1)
        act = {
            "fleet_size": n,
            "annual_km_per_vehicle": r.randrange(km[0], km[1] + 1, 500),
            "baseline_fuel": Fuel.DIESEL.value,
            "baseline_fuel_l_per_100km": round(r.uniform(*litres), 1),
            "electricity_kwh_per_100km": round(r.uniform(*kwh), 1),
        }
        return act, n * r.uniform(*cny), f"{n}辆{label}"

    return make


# fmt: off
BUILDINGS_AND_TRANSPORT: dict[ProjectType, Profile] = {
    T.BUILDING_RETROFIT: Profile(
        _building((20_000, 300_000), (20, 45), (250, 500)),
        names=("{county}{host}节能改造项目{phase}",), name_en="Building Energy Retrofit",
        summary="既有建筑围护结构、空调与照明系统节能改造。",
        tenor_months=(36, 96), lifetime_years=(15, 20), build_months=(6, 18),
        instruments=(GL, GB, GFE), weight=5,
        boost={C.CHANGSHA: 4, C.ZHUZHOU: 2, C.XIANGTAN: 2, C.HENGYANG: 1.5, C.ZHANGJIAJIE: 1.5},
        hosts=("公共建筑", "医院", "高校校区", "商业综合体", "政府办公楼", "酒店")),
    T.ULTRA_LOW_ENERGY_BUILDING: Profile(
        _building((10_000, 80_000), (30, 55), (3500, 5000)),
        names=("{county}超低能耗建筑示范项目{phase}", "{county}近零能耗{host}项目"),
        name_en="Ultra-low-energy Building", summary="按超低能耗建筑标准新建，降低建筑运行能耗。",
        tenor_months=(60, 120), lifetime_years=(50, 50), build_months=(18, 36),
        instruments=(GL, GB, GFE), weight=2, boost={C.CHANGSHA: 5, C.ZHUZHOU: 2, C.XIANGTAN: 2},
        hosts=("办公楼", "学校", "住宅小区", "产业园综合楼")),
    T.ROOFTOP_PV: Profile(
        _rooftop, names=("{county}{host}屋顶分布式光伏项目（{size}）",), name_en="Rooftop PV",
        summary="利用建筑屋顶建设分布式光伏，自发自用、余电上网。",
        tenor_months=(60, 120), lifetime_years=(25, 25), build_months=(3, 9),
        instruments=(GL, CERF, GLS), weight=10,
        boost={C.CHANGSHA: 3, C.ZHUZHOU: 2, C.XIANGTAN: 2, C.HENGYANG: 1.5},
        hosts=("工业园区", "物流园", "厂房", "公交场站", "学校")),
    T.DATA_CENTRE_PUE: Profile(
        _data_centre,
        names=("{county}数据中心PUE节能降碳改造项目{phase}", "{county}{host}液冷改造项目"),
        name_en="Data Centre PUE Retrofit",
        summary="数据中心制冷与供配电系统改造，降低电能使用效率（PUE）。",
        tenor_months=(36, 84), lifetime_years=(10, 15), build_months=(6, 12),
        instruments=(GL, GLS, CERF), weight=2,
        boost={C.CHANGSHA: 6, C.ZHUZHOU: 1.5, C.XIANGTAN: 1.5, C.CHENZHOU: 2},
        hosts=("算力中心", "数据中心机房", "云计算中心")),
    T.EV_BUS: Profile(
        _vehicles(slice(0, 1)), names=("{county}{size}更新项目{phase}",),
        name_en="Electric Bus Fleet", summary="以纯电动公交车替换柴油公交车，并配套建设充电设施。",
        tenor_months=(36, 96), lifetime_years=(8, 10), build_months=(3, 9),
        instruments=(GLS, GL, CERF), weight=4,
        boost={C.CHANGSHA: 4, C.ZHUZHOU: 3, C.XIANGTAN: 2, C.HENGYANG: 2}),
    T.EV_TRUCK: Profile(
        _vehicles(slice(1, 3)), names=("{county}{size}推广应用项目{phase}",),
        name_en="Electric Truck Fleet", summary="以纯电动货车替换柴油货车，配套建设充换电站。",
        tenor_months=(36, 60), lifetime_years=(6, 8), build_months=(3, 6),
        instruments=(GLS, GL, CERF), weight=3,
        boost={C.CHANGSHA: 3, C.YUEYANG: 2, C.HUAIHUA: 2, C.HENGYANG: 2, C.LOUDI: 1.5}),
}
# fmt: on
