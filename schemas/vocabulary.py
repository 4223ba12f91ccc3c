"""Closed vocabularies shared by every contract: cities, provinces, project types, instruments,
fuels."""

from __future__ import annotations

from enum import StrEnum


class City(StrEnum):
    """Hunan's 14 prefecture-level divisions."""

    CHANGSHA = "changsha"
    ZHUZHOU = "zhuzhou"
    XIANGTAN = "xiangtan"
    HENGYANG = "hengyang"
    SHAOYANG = "shaoyang"
    YUEYANG = "yueyang"
    CHANGDE = "changde"
    ZHANGJIAJIE = "zhangjiajie"
    YIYANG = "yiyang"
    CHENZHOU = "chenzhou"
    YONGZHOU = "yongzhou"
    HUAIHUA = "huaihua"
    LOUDI = "loudi"
    XIANGXI = "xiangxi"


CITY_NAMES_ZH: dict[City, str] = {
    City.CHANGSHA: "长沙市",
    City.ZHUZHOU: "株洲市",
    City.XIANGTAN: "湘潭市",
    City.HENGYANG: "衡阳市",
    City.SHAOYANG: "邵阳市",
    City.YUEYANG: "岳阳市",
    City.CHANGDE: "常德市",
    City.ZHANGJIAJIE: "张家界市",
    City.YIYANG: "益阳市",
    City.CHENZHOU: "郴州市",
    City.YONGZHOU: "永州市",
    City.HUAIHUA: "怀化市",
    City.LOUDI: "娄底市",
    City.XIANGXI: "湘西土家族苗族自治州",
}


class Province(StrEnum):
    """Mainland China's 31 provincial-level divisions: the grid a project's power displaces.

    Each is scored at its published MEE provincial grid factor, or its regional grid's where
    the provincial value is not sourced yet (`schemas/provincial_grid_factors.json`).
    """

    BEIJING = "beijing"
    TIANJIN = "tianjin"
    HEBEI = "hebei"
    SHANXI = "shanxi"
    INNER_MONGOLIA = "inner_mongolia"
    LIAONING = "liaoning"
    JILIN = "jilin"
    HEILONGJIANG = "heilongjiang"
    SHANGHAI = "shanghai"
    JIANGSU = "jiangsu"
    ZHEJIANG = "zhejiang"
    ANHUI = "anhui"
    FUJIAN = "fujian"
    JIANGXI = "jiangxi"
    SHANDONG = "shandong"
    HENAN = "henan"
    HUBEI = "hubei"
    HUNAN = "hunan"
    GUANGDONG = "guangdong"
    GUANGXI = "guangxi"
    HAINAN = "hainan"
    CHONGQING = "chongqing"
    SICHUAN = "sichuan"
    GUIZHOU = "guizhou"
    YUNNAN = "yunnan"
    TIBET = "tibet"
    SHAANXI = "shaanxi"
    GANSU = "gansu"
    QINGHAI = "qinghai"
    NINGXIA = "ningxia"
    XINJIANG = "xinjiang"


class ProjectFamily(StrEnum):
    """Methodology families of design.md section 6."""

    RENEWABLE_POWER = "renewable_power"
    ENERGY_EFFICIENCY = "energy_efficiency"
    FUEL_SWITCHING = "fuel_switching"
    GREEN_BUILDING = "green_building"
    DATA_CENTRE = "data_centre"
    CLEAN_TRANSPORT = "clean_transport"
    CARBON_SINK = "carbon_sink"
    INDUSTRIAL_PROCESS = "industrial_process"
    ENERGY_STORAGE = "energy_storage"
    CCUS = "ccus"


class ProjectType(StrEnum):
    """A project's type; its family follows from `FAMILY_OF_TYPE`."""

    WIND = "wind"
    SOLAR_PV = "solar_pv"
    HYDRO = "hydro"
    BIOMASS = "biomass"
    GEOTHERMAL = "geothermal"
    WASTE_TO_ENERGY = "waste_to_energy"
    ENERGY_EFFICIENCY = "energy_efficiency"
    WASTE_HEAT_POWER = "waste_heat_power"
    COAL_POWER_UPGRADE = "coal_power_upgrade"
    FUEL_SWITCH = "fuel_switch"
    BUILDING_RETROFIT = "building_retrofit"
    ULTRA_LOW_ENERGY_BUILDING = "ultra_low_energy_building"
    ROOFTOP_PV = "rooftop_pv"
    DATA_CENTRE_PUE = "data_centre_pue"
    EV_BUS = "ev_bus"
    EV_TRUCK = "ev_truck"
    FORESTRY = "forestry"
    WETLAND = "wetland"
    EAF_STEEL = "eaf_steel"
    ENERGY_STORAGE = "energy_storage"
    CCUS = "ccus"


FAMILY_OF_TYPE: dict[ProjectType, ProjectFamily] = {
    ProjectType.WIND: ProjectFamily.RENEWABLE_POWER,
    ProjectType.SOLAR_PV: ProjectFamily.RENEWABLE_POWER,
    ProjectType.HYDRO: ProjectFamily.RENEWABLE_POWER,
    ProjectType.BIOMASS: ProjectFamily.RENEWABLE_POWER,
    ProjectType.GEOTHERMAL: ProjectFamily.RENEWABLE_POWER,
    ProjectType.WASTE_TO_ENERGY: ProjectFamily.RENEWABLE_POWER,
    ProjectType.ENERGY_EFFICIENCY: ProjectFamily.ENERGY_EFFICIENCY,
    ProjectType.WASTE_HEAT_POWER: ProjectFamily.ENERGY_EFFICIENCY,
    ProjectType.COAL_POWER_UPGRADE: ProjectFamily.ENERGY_EFFICIENCY,
    ProjectType.FUEL_SWITCH: ProjectFamily.FUEL_SWITCHING,
    ProjectType.BUILDING_RETROFIT: ProjectFamily.GREEN_BUILDING,
    ProjectType.ULTRA_LOW_ENERGY_BUILDING: ProjectFamily.GREEN_BUILDING,
    ProjectType.ROOFTOP_PV: ProjectFamily.GREEN_BUILDING,
    ProjectType.DATA_CENTRE_PUE: ProjectFamily.DATA_CENTRE,
    ProjectType.EV_BUS: ProjectFamily.CLEAN_TRANSPORT,
    ProjectType.EV_TRUCK: ProjectFamily.CLEAN_TRANSPORT,
    ProjectType.FORESTRY: ProjectFamily.CARBON_SINK,
    ProjectType.WETLAND: ProjectFamily.CARBON_SINK,
    ProjectType.EAF_STEEL: ProjectFamily.INDUSTRIAL_PROCESS,
    ProjectType.ENERGY_STORAGE: ProjectFamily.ENERGY_STORAGE,
    ProjectType.CCUS: ProjectFamily.CCUS,
}


class Instrument(StrEnum):
    """Financing instruments an enterprise may ask for and a mandate may offer."""

    GREEN_LOAN = "green_loan"
    CARBON_REDUCTION_FACILITY_LOAN = "carbon_reduction_facility_loan"
    GREEN_BOND = "green_bond"
    GREEN_FUND_EQUITY = "green_fund_equity"
    GREEN_LEASING = "green_leasing"
    GREEN_GUARANTEE = "green_guarantee"
    CARBON_ASSET_PLEDGE_LOAN = "carbon_asset_pledge_loan"


class Fuel(StrEnum):
    """Fuels a fuel-switching or transport project moves away from or towards."""

    COAL = "coal"
    DIESEL = "diesel"
    GASOLINE = "gasoline"
    NATURAL_GAS = "natural_gas"
    FUEL_OIL = "fuel_oil"
    LPG = "lpg"
    ELECTRICITY = "electricity"
