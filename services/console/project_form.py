"""The new-project form: its fields, and the JSON body the registry and scoring expect.

Text the browser sends is turned into the contract's types here; what cannot be (a number
field holding letters) is named back to the user before any service is called.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from console import forms
from console.forms import text
from schemas.project import ActivityData
from schemas.vocabulary import City, Fuel, Instrument, ProjectType, Province

INTEGER_ACTIVITY = frozenset({"fleet_size"})
CHOICE_ACTIVITY = frozenset({"baseline_fuel", "project_fuel"})
ACTIVITY_FIELDS = tuple(ActivityData.model_fields)


@dataclass
class ParsedProject:
    """The body for the APIs, or the fields that could not become one."""

    body: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def parse(form: Mapping[str, Any], instruments: list[str]) -> ParsedProject:
    """Form fields → the ProjectSpec JSON; validation of values is left to the services."""
    parsed = ParsedProject()
    body, errors = parsed.body, parsed.errors
    for name in ("name", "description", "type", "city", "county", "province"):
        if value := text(form, name):
            body[name] = value
    for name in ("capex_cny", "financing_need_cny"):
        if value := text(form, name):
            body[name] = value  # money travels as a decimal string, never a float
    for name in ("tenor_months", "lifetime_years"):
        number = forms.number(text(form, name), name, errors, integer=True)
        if number is not None:
            body[name] = number
    for name in ("construction_start", "operation_date"):
        if value := text(form, name):
            body[name] = value
    body["instruments"] = [i for i in instruments if isinstance(i, str)][:10]
    body["high_energy_high_emission"] = text(form, "high_energy_high_emission") == "on"
    activity: dict[str, Any] = {}
    for name in ACTIVITY_FIELDS:
        raw = text(form, f"activity.{name}")
        if name in CHOICE_ACTIVITY:
            if raw:
                activity[name] = raw
            continue
        number = forms.number(raw, f"activity.{name}", errors, integer=name in INTEGER_ACTIVITY)
        if number is not None:
            activity[name] = number
    body["activity"] = activity
    claimed = forms.number(
        text(form, "claimed_annual_tco2e"), "claimed_annual_tco2e", errors, integer=False
    )
    if claimed is not None:
        body["claimed_annual_tco2e"] = claimed
    factor = forms.number(
        text(form, "declared_factor.value"), "declared_factor.value", errors, integer=False
    )
    if factor is not None or text(form, "declared_factor.source"):
        body["declared_factor"] = {"value": factor, "source": text(form, "declared_factor.source")}
    if credits := _carbon_credits(form, errors):
        body["carbon_credits"] = credits
    return parsed


def _carbon_credits(form: Mapping[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    """The CCER registration, when any of its fields is filled (the registry names what is
    missing); the issuance per vintage is left for scoring to derive."""
    start = text(form, "carbon_credits.crediting_start")
    years = forms.number(
        text(form, "carbon_credits.crediting_years"),
        "carbon_credits.crediting_years",
        errors,
        integer=True,
    )
    reference = text(form, "carbon_credits.registration_ref")
    if not (start or years is not None or reference):
        return {}
    credits: dict[str, Any] = {"crediting_start": start or None, "crediting_years": years}
    if reference:
        credits["registration_ref"] = reference
    return credits


def choices() -> dict[str, list[str]]:
    """The closed vocabularies the form offers as select options and checkboxes."""
    return {
        "types": [t.value for t in ProjectType],
        "cities": [c.value for c in City],
        "provinces": [p.value for p in Province],
        "instruments": [i.value for i in Instrument],
        "activity": list(ACTIVITY_FIELDS),
        "fuels": [f.value for f in Fuel],
    }


def beside_inputs(errors: dict[str, str]) -> dict[str, str]:
    """A service may name an activity value bare (a plausibility flag's `field`); the form's
    input for it is `activity.<name>`."""
    return {f"activity.{k}" if k in ACTIVITY_FIELDS else k: v for k, v in errors.items()}
