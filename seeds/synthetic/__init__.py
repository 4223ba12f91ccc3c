"""Hunan demo seeds and a streaming generator of synthetic enterprises and projects.

One table of plausible magnitudes per project type feeds both the committed demo files
(`demo`) and million-row load and intake files (`projects`), so the two never drift apart.
Run it as `python -m seeds.synthetic demo | enterprises | projects`.
"""

from schemas.vocabulary import City as C
from schemas.vocabulary import ProjectType as T
from seeds.synthetic.cli import app, demo_command, enterprises_command, projects_command
from seeds.synthetic.credit_codes import credit_code, organization_code
from seeds.synthetic.defects import DEFECTS, bad_row_count
from seeds.synthetic.demo import CITY_SECTORS, DEMO_SEED, SEEDS_DIR, demo_rows
from seeds.synthetic.enterprises import BRANDS, synthetic_enterprises
from seeds.synthetic.geography import CITIES, CITY_CODES, COUNTIES, city_en, city_short
from seeds.synthetic.implausible import IMPLAUSIBLE, Implausible
from seeds.synthetic.output import CSV_COLUMNS, OutputFormat, csv_record, jsonl_bytes
from seeds.synthetic.profiles import PROFILES, TYPES
from seeds.synthetic.projects import build_project, wan
from seeds.synthetic.sectors import SECTORS, Sector
from seeds.synthetic.shapes import CERF, GB, GFE, GG, GL, GLS, Maker, Profile, Row, Span
from seeds.synthetic.specs import synthetic_spec, synthetic_specs
from seeds.synthetic.streams import SyntheticRow, synthetic_projects, synthetic_rows

__all__ = [
    "BRANDS",
    "CERF",
    "CITIES",
    "CITY_CODES",
    "CITY_SECTORS",
    "COUNTIES",
    "CSV_COLUMNS",
    "DEFECTS",
    "DEMO_SEED",
    "GB",
    "GFE",
    "GG",
    "GL",
    "GLS",
    "IMPLAUSIBLE",
    "PROFILES",
    "SECTORS",
    "SEEDS_DIR",
    "TYPES",
    "C",
    "Implausible",
    "Maker",
    "OutputFormat",
    "Profile",
    "Row",
    "Sector",
    "Span",
    "SyntheticRow",
    "T",
    "app",
    "bad_row_count",
    "build_project",
    "city_en",
    "city_short",
    "credit_code",
    "csv_record",
    "demo_command",
    "demo_rows",
    "enterprises_command",
    "jsonl_bytes",
    "organization_code",
    "projects_command",
    "synthetic_enterprises",
    "synthetic_projects",
    "synthetic_rows",
    "synthetic_spec",
    "synthetic_specs",
    "wan",
]
