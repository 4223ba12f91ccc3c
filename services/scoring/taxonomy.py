"""Taxonomy tags: green finance catalogue (2025), carbon-reduction facility, ICMA, Hunan plan.

Top-level categories are the nine of the Green Finance Support Project Catalogue (2025 edition),
numbered in the order the catalogue lists them; second- and third-level code paths are the
platform's best mapping and carry `catalogue_code_status="indicative"` until checked against
the published text. Plan recognitions cite the Hunan carbon-peak implementation plan.
"""

from __future__ import annotations

from types import MappingProxyType

from schemas.project import ProjectSpec
from schemas.scoring import CarbonReductionField, IcmaCategory, Taxonomy
from schemas.vocabulary import ProjectType
from scoring import plan

CATALOGUE_VERSION = "2025"
CATEGORIES = MappingProxyType(
    {
        "1": "节能降碳产业 (energy saving and carbon reduction)",
        "2": "环境保护产业 (environmental protection)",
        "3": "资源循环利用产业 (resource recycling)",
        "4": "能源绿色低碳转型 (green low-carbon energy transition)",
        "5": "生态保护修复和利用 (ecological protection, restoration and use)",
        "6": "基础设施绿色升级 (green upgrade of infrastructure)",
        "7": "绿色服务 (green services)",
        "8": "绿色贸易 (green trade)",
        "9": "绿色消费 (green consumption)",
    }
)

_CE = CarbonReductionField.CLEAN_ENERGY
_EC = CarbonReductionField.ENERGY_CONSERVATION_ENVIRONMENTAL_PROTECTION
_CT = CarbonReductionField.CARBON_REDUCTION_TECHNOLOGY
_NO = CarbonReductionField.NOT_ELIGIBLE
_I = IcmaCategory
_ROW = tuple[str, str, CarbonReductionField, IcmaCategory | None, tuple[str, ...]]
_T = ProjectType
_RE_PLAN = "Hunan plan: large-scale wind and PV development"
_TABLE: dict[ProjectType, _ROW] = {
    _T.WIND: (
        "4.2.1",
        "风力发电设施建设和运营 (wind power)",
        _CE,
        _I.RENEWABLE_ENERGY,
        (_RE_PLAN,),
    ),
    _T.SOLAR_PV: (
        "4.2.2",
        "太阳能利用设施建设和运营 (solar power)",
        _CE,
        _I.RENEWABLE_ENERGY,
        (_RE_PLAN,),
    ),
    _T.BIOMASS: (
        "4.2.3",
        "生物质能利用设施建设和运营 (biomass energy)",
        _CE,
        _I.RENEWABLE_ENERGY,
        ("Hunan plan: agricultural and forestry biomass power",),
    ),
    _T.HYDRO: (
        "4.2.4",
        "水力发电设施建设和运营 (hydro power)",
        _CE,
        _I.RENEWABLE_ENERGY,
        ("Hunan plan: hydropower developed in light of local conditions",),
    ),
    _T.GEOTHERMAL: (
        "4.2.6",
        "地热能利用设施建设和运营 (geothermal energy)",
        _CE,
        _I.RENEWABLE_ENERGY,
        ("Hunan plan: step up geothermal utilisation",),
    ),
    _T.WASTE_TO_ENERGY: (
        "4.2.3",
        "生物质能利用设施建设和运营（垃圾焚烧发电） (waste-to-energy)",
        _CE,
        _I.POLLUTION_PREVENTION_AND_CONTROL,
        ("Hunan plan: waste incineration power, less landfill",),
    ),
    _T.ENERGY_EFFICIENCY: (
        "1.3.1",
        "节能降碳改造 (energy-saving retrofits)",
        _EC,
        _I.ENERGY_EFFICIENCY,
        ("Hunan plan: key energy-saving actions",),
    ),
    _T.WASTE_HEAT_POWER: (
        "1.3.2",
        "余热余压利用 (waste heat and pressure recovery)",
        _EC,
        _I.ENERGY_EFFICIENCY,
        ("Hunan plan: waste heat recovery",),
    ),
    _T.COAL_POWER_UPGRADE: (
        "4.4.1",
        "煤电机组节能降碳改造 (coal unit energy-saving upgrade)",
        _NO,
        None,
        (),
    ),
    _T.FUEL_SWITCH: (
        "1.3.3",
        "能源替代（煤改气、煤改电） (fuel switching)",
        _EC,
        _I.ENERGY_EFFICIENCY,
        (),
    ),
    _T.BUILDING_RETROFIT: (
        "6.1.2",
        "既有建筑节能及绿色化改造 (building retrofit)",
        _EC,
        _I.GREEN_BUILDINGS,
        ("Hunan plan: green renovation of buildings",),
    ),
    _T.ULTRA_LOW_ENERGY_BUILDING: (
        "6.1.1",
        "超低能耗、近零能耗建筑 (ultra-low-energy building)",
        _EC,
        _I.GREEN_BUILDINGS,
        ("Hunan plan: large-scale ultra-low-energy buildings",),
    ),
    _T.ROOFTOP_PV: (
        "6.1.3",
        "建筑可再生能源应用 (building-integrated renewables)",
        _CE,
        _I.RENEWABLE_ENERGY,
        ("Hunan plan: PV and building integration",),
    ),
    _T.DATA_CENTRE_PUE: (
        "6.4.1",
        "数据中心绿色化改造 (green data centres)",
        _EC,
        _I.ENERGY_EFFICIENCY,
        (),
    ),
    _T.EV_BUS: (
        "6.2.1",
        "城乡公共交通新能源车辆 (new-energy public transport)",
        _EC,
        _I.CLEAN_TRANSPORTATION,
        ("Hunan plan: all new public transport vehicles new or clean energy",),
    ),
    _T.EV_TRUCK: (
        "6.2.2",
        "新能源货运车辆 (new-energy freight vehicles)",
        _EC,
        _I.CLEAN_TRANSPORTATION,
        ("Hunan plan: 40% non-fossil new vehicles by 2030",),
    ),
    _T.FORESTRY: (
        "5.3.1",
        "国土绿化和植树造林 (afforestation)",
        _NO,
        _I.LIVING_NATURAL_RESOURCES_AND_LAND_USE,
        ("Hunan plan: forest coverage above 60% by 2030",),
    ),
    _T.WETLAND: (
        "5.2.2",
        "湿地保护与恢复 (wetland protection and restoration)",
        _NO,
        _I.BIODIVERSITY,
        ("Hunan plan: wetland carbon sink",),
    ),
    _T.EAF_STEEL: (
        "1.3.4",
        "钢铁短流程炼钢 (scrap-based electric-arc steel)",
        _EC,
        _I.CIRCULAR_ECONOMY,
        ("Hunan plan priority: short-process electric furnace and scrap steel",),
    ),
    _T.ENERGY_STORAGE: (
        "4.3.1",
        "新型储能设施建设和运营 (new energy storage)",
        _CE,
        _I.RENEWABLE_ENERGY,
        ("Hunan plan: new energy storage at scale by 2025",),
    ),
    _T.CCUS: (
        "1.4.1",
        "二氧化碳捕集利用与封存 (CCUS)",
        _CT,
        _I.POLLUTION_PREVENTION_AND_CONTROL,
        ("Hunan plan: CCUS demonstration projects",),
    ),
}


def _base(project_type: ProjectType) -> Taxonomy:
    path, item, facility, icma, plan = _TABLE[project_type]
    top = path.split(".", 1)[0]
    return Taxonomy(
        catalogue_version=CATALOGUE_VERSION,
        catalogue_category_code=top,
        catalogue_category=CATEGORIES[top],
        catalogue_code_path=path,
        catalogue_item=item,
        carbon_reduction_facility_field=facility,
        icma_category=icma,
        plan_recognitions=plan,
    )


BASE_TAGS: MappingProxyType[ProjectType, Taxonomy] = MappingProxyType(
    {project_type: _base(project_type) for project_type in ProjectType}
)


HIGH_ENERGY_HIGH_EMISSION_NOTE = (
    "high-energy, high-emission project: not eligible for carbon-reduction-facility loans; "
    "green catalogue eligibility needs case review"
)


def tag(project: ProjectSpec) -> Taxonomy:
    """The type's tags plus plan targets the project meets; 两高 projects lose CERF eligibility."""
    base = BASE_TAGS[project.type]
    extra = plan.recognitions(project)
    if not extra and not project.high_energy_high_emission:
        return base
    update: dict[str, object] = {"plan_recognitions": base.plan_recognitions + extra}
    if project.high_energy_high_emission:
        update |= {
            "high_energy_high_emission": True,
            "carbon_reduction_facility_field": CarbonReductionField.NOT_ELIGIBLE,
            "notes": (*base.notes, HIGH_ENERGY_HIGH_EMISSION_NOTE),
        }
    return base.model_copy(update=update)
