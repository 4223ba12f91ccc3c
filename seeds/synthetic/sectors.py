"""Enterprise sectors: the industry an owner is in and the project types it undertakes."""

from __future__ import annotations

from dataclasses import dataclass

from schemas.vocabulary import ProjectType

T = ProjectType


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
