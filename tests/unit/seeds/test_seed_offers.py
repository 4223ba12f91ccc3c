"""The seed flow's offers keep the platform's instrument rules: no CERF loan where not eligible."""

from __future__ import annotations

import orjson
import pytest

from deploy.seed import SEEDS, offer_instrument
from schemas.eligibility import ineligibility
from schemas.project import ProjectSpec
from schemas.scoring import CarbonReductionField
from schemas.vocabulary import Instrument
from scoring.taxonomy.tags import tag
from seeds.lenders import load_lender_seeds

pytestmark = pytest.mark.unit

CERF = Instrument.CARBON_REDUCTION_FACILITY_LOAN


def test_the_seed_flow_never_offers_a_cerf_loan_on_a_project_not_cerf_eligible() -> None:
    mandates = [
        [str(i) for i in m.spec().instruments]
        for lender in load_lender_seeds(SEEDS / "lenders.json")
        for m in lender.mandates
    ]
    refused_cerf = 0
    for raw in (SEEDS / "projects.jsonl").read_bytes().splitlines():
        spec = ProjectSpec.model_validate(orjson.loads(raw)["project"])
        taxonomy = tag(spec)
        field = taxonomy.carbon_reduction_facility_field
        project = {
            "instruments": [str(i) for i in spec.instruments],
            "taxonomy": taxonomy.model_dump(mode="json"),
        }
        for offered in mandates:
            shared = [i for i in spec.instruments if str(i) in offered]
            if not [i for i in shared if ineligibility(i, field) is None]:
                continue  # matching does not match this pair
            chosen = Instrument(offer_instrument(project, offered))
            assert ineligibility(chosen, field) is None, (spec.name, chosen)
            refused_cerf += CERF in shared and field is CarbonReductionField.NOT_ELIGIBLE
    assert refused_cerf > 0  # the seeds do hold projects that ask for a CERF loan they cannot get
