"""A project's lineage: each ledger event about it, summarised for a reader. Pure.

Summaries read the stored JSON tolerantly (a missing field is simply absent), so events of
any version, or of types added later, still appear in order.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

_PROJECT_VERSION = ("version", "name", "type", "city", "county", "capex_cny", "financing_need_cny")
_FIELDS: Mapping[str, tuple[str, ...]] = {
    "project.registered.v1": _PROJECT_VERSION,
    "project.updated.v1": _PROJECT_VERSION,
    "project.withdrawn.v1": ("version", "reason"),
    "project.scored.v1": (
        "project_version",
        "score",
        "annual_tco2e",
        "lifetime_tco2e",
        "data_quality_tier",
        "methodology_id",
        "methodology_version",
        "factor_set_id",
    ),
    "deal.matched.v1": ("deal_id", "lender_id", "mandate_id", "project_version", "fit_score"),
    "deal.withdrawn.v1": ("deal_id", "lender_id", "mandate_id", "reason"),
    "deal.responded.v1": ("deal_id", "lender_id", "mandate_id"),
    "deal.offer_closed.v1": ("deal_id", "lender_id", "mandate_id", "cause", "released_cny"),
    "deal.repaid.v1": ("deal_id", "lender_id", "mandate_id", "restores_capacity"),
    "deal.subsidy_earned.v1": (
        "deal_id",
        "programme_id",
        "kind",
        "claimant",
        "movement",
        "number",
        "earned_cny",
        "granted_cny",
    ),
}
_BALANCE_FIELDS = ("drawn_cny", "repaid_cny", "outstanding_cny", "reserved_cny")
_RESPONSE_FIELDS = (
    "kind",
    "amount_cny",
    "rate_percent",
    "tenor_months",
    "instrument",
    "disbursed_on",
    "reason",
)
_COLLATERAL_FIELDS = ("valued_on", "credits_tco2e", "value_cny", "haircut", "lendable_cny")


def _pick(source: Any, names: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(source, Mapping):
        return {}
    return {n: source[n] for n in names if source.get(n) is not None}


def summarise(event_type: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """The facts of one event a regulator or the owner wants to see at a glance."""
    summary = _pick(data, _FIELDS.get(event_type, ()))
    if event_type == "project.scored.v1":
        taxonomy = data.get("taxonomy")
        summary |= _pick(
            taxonomy,
            ("catalogue_category_code", "catalogue_category", "carbon_reduction_facility_field"),
        )
        flags = data.get("flags")
        summary["flags"] = len(flags) if isinstance(flags, list) else 0
    if event_type == "deal.responded.v1":
        summary |= _pick(data.get("response"), _RESPONSE_FIELDS)
        offer = data.get("offer_in_force")
        summary |= {f"offer_{k}": v for k, v in _pick(offer, _RESPONSE_FIELDS[1:5]).items()}
        pledged = data.get("collateral")
        summary |= {f"collateral_{k}": v for k, v in _pick(pledged, _COLLATERAL_FIELDS).items()}
        if isinstance(pledged, Mapping):
            price = _pick(pledged.get("price"), ("price_cny_per_t", "price_date"))
            summary |= {f"collateral_{k}": v for k, v in price.items()}
    if event_type == "deal.repaid.v1":
        summary |= _pick(data.get("repayment"), ("amount_cny", "repaid_on"))
    summary |= {f"balance_{k}": v for k, v in _pick(data.get("balance"), _BALANCE_FIELDS).items()}
    return summary


def step_of(event_type: str, data: Mapping[str, Any]) -> str:
    """A one-word name of the step: registered, updated, scored, matched, offer, disbursed,
    repaid, subsidy_earned, offer_closed..."""
    if event_type == "deal.repaid.v1":
        return "repaid"
    if event_type == "deal.subsidy_earned.v1":
        return "subsidy_earned"
    if event_type == "deal.offer_closed.v1":
        cause = data.get("cause")
        return f"offer_{cause}" if isinstance(cause, str) else "offer_closed"
    if event_type == "deal.responded.v1":
        response = data.get("response")
        if isinstance(response, Mapping) and isinstance(response.get("kind"), str):
            return str(response["kind"])
    parts = event_type.split(".")
    return parts[1] if len(parts) >= 2 and parts[0] == "project" else "_".join(parts[:-1])
