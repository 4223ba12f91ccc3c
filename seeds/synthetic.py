"""Hunan demo seeds and a streaming generator of synthetic enterprises and projects.

One table of plausible magnitudes per project type feeds both the committed demo files
(`demo`) and million-row load and intake files (`projects`), so the two never drift apart.
"""

from __future__ import annotations

import csv
import io
import math
import random
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from itertools import accumulate
from pathlib import Path
from typing import IO, Annotated, Any, NamedTuple, get_args

import orjson
import typer

from schemas.credit_code import ALPHABET, check_character
from schemas.project import ActivityData
from schemas.vocabulary import CITY_NAMES_ZH, City, Fuel, Instrument, ProjectType

Row = dict[str, Any]
Maker = Callable[[random.Random], tuple[Row, float, str]]
T = ProjectType
C = City

# --- Hunan geography -------------------------------------------------------------------------

CITY_CODES: dict[City, str] = {
    City.CHANGSHA: "430100",
    City.ZHUZHOU: "430200",
    City.XIANGTAN: "430300",
    City.HENGYANG: "430400",
    City.SHAOYANG: "430500",
    City.YUEYANG: "430600",
    City.CHANGDE: "430700",
    City.ZHANGJIAJIE: "430800",
    City.YIYANG: "430900",
    City.CHENZHOU: "431000",
    City.YONGZHOU: "431100",
    City.HUAIHUA: "431200",
    City.LOUDI: "431300",
    City.XIANGXI: "433100",
}
_COUNTY_NAMES: dict[City, str] = {
    City.CHANGSHA: "芙蓉区 天心区 岳麓区 开福区 雨花区 望城区 长沙县 浏阳市 宁乡市",
    City.ZHUZHOU: "荷塘区 芦淞区 石峰区 天元区 渌口区 攸县 茶陵县 炎陵县 醴陵市",
    City.XIANGTAN: "雨湖区 岳塘区 湘潭县 湘乡市 韶山市",
    City.HENGYANG: "珠晖区 雁峰区 石鼓区 蒸湘区 南岳区 衡阳县 衡南县 衡山县 衡东县 祁东县 "
    "耒阳市 常宁市",
    City.SHAOYANG: "双清区 大祥区 北塔区 新邵县 邵阳县 隆回县 洞口县 绥宁县 新宁县 城步苗族自治县 "
    "武冈市 邵东市",
    City.YUEYANG: "岳阳楼区 云溪区 君山区 岳阳县 华容县 湘阴县 平江县 汨罗市 临湘市",
    City.CHANGDE: "武陵区 鼎城区 安乡县 汉寿县 澧县 临澧县 桃源县 石门县 津市市",
    City.ZHANGJIAJIE: "永定区 武陵源区 慈利县 桑植县",
    City.YIYANG: "资阳区 赫山区 南县 桃江县 安化县 沅江市",
    City.CHENZHOU: "北湖区 苏仙区 桂阳县 宜章县 永兴县 嘉禾县 临武县 汝城县 桂东县 安仁县 资兴市",
    City.YONGZHOU: "零陵区 冷水滩区 东安县 双牌县 道县 江永县 宁远县 蓝山县 新田县 "
    "江华瑶族自治县 祁阳市",
    City.HUAIHUA: "鹤城区 中方县 沅陵县 辰溪县 溆浦县 会同县 麻阳苗族自治县 新晃侗族自治县 "
    "芷江侗族自治县 靖州苗族侗族自治县 通道侗族自治县 洪江市",
    City.LOUDI: "娄星区 双峰县 新化县 冷水江市 涟源市",
    City.XIANGXI: "吉首市 泸溪县 凤凰县 花垣县 保靖县 古丈县 永顺县 龙山县",
}
COUNTIES: dict[City, tuple[str, ...]] = {c: tuple(n.split()) for c, n in _COUNTY_NAMES.items()}
CITIES = tuple(City)


def city_short(city: City) -> str:
    """The short Chinese city name companies put in front of their names."""
    return "湘西" if city is City.XIANGXI else CITY_NAMES_ZH[city].removesuffix("市")


def city_en(city: City) -> str:
    return city.value.capitalize()


# --- enterprises -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Sector:
    """An enterprise's line of business and the project types it plausibly undertakes."""

    industry_zh: str
    industry_en: str
    words_zh: tuple[str, ...]
    word_en: str
    slug: str
    types: tuple[ProjectType, ...]
    roaming: bool = False


# fmt: off
SECTORS: dict[str, Sector] = {
    "renewables": Sector("电力生产（风力、太阳能发电）", "Wind and solar power generation",
                         ("新能源", "风电开发", "光伏发电", "绿色能源"), "New Energy", "energy",
                         (T.WIND, T.SOLAR_PV, T.WIND, T.SOLAR_PV, T.ENERGY_STORAGE), roaming=True),
    "hydro": Sector("水力发电", "Hydropower", ("水电开发", "水利水电", "清洁能源"), "Hydropower",
                    "hydro", (T.HYDRO, T.HYDRO, T.ENERGY_STORAGE)),
    "bioenergy": Sector("生物质能发电（含垃圾焚烧发电）", "Biomass and waste-to-energy power",
                        ("生物质能源", "环保能源", "再生能源"), "Bioenergy", "bio",
                        (T.BIOMASS, T.WASTE_TO_ENERGY)),
    "geothermal": Sector("地热能开发利用", "Geothermal energy", ("地热能源", "地热开发"),
                         "Geothermal", "geo", (T.GEOTHERMAL, T.GEOTHERMAL, T.BUILDING_RETROFIT)),
    "storage": Sector("储能技术服务（含抽水蓄能）", "Energy storage",
                      ("储能科技", "抽水蓄能", "电力储能"), "Energy Storage", "storage",
                      (T.ENERGY_STORAGE, T.SOLAR_PV), roaming=True),
    "coal_power": Sector("火力发电", "Thermal power generation", ("发电", "热电", "电力"),
                         "Power", "power",
                         (T.COAL_POWER_UPGRADE, T.ENERGY_EFFICIENCY, T.COAL_POWER_UPGRADE,
                          T.ENERGY_EFFICIENCY, T.CCUS)),
    "steel": Sector("黑色金属冶炼和压延加工业", "Iron and steel", ("钢铁", "特钢", "再生钢铁"),
                    "Steel", "steel",
                    (T.EAF_STEEL, T.WASTE_HEAT_POWER, T.ENERGY_EFFICIENCY, T.EAF_STEEL, T.CCUS)),
    "cement": Sector("水泥、石灰和石膏制造", "Cement and building materials",
                     ("水泥", "建材", "新型建材"), "Building Materials", "cement",
                     (T.WASTE_HEAT_POWER, T.ENERGY_EFFICIENCY, T.FUEL_SWITCH,
                      T.WASTE_HEAT_POWER, T.CCUS)),
    "chemicals": Sector("石油加工和化学原料制造", "Petrochemicals", ("石化", "化工", "精细化工"),
                        "Chemical", "chem",
                        (T.ENERGY_EFFICIENCY, T.FUEL_SWITCH, T.ENERGY_EFFICIENCY, T.CCUS)),
    "nonferrous": Sector("有色金属冶炼和压延加工业", "Non-ferrous metals",
                         ("有色金属", "冶炼", "新材料"), "Non-ferrous Metals", "metals",
                         (T.ENERGY_EFFICIENCY, T.WASTE_HEAT_POWER, T.FUEL_SWITCH, T.ROOFTOP_PV)),
    "ceramics": Sector("陶瓷制品制造", "Ceramics", ("陶瓷", "瓷业", "电瓷"), "Ceramics",
                       "ceramics", (T.FUEL_SWITCH, T.ENERGY_EFFICIENCY, T.ROOFTOP_PV)),
    "machinery": Sector("专用设备制造业", "Machinery manufacturing",
                        ("重工", "智能装备", "机械制造"), "Heavy Industry", "machinery",
                        (T.ROOFTOP_PV, T.ENERGY_EFFICIENCY, T.FUEL_SWITCH, T.BUILDING_RETROFIT)),
    "property": Sector("房地产开发经营", "Real estate and construction",
                       ("置业", "建设发展", "城市建设"), "Urban Development", "property",
                       (T.BUILDING_RETROFIT, T.ULTRA_LOW_ENERGY_BUILDING, T.ROOFTOP_PV)),
    "data": Sector("互联网数据服务", "Data centre services", ("数据科技", "云计算", "大数据"),
                   "Data Technology", "data",
                   (T.DATA_CENTRE_PUE, T.ROOFTOP_PV, T.DATA_CENTRE_PUE, T.DATA_CENTRE_PUE,
                    T.ENERGY_STORAGE)),
    "bus": Sector("城市公共交通运输", "Urban public transport", ("公共交通", "公交", "城市客运"),
                  "Public Transport", "transit", (T.EV_BUS, T.EV_BUS, T.ROOFTOP_PV)),
    "logistics": Sector("道路货物运输", "Road freight and logistics", ("物流", "供应链", "运输"),
                        "Logistics", "logistics", (T.EV_TRUCK, T.ROOFTOP_PV)),
    "forestry": Sector("造林和更新", "Forestry", ("林业", "林业开发", "生态林业"), "Forestry",
                       "forest", (T.FORESTRY,)),
    "ecology": Sector("生态保护和环境治理业", "Ecological restoration",
                      ("生态环境", "湿地生态", "生态修复"), "Eco-Restoration", "eco",
                      (T.WETLAND, T.FORESTRY)),
}
# fmt: on
_BRAND_PAIRS = (
    "湘江:xiangjiang 潇湘:xiaoxiang 楚天:chutian 岳麓:yuelu 芙蓉:furong 洞庭:dongting "
    "衡岳:hengyue 沅水:yuanshui 资江:zijiang 雪峰:xuefeng 武陵:wuling 南岭:nanling "
    "湘中:xiangzhong 湘南:xiangnan 三湘:sanxiang 星城:xingcheng 韶峰:shaofeng 橘洲:juzhou "
    "莲城:liancheng 雁城:yancheng 梅山:meishan 澧水:lishui 东江:dongjiang 九嶷:jiuyi "
    "舜皇:shunhuang 桃源:taoyuan 天门:tianmen 崀山:langshan 金洲:jinzhou 华湘:huaxiang "
    "碧水:bishui 青山:qingshan 恒瑞:hengrui 晨曦:chenxi 中南:zhongnan 长湘:changxiang "
    "鼎盛:dingsheng 宏创:hongchuang 博远:boyuan 瑞丰:ruifeng 汇能:huineng 启明:qiming"
)
BRANDS: tuple[tuple[str, str], ...] = tuple(
    (zh, pinyin) for zh, pinyin in (pair.split(":") for pair in _BRAND_PAIRS.split())
)
_FORMS = ("有限公司", "有限公司", "有限公司", "股份有限公司", "有限责任公司", "集团有限公司")
_SURNAMES = tuple("王李张刘陈杨黄赵周吴徐孙胡朱高林何郭马罗谭彭曾邓肖唐蒋贺")
_GIVEN = (*"伟芳敏静强磊洋艳勇军杰娟涛明超", "秀英", "建华", "志强", "海燕", "晓东", "湘云", "立新")
_GIVEN_EN = ("Alice", "David", "Grace", "Kevin", "Linda", "Michael", "Sophia", "Tony")
_SURNAMES_EN = ("Chen", "Liu", "Wang", "Zhang", "Tan", "Peng", "Zeng", "Deng")
_DOMAINS = ("example.com", "example.cn")
_BODY_SPACE = 31**5
_SCRAMBLE = 7_654_321
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


def _enterprise(r: random.Random, city: City, sector: Sector, serial: int, ns: str, no: int) -> Row:
    brand_zh, brand_py = r.choice(BRANDS)
    if r.random() < 0.1:
        place = r.choice(("Hunan", city_en(city)))
        name = f"{place} {brand_py.capitalize()} {sector.word_en} Co., Ltd."
        industry, contact = sector.industry_en, f"{r.choice(_GIVEN_EN)} {r.choice(_SURNAMES_EN)}"
    else:
        prefix = r.choice(("湖南", city_short(city)))
        name = f"{prefix}{brand_zh}{r.choice(sector.words_zh)}{r.choice(_FORMS)}"
        industry, contact = sector.industry_zh, r.choice(_SURNAMES) + r.choice(_GIVEN)
    return {
        "name": name,
        "credit_code": credit_code(city, serial, ns),
        "city": city.value,
        "county": r.choice(COUNTIES[city]),
        "industry": industry,
        "contact_name": contact,
        "contact_email": f"{brand_py}.{sector.slug}{no:04d}@{r.choice(_DOMAINS)}",
    }


def synthetic_enterprises(n: int, seed: int) -> Iterator[Row]:
    """Stream `n` EnterpriseSpec dicts with distinct, valid credit codes (n ≤ 31**5)."""
    if not 0 <= n <= _BODY_SPACE:
        raise ValueError(f"n must be between 0 and {_BODY_SPACE}")
    return _enterprises(n, seed)


def _enterprises(n: int, seed: int) -> Iterator[Row]:
    r = random.Random(seed)
    offset = r.randrange(_BODY_SPACE)
    sectors = tuple(SECTORS.values())
    for i in range(n):
        serial = (i * _SCRAMBLE + offset) % _BODY_SPACE
        yield _enterprise(r, r.choice(CITIES), r.choice(sectors), serial, "5", i)


# --- project magnitudes ----------------------------------------------------------------------


def _pick(r: random.Random, low: float, high: float, step: float) -> float:
    return float(round(r.randrange(round(low / step), round(high / step) + 1) * step, 3))


Span = tuple[float, float]


def _power(mw: tuple[float, float, float], hours: Span, million_cny_per_mw: Span) -> Maker:
    """Grid power: capacity, generation at plausible full-load hours, capex per MW."""

    def make(r: random.Random) -> tuple[Row, float, str]:
        cap = _pick(r, *mw)
        act = {"capacity_mw": cap, "annual_generation_mwh": round(cap * r.uniform(*hours), 1)}
        return act, cap * r.uniform(*million_cny_per_mw) * 1e6, f"{cap:g}MW"

    return make


def _hydro(r: random.Random) -> tuple[Row, float, str]:
    act, capex, size = _power((10, 120, 2.5), (3200, 4500), (8, 12))(r)
    density_w_per_m2 = r.uniform(12, 60) if r.random() < 0.8 else r.uniform(4.5, 10)
    act["reservoir_area_km2"] = round(act["capacity_mw"] / density_w_per_m2, 3)
    return act, capex, size


def _rooftop(r: random.Random) -> tuple[Row, float, str]:
    act, capex, size = _power((1, 20, 0.1), (950, 1100), (3.0, 3.8))(r)
    act["floor_area_m2"] = round(act["capacity_mw"] * r.uniform(9000, 12000))
    return act, capex, size


def _waste_heat(r: random.Random) -> tuple[Row, float, str]:
    act, capex, size = _power((6, 30, 1.5), (6500, 7500), (7, 9))(r)
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


@dataclass(frozen=True)
class Profile:
    """How one project type is sized, named, financed and located."""

    make: Maker
    names: tuple[str, ...]
    name_en: str
    summary: str
    tenor_months: tuple[int, int]
    lifetime_years: tuple[int, int]
    build_months: tuple[int, int]
    instruments: tuple[Instrument, ...]
    weight: float
    boost: dict[City, float]
    hosts: tuple[str, ...] = ("",)
    hehe: float = 0.0
    grid_factor: bool = True


GL, CRF, GB = (
    Instrument.GREEN_LOAN,
    Instrument.CARBON_REDUCTION_FACILITY_LOAN,
    Instrument.GREEN_BOND,
)
GFE, GLS, GG = Instrument.GREEN_FUND_EQUITY, Instrument.GREEN_LEASING, Instrument.GREEN_GUARANTEE
# fmt: off
PROFILES: dict[ProjectType, Profile] = {
    T.WIND: Profile(
        _power((50, 100, 0.5), (2000, 2400), (6.0, 7.0)),
        names=("{county}{size}风电场项目{phase}", "{county}{size}分散式风电项目{phase}"),
        name_en="Wind Farm", summary="山地风电场，所发电量全额接入湖南电网，替代煤电。",
        tenor_months=(120, 180), lifetime_years=(20, 25), build_months=(12, 24),
        instruments=(GL, CRF, GB, GLS), weight=8,
        boost={C.CHENZHOU: 3, C.YONGZHOU: 3, C.SHAOYANG: 3, C.HENGYANG: 2, C.HUAIHUA: 2,
               C.LOUDI: 2, C.CHANGSHA: 0.3}),
    T.SOLAR_PV: Profile(
        _power((20, 100, 1), (1000, 1200), (3.5, 4.2)),
        names=("{county}{size}农光互补光伏电站{phase}", "{county}{size}渔光互补光伏发电项目{phase}",
               "{county}{size}集中式光伏发电项目{phase}"),
        name_en="Solar PV Plant", summary="集中式光伏电站，所发电量接入湖南电网。",
        tenor_months=(120, 180), lifetime_years=(25, 25), build_months=(6, 12),
        instruments=(GL, CRF, GB, GLS), weight=10,
        boost={C.CHANGDE: 2, C.YUEYANG: 2, C.YIYANG: 2, C.HENGYANG: 2, C.YONGZHOU: 2}),
    T.HYDRO: Profile(
        _hydro, names=("{county}{size}水电站增效扩容改造项目", "{county}{size}水电站新建项目"),
        name_en="Hydropower Station", summary="水电站新建或增效扩容，所发电量接入湖南电网。",
        tenor_months=(180, 240), lifetime_years=(40, 50), build_months=(24, 48),
        instruments=(GL, CRF, GB), weight=3,
        boost={C.HUAIHUA: 4, C.XIANGXI: 4, C.ZHANGJIAJIE: 3, C.CHENZHOU: 3, C.SHAOYANG: 3,
               C.YONGZHOU: 2, C.CHANGSHA: 0.2, C.XIANGTAN: 0.2}),
    T.BIOMASS: Profile(
        _power((15, 40, 5), (5500, 7000), (8, 10)), names=("{county}{size}农林生物质热电联产项目",),
        name_en="Biomass CHP Plant", summary="以秸秆、林业剩余物为燃料的热电联产项目。",
        tenor_months=(96, 144), lifetime_years=(20, 25), build_months=(18, 24),
        instruments=(GL, CRF, GLS), weight=3,
        boost={C.CHANGDE: 2, C.YIYANG: 2, C.YUEYANG: 2, C.HENGYANG: 2}),
    T.GEOTHERMAL: Profile(
        _power((2, 10, 0.5), (6500, 7800), (25, 35)), names=("{county}{size}地热发电示范项目",),
        name_en="Geothermal Power Pilot", summary="利用中高温地热资源发电的示范项目。",
        tenor_months=(96, 144), lifetime_years=(25, 30), build_months=(18, 30),
        instruments=(GL, CRF, GFE), weight=1, boost={C.CHANGSHA: 3, C.CHENZHOU: 4}),
    T.WASTE_TO_ENERGY: Profile(
        _power((12, 60, 3), (6500, 7800), (18, 25)),
        names=("{county}生活垃圾焚烧发电项目（{size}）",),
        name_en="Waste-to-Energy Plant", summary="城市生活垃圾焚烧发电，替代填埋并向电网供电。",
        tenor_months=(120, 180), lifetime_years=(25, 30), build_months=(24, 30),
        instruments=(GL, GB, CRF), weight=2,
        boost={C.CHANGSHA: 2, C.HENGYANG: 1.5, C.ZHUZHOU: 1.5}),
    T.ENERGY_EFFICIENCY: Profile(
        _efficiency, names=("{county}{host}节能技术改造项目{phase}",),
        name_en="Energy Efficiency Retrofit",
        summary="重点用能企业节能技术改造，降低化石能源和电力消耗。",
        tenor_months=(36, 84), lifetime_years=(10, 15), build_months=(6, 18),
        instruments=(GL, CRF, GLS, GG), weight=8,
        boost={C.LOUDI: 2, C.XIANGTAN: 2, C.ZHUZHOU: 2, C.HENGYANG: 2, C.CHENZHOU: 2,
               C.YUEYANG: 2},
        hosts=("水泥熟料生产线", "电机系统", "空压站", "工业窑炉", "锌冶炼生产线", "合成氨装置"),
        hehe=0.2),
    T.WASTE_HEAT_POWER: Profile(
        _waste_heat, names=("{county}{host}余热发电项目（{size}）",),
        name_en="Waste Heat Power", summary="回收工业余热发电，自发自用，减少外购电。",
        tenor_months=(60, 96), lifetime_years=(15, 20), build_months=(12, 18),
        instruments=(GL, CRF, GLS), weight=3,
        boost={C.LOUDI: 3, C.XIANGTAN: 3, C.HENGYANG: 2, C.CHENZHOU: 2, C.SHAOYANG: 2,
               C.CHANGDE: 2},
        hosts=("水泥窑", "烧结机", "转炉煤气", "硫酸装置", "玻璃窑炉"), hehe=0.3),
    T.COAL_POWER_UPGRADE: Profile(
        _coal, names=("{county}电厂{size}机组节能降碳改造项目",), name_en="Coal Unit Upgrade",
        summary="对供电煤耗高于300克标准煤/千瓦时的机组实施通流改造和冷端优化。",
        tenor_months=(36, 84), lifetime_years=(10, 20), build_months=(6, 12),
        instruments=(GL, CRF, GB), weight=1.5,
        boost={C.XIANGTAN: 3, C.YUEYANG: 3, C.CHANGSHA: 2, C.HENGYANG: 2, C.CHANGDE: 3,
               C.YIYANG: 3, C.LOUDI: 3, C.CHENZHOU: 2, C.ZHANGJIAJIE: 0.1, C.XIANGXI: 0.1},
        hehe=1.0, grid_factor=False),
    T.FUEL_SWITCH: Profile(
        _fuel_switch, names=("{county}{host}{size}项目",), name_en="Fuel Switch",
        summary="以天然气或电能替代燃煤、燃油，减少化石能源消费。",
        tenor_months=(36, 84), lifetime_years=(10, 15), build_months=(6, 12),
        instruments=(GL, CRF, GG), weight=4, boost={C.ZHUZHOU: 3, C.CHANGSHA: 2, C.YUEYANG: 2},
        hosts=("工业锅炉", "陶瓷窑炉", "烘干生产线", "集中供热站", "蒸汽锅炉"), hehe=0.1,
        grid_factor=False),
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
        instruments=(GL, CRF, GLS), weight=10,
        boost={C.CHANGSHA: 3, C.ZHUZHOU: 2, C.XIANGTAN: 2, C.HENGYANG: 1.5},
        hosts=("工业园区", "物流园", "厂房", "公交场站", "学校")),
    T.DATA_CENTRE_PUE: Profile(
        _data_centre,
        names=("{county}数据中心PUE节能降碳改造项目{phase}", "{county}{host}液冷改造项目"),
        name_en="Data Centre PUE Retrofit",
        summary="数据中心制冷与供配电系统改造，降低电能使用效率（PUE）。",
        tenor_months=(36, 84), lifetime_years=(10, 15), build_months=(6, 12),
        instruments=(GL, GLS, CRF), weight=2,
        boost={C.CHANGSHA: 6, C.ZHUZHOU: 1.5, C.XIANGTAN: 1.5, C.CHENZHOU: 2},
        hosts=("算力中心", "数据中心机房", "云计算中心")),
    T.EV_BUS: Profile(
        _vehicles(slice(0, 1)), names=("{county}{size}更新项目{phase}",),
        name_en="Electric Bus Fleet", summary="以纯电动公交车替换柴油公交车，并配套建设充电设施。",
        tenor_months=(36, 96), lifetime_years=(8, 10), build_months=(3, 9),
        instruments=(GLS, GL, CRF), weight=4,
        boost={C.CHANGSHA: 4, C.ZHUZHOU: 3, C.XIANGTAN: 2, C.HENGYANG: 2}),
    T.EV_TRUCK: Profile(
        _vehicles(slice(1, 3)), names=("{county}{size}推广应用项目{phase}",),
        name_en="Electric Truck Fleet", summary="以纯电动货车替换柴油货车，配套建设充换电站。",
        tenor_months=(36, 60), lifetime_years=(6, 8), build_months=(3, 6),
        instruments=(GLS, GL, CRF), weight=3,
        boost={C.CHANGSHA: 3, C.YUEYANG: 2, C.HUAIHUA: 2, C.HENGYANG: 2, C.LOUDI: 1.5}),
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
        instruments=(GL, GB, CRF), weight=1,
        boost={C.XIANGTAN: 8, C.LOUDI: 8, C.HENGYANG: 3, C.CHANGSHA: 0.3}, hehe=0.5),
    T.ENERGY_STORAGE: Profile(
        _storage, names=("{county}{size}项目",), name_en="Energy Storage",
        summary="储能电站消纳风电、光伏弃电，提升电网调节能力。",
        tenor_months=(96, 180), lifetime_years=(15, 25), build_months=(9, 18),
        instruments=(GL, GLS, CRF, GFE), weight=4,
        boost={C.YUEYANG: 2, C.YIYANG: 2, C.CHENZHOU: 1.5}),
    T.CCUS: Profile(
        _ccus, names=("{county}{host}{size}/年二氧化碳捕集利用项目",), name_en="CCUS",
        summary="捕集工业烟气中的二氧化碳并加以利用或封存。",
        tenor_months=(60, 120), lifetime_years=(15, 20), build_months=(12, 24),
        instruments=(GL, CRF, GFE), weight=0.5,
        boost={C.YUEYANG: 3, C.LOUDI: 3, C.XIANGTAN: 3, C.CHANGDE: 1.5},
        hosts=("燃煤电厂", "水泥窑", "石化装置", "钢厂"), hehe=0.3),
}
# fmt: on
TYPES = tuple(PROFILES)
_TYPE_CUM = tuple(accumulate(p.weight for p in PROFILES.values()))
_CITY_CUM = {t: tuple(accumulate(p.boost.get(c, 1.0) for c in CITIES)) for t, p in PROFILES.items()}
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


# --- synthetic streams -----------------------------------------------------------------------


def _holds_float(annotation: object) -> bool:
    return any(arg is float or _holds_float(arg) for arg in get_args(annotation))


_FLOAT_FIELDS = {n for n, f in ActivityData.model_fields.items() if _holds_float(f.annotation)}


def _first_quantity(activity: Row) -> str:
    return next(name for name in activity if name in _FLOAT_FIELDS)


def _shift_days(iso: str, days: int) -> str:
    return date.fromordinal(date.fromisoformat(iso).toordinal() + days).isoformat()


_SPOILERS: dict[str, Callable[[Row], object]] = {
    "unknown_city": lambda p: p.update(city="wuhan"),
    "unknown_type": lambda p: p.update(type="cold_fusion"),
    "negative_capex": lambda p: p.update(capex_cny="-" + p["capex_cny"]),
    "nan_quantity": lambda p: p["activity"].update({_first_quantity(p["activity"]): "NaN"}),
    "missing_field": lambda p: p.pop("capex_cny"),
    "financing_above_capex": lambda p: p.update(
        financing_need_cny=str(Decimal(p["capex_cny"]) + 1_000_000)
    ),
    "operation_before_construction": lambda p: p.update(
        operation_date=_shift_days(p["construction_start"], -365)
    ),
    "overlong_name": lambda p: p.update(name=p["name"] + "扩建工程" * 60),
    "malformed_date": lambda p: p.update(construction_start="2025-13-45"),
    "empty_instruments": lambda p: p.update(instruments=[]),
}
DEFECTS: tuple[str, ...] = tuple(_SPOILERS)
"""Every way a bad synthetic row is broken; each makes ProjectSpec validation fail."""


class SyntheticRow(NamedTuple):
    """A generated line and, for a deliberately broken one, the name of its defect."""

    row: Row
    defect: str | None


def bad_row_count(n: int, bad_fraction: float) -> int:
    """How many of `n` rows are broken for `bad_fraction` (rounded half up)."""
    if not 0.0 <= bad_fraction <= 1.0:
        raise ValueError("bad_fraction must be between 0 and 1")
    return math.floor(n * bad_fraction + 0.5)


def synthetic_rows(
    n: int, enterprise_credit_codes: Sequence[str], seed: int, bad_fraction: float = 0.0
) -> Iterator[SyntheticRow]:
    """Stream `n` project lines; bad ones are spread evenly and cycle through DEFECTS.

    The good rows do not depend on `bad_fraction`: a bad row is the good row it replaces, spoiled.
    """
    if n < 0 or not enterprise_credit_codes:
        raise ValueError("need n >= 0 and at least one enterprise credit code")
    return _rows(n, enterprise_credit_codes, seed, bad_row_count(n, bad_fraction))


def _rows(n: int, codes: Sequence[str], seed: int, bad: int) -> Iterator[SyntheticRow]:
    r = random.Random(seed)
    choices, randrange = r.choices, r.randrange
    for i in range(n):
        ptype = choices(TYPES, cum_weights=_TYPE_CUM)[0]
        city = choices(CITIES, cum_weights=_CITY_CUM[ptype])[0]
        row: Row = {
            "enterprise_credit_code": codes[randrange(len(codes))],
            "key": f"syn-{seed}-{i:08d}",
            "project": build_project(r, ptype, city),
        }
        if bad and (i + 1) * bad // n > i * bad // n:
            defect = DEFECTS[(i * bad // n) % len(DEFECTS)]
            _SPOILERS[defect](row["project"])
            yield SyntheticRow(row, defect)
        else:
            yield SyntheticRow(row, None)


def synthetic_projects(
    n: int, enterprise_credit_codes: Sequence[str], seed: int, bad_fraction: float = 0.0
) -> Iterator[Row]:
    """Stream `n` lines `{"enterprise_credit_code", "key", "project"}` (see synthetic_rows)."""
    return (item.row for item in synthetic_rows(n, enterprise_credit_codes, seed, bad_fraction))


# --- the committed demo seed -----------------------------------------------------------------

DEMO_SEED = 2030
SEEDS_DIR = Path(__file__).resolve().parent
CITY_SECTORS: dict[City, tuple[str, ...]] = {
    C.CHANGSHA: ("data", "bus", "property", "machinery", "renewables", "geothermal"),
    C.ZHUZHOU: ("bus", "ceramics", "machinery", "logistics", "bioenergy", "data"),
    C.XIANGTAN: ("steel", "coal_power", "machinery", "property", "bus"),
    C.HENGYANG: ("nonferrous", "renewables", "coal_power", "logistics", "steel"),
    C.SHAOYANG: ("renewables", "cement", "hydro", "forestry", "machinery"),
    C.YUEYANG: ("chemicals", "ecology", "coal_power", "logistics", "storage"),
    C.CHANGDE: ("ecology", "cement", "renewables", "bioenergy", "coal_power"),
    C.ZHANGJIAJIE: ("forestry", "hydro", "property", "bus", "renewables"),
    C.YIYANG: ("ecology", "storage", "bioenergy", "machinery", "coal_power"),
    C.CHENZHOU: ("nonferrous", "geothermal", "hydro", "renewables", "data"),
    C.YONGZHOU: ("renewables", "forestry", "bioenergy", "logistics", "cement"),
    C.HUAIHUA: ("forestry", "hydro", "logistics", "renewables", "bioenergy"),
    C.LOUDI: ("steel", "cement", "coal_power", "nonferrous", "storage"),
    C.XIANGXI: ("forestry", "hydro", "renewables", "property", "nonferrous"),
}


class Implausible(NamedTuple):
    """A deliberately implausible demo project: how it is broken and what should flag it."""

    type: ProjectType
    reason: str
    change: Callable[[Row], Row]
    capex_factor: float = 1.0


def _times(field: str, base: str, factor: float, digits: int = 1) -> Callable[[Row], Row]:
    return lambda a: {field: round(a[base] * factor, digits)}


def _coal_rate_after(rate: float) -> Callable[[Row], Row]:
    def change(a: Row) -> Row:
        saved = a["annual_generation_mwh"] * (a["coal_rate_before_gce_per_kwh"] - rate) / 1000
        return {"coal_rate_after_gce_per_kwh": rate, "energy_saved_tce": round(saved, 1)}

    return change


# fmt: off
IMPLAUSIBLE: tuple[Implausible, ...] = (
    Implausible(T.WIND, "generation_exceeds_capacity",
                _times("annual_generation_mwh", "capacity_mw", 8760 * 1.3)),
    Implausible(T.ROOFTOP_PV, "generation_exceeds_capacity",
                _times("annual_generation_mwh", "capacity_mw", 9500)),
    Implausible(T.SOLAR_PV, "capacity_factor_implausible",
                _times("annual_generation_mwh", "capacity_mw", 8760 * 0.6)),
    Implausible(T.FORESTRY, "sequestration_rate_implausible",
                lambda a: {"sequestration_tco2e_per_ha": 80.0}),
    Implausible(T.WETLAND, "sequestration_rate_implausible",
                lambda a: {"sequestration_tco2e_per_ha": 45.0}),
    Implausible(T.COAL_POWER_UPGRADE, "coal_rate_implausible", _coal_rate_after(180.0)),
    Implausible(T.DATA_CENTRE_PUE, "reduction_per_investment_outlier",
                _times("it_load_kw", "it_load_kw", 25, 0), capex_factor=0.5),
    Implausible(T.EV_BUS, "reduction_per_investment_outlier", lambda a: {}, capex_factor=0.02),
    Implausible(T.ENERGY_EFFICIENCY, "reduction_per_investment_outlier", lambda a: {},
                capex_factor=0.02),
    Implausible(T.ENERGY_STORAGE, "storage_cycles_exceed_physical_limit",
                _times("curtailment_avoided_mwh", "storage_energy_mwh", 1500)),
    Implausible(T.EV_TRUCK, "annual_distance_implausible",
                lambda a: {"annual_km_per_vehicle": 400_000}),
    Implausible(T.EAF_STEEL, "electricity_intensity_implausible",
                _times("project_electricity_mwh", "steel_output_t", 0.05, 0)),
    Implausible(T.CCUS, "capture_energy_implausible",
                _times("capture_electricity_mwh", "co2_captured_t", 0.002)),
)
# fmt: on


def _scale_capex(project: Row, factor: float) -> None:
    capex = max(1, round(int(project["capex_cny"][:-7]) * factor))
    need = min(capex, max(1, round(int(project["financing_need_cny"][:-7]) * factor)))
    project.update(capex_cny=wan(capex), financing_need_cny=wan(need))


def _demo_enterprises(r: random.Random) -> list[tuple[Row, Sector]]:
    out: list[tuple[Row, Sector]] = []
    names: set[str] = set()
    offset = r.randrange(_BODY_SPACE)
    for city, sector_keys in CITY_SECTORS.items():
        for key in sector_keys:
            serial = (len(out) * _SCRAMBLE + offset) % _BODY_SPACE
            row = _enterprise(r, city, SECTORS[key], serial, "4", len(out) + 1)
            while row["name"] in names:
                row = _enterprise(r, city, SECTORS[key], serial, "4", len(out) + 1)
            names.add(row["name"])
            out.append((row, SECTORS[key]))
    return out


def _demo_projects(r: random.Random, enterprises: list[tuple[Row, Sector]]) -> list[Row]:
    lines: list[tuple[str, str | None, Row]] = []
    for enterprise, sector in enterprises:
        home = City(enterprise["city"])
        for j in range(r.choice((4, 5))):
            ptype = sector.types[j % len(sector.types)]
            roams = sector.roaming and r.random() < 0.35
            city = r.choices(CITIES, cum_weights=_CITY_CUM[ptype])[0] if roams else home
            county = enterprise["county"] if city is home and r.random() < 0.5 else None
            lines.append((enterprise["credit_code"], None, build_project(r, ptype, city, county)))
    for item in IMPLAUSIBLE:
        owner = r.choice([e for e, s in enterprises if item.type in s.types])
        project = build_project(r, item.type, City(owner["city"]))
        project["activity"].update(item.change(project["activity"]))
        if item.capex_factor != 1.0:
            _scale_capex(project, item.capex_factor)
        lines.append((owner["credit_code"], item.reason, project))
    r.shuffle(lines)
    return [_demo_line(n, *line) for n, line in enumerate(lines, 1)]


def _demo_line(n: int, owner: str, implausible: str | None, project: Row) -> Row:
    line: Row = {"enterprise_credit_code": owner, "key": f"seed-{n:04d}"}
    if implausible is not None:
        line["implausible"] = implausible
    line["project"] = project
    return line


def demo_rows() -> tuple[list[Row], list[Row]]:
    """The committed seeds: (enterprise lines, project lines), identical on every run."""
    r = random.Random(DEMO_SEED)
    enterprises = _demo_enterprises(r)
    return [e for e, _ in enterprises], _demo_projects(r, enterprises)


# --- output ----------------------------------------------------------------------------------

_PROJECT_COLUMNS = (
    "name",
    "description",
    "type",
    "city",
    "county",
    "capex_cny",
    "financing_need_cny",
    "instruments",
    "tenor_months",
    "lifetime_years",
    "construction_start",
    "operation_date",
    "high_energy_high_emission",
)
_ACTIVITY_FIELDS = tuple(ActivityData.model_fields)
_DECLARED_FIELDS = ("factor", "value", "source")
CSV_COLUMNS: tuple[str, ...] = (
    "key",
    "enterprise_credit_code",
    *_PROJECT_COLUMNS,
    *(f"activity.{f}" for f in _ACTIVITY_FIELDS),
    *(f"declared_factor.{f}" for f in _DECLARED_FIELDS),
    "evidence",
)
"""Flat CSV shape: instruments joined by "|", evidence as a JSON array, absent values empty."""


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "|".join(value)
    return str(value)


def csv_record(line: Row) -> list[str]:
    """One project line flattened in CSV_COLUMNS order."""
    project, declared = line["project"], line["project"].get("declared_factor") or {}
    activity, evidence = project["activity"], project.get("evidence")
    return [
        line["key"],
        line["enterprise_credit_code"],
        *(_cell(project.get(c)) for c in _PROJECT_COLUMNS),
        *(_cell(activity.get(f)) for f in _ACTIVITY_FIELDS),
        *(_cell(declared.get(f)) for f in _DECLARED_FIELDS),
        orjson.dumps(evidence).decode() if evidence else "",
    ]


def jsonl_bytes(lines: Iterable[Row]) -> bytes:
    """Lines as UTF-8 JSON Lines, Chinese unescaped, exactly as the seed files hold them."""
    return b"".join(orjson.dumps(line, option=orjson.OPT_APPEND_NEWLINE) for line in lines)


class OutputFormat(StrEnum):
    JSONL = "jsonl"
    CSV = "csv"


@contextmanager
def _binary_out(path: Path) -> Iterator[IO[bytes]]:
    if str(path) == "-":
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
    else:
        with path.open("wb") as fh:
            yield fh


def _sink(stack: ExitStack, out: Path, fmt: OutputFormat) -> Callable[[Row], object]:
    fh = stack.enter_context(_binary_out(out))
    if fmt is OutputFormat.JSONL:
        dumps, option, write = orjson.dumps, orjson.OPT_APPEND_NEWLINE, fh.write
        return lambda line: write(dumps(line, option=option))
    text = io.TextIOWrapper(fh, encoding="utf-8", newline="")
    stack.callback(text.detach)
    writer = csv.writer(text)
    writer.writerow(CSV_COLUMNS)
    return lambda line: writer.writerow(csv_record(line))


# --- command line ----------------------------------------------------------------------------

app = typer.Typer(add_completion=False, help="GreenLink demo seeds and synthetic load data.")


@app.command("projects")
def projects_command(
    count: Annotated[int, typer.Option(min=0, help="rows to write")],
    out: Annotated[Path, typer.Option(help="output file, - for stdout")],
    fmt: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.JSONL,
    seed: int = 7,
    bad_fraction: Annotated[float, typer.Option(min=0.0, max=1.0)] = 0.0,
    enterprises: Annotated[int, typer.Option(min=1, help="owners (`enterprises` codes)")] = 1000,
    manifest: Annotated[Path | None, typer.Option(help="CSV of key,defect for bad rows")] = None,
) -> None:
    """Write synthetic project lines owned by the first ENTERPRISES synthetic enterprises."""
    codes = [e["credit_code"] for e in synthetic_enterprises(enterprises, seed)]
    defects: Counter[str] = Counter()
    started = time.perf_counter()
    with ExitStack() as stack:
        write = _sink(stack, out, fmt)
        bad_rows = None
        if manifest is not None:
            listing = stack.enter_context(manifest.open("w", newline="", encoding="utf-8"))
            bad_rows = csv.writer(listing)
            bad_rows.writerow(("key", "defect"))
        for line, defect in synthetic_rows(count, codes, seed, bad_fraction):
            write(line)
            if defect is not None:
                defects[defect] += 1
                if bad_rows is not None:
                    bad_rows.writerow((line["key"], defect))
    elapsed = max(time.perf_counter() - started, 1e-9)
    typer.echo(
        f"{count} projects ({defects.total()} bad: {dict(defects)}) in {elapsed:.1f} s, "
        f"{count / elapsed:,.0f} rows/s",
        err=True,
    )


@app.command("enterprises")
def enterprises_command(
    count: Annotated[int, typer.Option(min=0)],
    out: Annotated[Path, typer.Option(help="output file, - for stdout")],
    seed: int = 7,
) -> None:
    """Write synthetic enterprise lines (EnterpriseSpec fields)."""
    with _binary_out(out) as fh:
        for line in synthetic_enterprises(count, seed):
            fh.write(orjson.dumps(line, option=orjson.OPT_APPEND_NEWLINE))


@app.command("demo")
def demo_command(out_dir: Annotated[Path | None, typer.Option()] = None) -> None:
    """Regenerate the committed enterprises.jsonl and projects.jsonl (beside this file)."""
    out_dir = out_dir or SEEDS_DIR
    enterprises, projects = demo_rows()
    (out_dir / "enterprises.jsonl").write_bytes(jsonl_bytes(enterprises))
    (out_dir / "projects.jsonl").write_bytes(jsonl_bytes(projects))
    typer.echo(f"{len(enterprises)} enterprises, {len(projects)} projects -> {out_dir}", err=True)


if __name__ == "__main__":
    app()
