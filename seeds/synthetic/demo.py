"""The committed demo seed: sectors that fit each city, their projects, the implausible few."""

from __future__ import annotations

import random
from pathlib import Path

from schemas.vocabulary import City
from seeds.synthetic.credit_codes import BODY_SPACE, SCRAMBLE
from seeds.synthetic.enterprises import enterprise_row
from seeds.synthetic.geography import CITIES
from seeds.synthetic.implausible import IMPLAUSIBLE, scale_capex
from seeds.synthetic.profiles import CITY_CUM_WEIGHTS
from seeds.synthetic.projects import build_project
from seeds.synthetic.sectors import SECTORS, Sector
from seeds.synthetic.shapes import Row

C = City

DEMO_SEED = 2030
SEEDS_DIR = Path(__file__).resolve().parents[1]
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


def _demo_enterprises(r: random.Random) -> list[tuple[Row, Sector]]:
    out: list[tuple[Row, Sector]] = []
    names: set[str] = set()
    offset = r.randrange(BODY_SPACE)
    for city, sector_keys in CITY_SECTORS.items():
        for key in sector_keys:
            serial = (len(out) * SCRAMBLE + offset) % BODY_SPACE
            row = enterprise_row(r, city, SECTORS[key], serial, "4", len(out) + 1)
            while row["name"] in names:
                row = enterprise_row(r, city, SECTORS[key], serial, "4", len(out) + 1)
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
            city = r.choices(CITIES, cum_weights=CITY_CUM_WEIGHTS[ptype])[0] if roams else home
            county = enterprise["county"] if city is home and r.random() < 0.5 else None
            lines.append((enterprise["credit_code"], None, build_project(r, ptype, city, county)))
    for item in IMPLAUSIBLE:
        owner = r.choice([e for e, s in enterprises if item.type in s.types])
        project = build_project(r, item.type, City(owner["city"]))
        project["activity"].update(item.change(project["activity"]))
        if item.capex_factor != 1.0:
            scale_capex(project, item.capex_factor)
        lines.append((owner["credit_code"], item.reason, project))
    r.shuffle(lines)
    return [_demo_line(n, *line) for n, line in enumerate(lines, 1)]


CREDITED_BY = "2026-06-30"  # forests operating by then have had their CCER crediting start
CREDITING_YEARS = 20
PLEDGE = "carbon_asset_pledge_loan"


def _register_forest_credits(lines: list[Row]) -> None:
    """Every other plausible forest operating by CREDITED_BY registers CCER credits from its
    operation date and asks for a carbon-asset pledge loan as well, so the demo has credits to
    pledge. No random draw is made, so every other seed line stays as it was."""
    forests = [
        line["project"]
        for line in lines
        if line["project"]["type"] == "forestry"
        and "implausible" not in line
        and line["project"]["operation_date"] <= CREDITED_BY
    ]
    for project in forests[::2]:
        project["carbon_credits"] = {
            "crediting_start": project["operation_date"],
            "crediting_years": CREDITING_YEARS,
        }
        project["instruments"] = [*project["instruments"], PLEDGE]


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
    projects = _demo_projects(r, enterprises)
    _register_forest_credits(projects)
    return [e for e, _ in enterprises], projects
