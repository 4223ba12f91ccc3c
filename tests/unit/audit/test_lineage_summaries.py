"""Lineage summaries read any stored event tolerantly and name each step."""

from __future__ import annotations

import pytest

from audit.read_model.lineage import step_of, summarise

pytestmark = pytest.mark.unit


def test_a_disbursement_shows_its_amount_and_the_offer_it_drew_on() -> None:
    data = {
        "deal_id": "d", "lender_id": "l", "mandate_id": "m",
        "response": {"kind": "disbursed", "amount_cny": "5000000.00", "disbursed_on": "2026-02-01"},
        "offer_in_force": {"kind": "offer", "amount_cny": "6000000.00", "rate_percent": "1.75",
                           "tenor_months": 60, "instrument": "green_loan"},
    }  # fmt: skip
    summary = summarise("deal.responded.v1", data)
    assert step_of("deal.responded.v1", data) == "disbursed"
    assert summary["amount_cny"] == "5000000.00" and summary["offer_rate_percent"] == "1.75"
    assert summary["lender_id"] == "l"


def test_a_score_shows_score_tonnes_and_taxonomy() -> None:
    data = {"project_version": 2, "score": 81.5, "annual_tco2e": 12000.0, "flags": [{}],
            "taxonomy": {"catalogue_category_code": "3", "carbon_reduction_facility_field":
                         "clean_energy"}}  # fmt: skip
    summary = summarise("project.scored.v1", data)
    assert summary == {
        "project_version": 2, "score": 81.5, "annual_tco2e": 12000.0, "flags": 1,
        "catalogue_category_code": "3", "carbon_reduction_facility_field": "clean_energy",
    }  # fmt: skip
    assert step_of("project.scored.v1", data) == "scored"


def test_unknown_or_malformed_events_still_get_a_step_and_an_empty_summary() -> None:
    assert summarise("loan.repaid.v1", {"x": 1}) == {}
    assert summarise("deal.responded.v1", {"response": "garbled"}) == {}
    assert step_of("deal.responded.v1", {"response": None}) == "deal_responded"
    assert step_of("project.registered.v1", {}) == "registered"


def test_a_repayment_and_a_closed_offer_name_their_step_and_show_the_balance() -> None:
    balance = {"drawn_cny": "50000000.00", "repaid_cny": "15000000.00",
               "outstanding_cny": "35000000.00", "reserved_cny": "0.00"}  # fmt: skip
    repaid = {
        "deal_id": "d", "lender_id": "l", "mandate_id": "m", "restores_capacity": True,
        "repayment": {"amount_cny": "15000000.00", "repaid_on": "2026-09-01"}, "balance": balance,
    }  # fmt: skip
    summary = summarise("deal.repaid.v1", repaid)
    assert step_of("deal.repaid.v1", repaid) == "repaid"
    assert summary["amount_cny"] == "15000000.00"
    assert summary["balance_outstanding_cny"] == "35000000.00"
    closed = {"deal_id": "d", "cause": "expired", "released_cny": "10000000.00"}
    assert step_of("deal.offer_closed.v1", closed) == "offer_expired"
    assert summarise("deal.offer_closed.v1", closed)["released_cny"] == "10000000.00"


def test_a_subsidy_claim_names_its_programme_and_what_was_earned_and_granted() -> None:
    earned = {
        "deal_id": "d", "programme_id": "hunan-green-loan-interest-subsidy",
        "kind": "interest_subsidy", "claimant": "enterprise", "movement": "repayment",
        "number": 1, "earned_cny": "6313.97", "granted_cny": "6313.97", "rule_source": "long",
    }  # fmt: skip
    assert step_of("deal.subsidy_earned.v1", earned) == "subsidy_earned"
    summary = summarise("deal.subsidy_earned.v1", earned)
    assert summary == {k: v for k, v in earned.items() if k != "rule_source"}


def test_a_pledge_offer_shows_the_collateral_it_was_checked_against() -> None:
    data = {
        "deal_id": "d", "lender_id": "l", "mandate_id": "m",
        "response": {"kind": "offer", "amount_cny": "3000000.00", "rate_percent": "3.2",
                     "tenor_months": 60, "instrument": "carbon_asset_pledge_loan"},
        "collateral": {"valued_on": "2025-12-02", "credits_tco2e": 100000, "from_vintage": 2025,
                       "value_cny": "7522000.00", "haircut": "0.5000",
                       "lendable_cny": "3761000.00",
                       "price": {"market": "ccer", "price_date": "2025-12-01",
                                 "price_cny_per_t": "75.22", "basis": "daily average price",
                                 "source": "registry", "secondary": True}},
    }  # fmt: skip
    summary = summarise("deal.responded.v1", data)
    assert summary["instrument"] == "carbon_asset_pledge_loan"
    assert (summary["collateral_lendable_cny"], summary["collateral_haircut"]) == (
        "3761000.00",
        "0.5000",
    )
    assert (summary["collateral_price_cny_per_t"], summary["collateral_price_date"]) == (
        "75.22",
        "2025-12-01",
    )
    assert summary["collateral_valued_on"] == "2025-12-02"
