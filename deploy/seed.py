"""Load the Hunan demo data in seeds/ through the services' public APIs (idempotent).

Each seeded enterprise and lender gets a stable tenant id derived from its credit code or
name, and acts with a token from the development issuer, exactly as a real user would.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import time
import uuid
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import orjson

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
if __package__ in (None, ""):  # run as a script: `seeds` is a package of the repository root
    sys.path.insert(0, str(ROOT))
TENANTS = uuid.UUID("6f1c1b52-8d7e-4d8a-9a43-5b0f3c0e2a11")
REGISTRY = os.environ.get("REGISTRY_URL", "http://127.0.0.1:8001")
MATCHING = os.environ.get("MATCHING_URL", "http://127.0.0.1:8003")


def tenant_of(natural_key: str) -> uuid.UUID:
    """Stable tenant id for a seeded organisation, so reloading finds the same one."""
    return uuid.uuid5(TENANTS, natural_key)


def _headers(role: str, tenant: uuid.UUID | None) -> dict[str, str]:
    from servicekit.auth import Role
    from servicekit.issuer import mint

    return {"Authorization": f"Bearer {mint(Role(role), tenant)}"}


def _lines(path: Path) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in path.read_text().splitlines() if line.strip()]


def _check(response: httpx.Response, *ok: int) -> None:
    if response.status_code not in ok:
        raise SystemExit(
            f"{response.request.method} {response.request.url}: "
            f"{response.status_code} {response.text[:500]}"
        )


def _physically_impossible(project: dict[str, Any]) -> bool:
    from schemas.physical_limits import breaches
    from schemas.project import ActivityData

    return bool(breaches(ActivityData.model_validate(project["activity"])))


def load_enterprises_and_projects(client: httpx.Client) -> tuple[int, int]:
    enterprises = _lines(SEEDS / "enterprises.jsonl")
    projects = _lines(SEEDS / "projects.jsonl")
    by_code: dict[str, list[dict[str, Any]]] = {}
    for line in projects:
        by_code.setdefault(line["enterprise_credit_code"], []).append(line["project"])
    new_projects = 0
    for enterprise in enterprises:
        headers = _headers("enterprise", tenant_of(enterprise["credit_code"]))
        _check(
            client.post(f"{REGISTRY}/v1/enterprises", json=enterprise, headers=headers), 201, 409
        )
        existing = client.get(f"{REGISTRY}/v1/projects", params={"limit": 1}, headers=headers)
        _check(existing, 200)
        if existing.json()["items"]:
            continue
        for project in by_code.get(enterprise["credit_code"], []):
            # The demo's physically impossible projects show the registry refusing them.
            refused = _physically_impossible(project)
            response = client.post(f"{REGISTRY}/v1/projects", json=project, headers=headers)
            _check(response, 422 if refused else 201)
            new_projects += 0 if refused else 1
    return len(enterprises), new_projects


def load_lenders(client: httpx.Client, matching: str = MATCHING) -> tuple[int, int]:
    """Lenders and their mandates from seeds/lenders.json, each acting as itself."""
    from seeds.lenders import load_lender_seeds

    lenders = load_lender_seeds(SEEDS / "lenders.json")
    new_mandates = 0
    for lender in lenders:
        headers = _headers("lender", lender.lender_id)
        body = lender.spec().model_dump(mode="json")
        _check(client.post(f"{matching}/v1/lenders", json=body, headers=headers), 201, 409)
        existing = client.get(f"{matching}/v1/mandates", params={"limit": 1}, headers=headers)
        _check(existing, 200)
        if existing.json()["items"]:
            continue
        for mandate in lender.mandates:
            spec = mandate.spec().model_dump(mode="json")
            _check(client.post(f"{matching}/v1/mandates", json=spec, headers=headers), 201)
            new_mandates += 1
    return len(lenders), new_mandates


PLEDGE = "carbon_asset_pledge_loan"


def _matched_under(
    client: httpx.Client, lender_id: uuid.UUID, mandates: set[str], wait_s: float
) -> list[dict[str, Any]]:
    """The lender's matched deals under `mandates`, once matching has produced some."""
    headers = _headers("lender", lender_id)
    deadline = time.monotonic() + wait_s
    while True:
        deals = [
            i["event"]
            for i in _whole_feed(client, lender_id, headers)
            if i["event_type"] == "deal.matched.v1" and i["event"]["mandate_id"] in mandates
        ]
        if deals or time.monotonic() > deadline:
            return deals
        time.sleep(2)


def _pledge_mandates(client: httpx.Client, headers: dict[str, str]) -> dict[str, Any]:
    """The caller's own mandates that lend carbon-asset pledge loans, by id, with their terms
    (ids are the matching service's own, not the seed file's)."""
    page = client.get(f"{MATCHING}/v1/mandates", params={"limit": 200}, headers=headers)
    _check(page, 200)
    return {
        m["mandate_id"]: m["terms"]
        for m in page.json()["items"]
        if PLEDGE in m["terms"]["instruments"]
    }


def offer_pledge_loans(client: httpx.Client, wait_s: float = 120) -> list[str]:
    """Each carbon-asset pledge mandate offers a pledge loan on up to two of its deals, for what
    the deal shows as lendable: the forest's credits from this year's vintage on, at the carbon
    price in force today, less the haircut (the matching service refuses any offer above it)."""
    from seeds.lenders import load_lender_seeds

    offered: list[str] = []
    for lender in load_lender_seeds(SEEDS / "lenders.json"):
        if not any(PLEDGE in m.instruments for m in lender.mandates):
            continue
        headers = _headers("lender", lender.lender_id)
        pledge = _pledge_mandates(client, headers)
        for deal in _matched_under(client, lender.lender_id, set(pledge), wait_s)[:2]:
            detail = client.get(f"{MATCHING}/v1/deals/{deal['deal_id']}", headers=headers)
            _check(detail, 200)
            collateral = detail.json()["collateral"]
            terms = pledge[deal["mandate_id"]]
            if collateral is None:
                continue
            amount = min(
                Decimal(collateral["lendable_cny"]),
                Decimal(deal["project"]["financing_need_cny"]),
                Decimal(terms["ticket_max_cny"]),
            ).quantize(Decimal("0.01"))
            if amount < Decimal(terms["ticket_min_cny"]):
                continue
            offer = {
                "kind": "offer",
                "instrument": PLEDGE,
                "amount_cny": f"{amount:.2f}",
                "rate_percent": "3.45",
                "tenor_months": min(deal["project"]["tenor_months"], terms["max_tenor_months"]),
            }
            url = f"{MATCHING}/v1/deals/{deal['deal_id']}/responses"
            answer = client.post(url, json={"response": offer}, headers=headers)
            _check(answer, 201, 409)
            if answer.status_code == 201:
                offered.append(
                    f"{lender.name} offers {amount:,.2f} CNY against"
                    f" {collateral['credits_tco2e']:,} tCO2e valued {collateral['value_cny']} CNY"
                )
    return offered


def answer_some_deals(client: httpx.Client, wait_s: float = 120) -> dict[str, int]:
    """A demo of lenders at work: interest in some deals, offers on others, and loans drawn in
    tranches and partly repaid, so flows, disclosures and scorecards have balances to show."""
    from seeds.lenders import load_lender_seeds

    counts = {
        "interest": 0,
        "offer": 0,
        "disbursed in two tranches and partly repaid": 0,
        "refused": 0,
    }
    from seeds.lender_preferences import PREFERENCES

    deadline = time.monotonic() + wait_s
    for lender in load_lender_seeds(SEEDS / "lenders.json"):
        if lender.lender_id in PREFERENCES:  # their answers come from their preferences below
            continue
        headers = _headers("lender", lender.lender_id)
        pledge = set(_pledge_mandates(client, headers))
        feed: list[dict[str, Any]] = []
        while not feed and time.monotonic() < deadline:
            page = client.get(
                f"{MATCHING}/v1/lenders/{lender.lender_id}/deals",
                params={"limit": 50},
                headers=headers,
            )
            _check(page, 200)
            feed = [  # pledge deals have their own offers (offer_pledge_loans)
                i["event"]
                for i in page.json()["items"]
                if i["event_type"] == "deal.matched.v1" and i["event"]["mandate_id"] not in pledge
            ]
            if not feed:
                time.sleep(2)
        for n, deal in enumerate(feed[:6]):
            counts[_answer(client, headers, deal, n)] += 1
    return counts


ANSWERED_SHARE = 0.75  # of each preferring lender's deals; the rest stay open in its feed
STREAM_DEALS = 120  # per preferring lender: a used database may match it with many more
FEED_PAGE = 500


def _settled_deals(client: httpx.Client, lender_id: uuid.UUID, wait_s: float) -> list[Any]:
    """The lender's deals awaiting an answer, once matching has stopped adding to them."""
    headers = _headers("lender", lender_id)
    url = f"{MATCHING}/v1/lenders/{lender_id}/deals/ranked"
    seen: list[int] = []
    deadline = time.monotonic() + wait_s
    while True:
        page = client.get(url, params={"limit": 500}, headers=headers)
        _check(page, 200)
        items: list[Any] = page.json()["items"]
        seen.append(len(items))
        settled = len(seen) >= 3 and len(set(seen[-3:])) == 1
        if settled or len(items) >= STREAM_DEALS or time.monotonic() > deadline:
            return items
        time.sleep(2)


def _whole_feed(
    client: httpx.Client, lender_id: uuid.UUID, headers: dict[str, str]
) -> list[dict[str, Any]]:
    """Every entry of the lender's feed, page by page (a used platform's feed is long).

    The feed's `next_cursor` is where to resume polling, so it is never empty: a short page is
    the end."""
    entries: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": FEED_PAGE} | ({"after": cursor} if cursor else {})
        page = client.get(
            f"{MATCHING}/v1/lenders/{lender_id}/deals", params=params, headers=headers
        )
        _check(page, 200)
        items = page.json()["items"]
        entries.extend(items)
        cursor = page.json()["next_cursor"]
        if len(items) < FEED_PAGE:
            return entries


def answer_by_preference(client: httpx.Client, wait_s: float = 120) -> dict[str, int]:
    """The stream of answers the ranker learns from: three lenders answer the older three
    quarters of their deals by their undisclosed preferences (seeds/lender_preferences.py),
    interest or a decline, and leave the rest open for their feeds to rank."""
    from seeds.lender_preferences import DECLINE_REASON, PREFERENCES, acts_on

    counts = {"interest": 0, "decline": 0, "left open": 0}
    for lender_id in PREFERENCES:
        headers = _headers("lender", lender_id)
        settled = sorted(_settled_deals(client, lender_id, wait_s), key=lambda d: d["deal_id"])
        deals = settled[:STREAM_DEALS]
        projects = {
            i["deal_id"]: i["event"]["project"]
            for i in _whole_feed(client, lender_id, headers)
            if i["event_type"] == "deal.matched.v1"
        }
        answered = round(len(deals) * ANSWERED_SHARE)
        for deal in deals[:answered]:
            acts = acts_on(lender_id, deal["deal_id"], projects[deal["deal_id"]])
            kind = "interest" if acts else "decline"
            body = {"kind": kind} | ({} if acts else {"reason": DECLINE_REASON})
            url = f"{MATCHING}/v1/deals/{deal['deal_id']}/responses"
            response = client.post(url, json={"response": body}, headers=headers)
            _check(response, 201, 409)
            counts[kind] += 1
        counts["left open"] += len(deals) - answered
    return counts


def retrain_ranker(client: httpx.Client, wait_s: float = 300) -> dict[str, Any] | None:
    """Ask for a retrain as an operator and wait for the version it makes."""
    asked = client.post(
        f"{MATCHING}/v1/ranker/retrain",
        json={"note": "seeded answers loaded"},
        headers=_headers("admin", None),
    )
    _check(asked, 202)
    reader = _headers("regulator", None)
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        view = client.get(f"{MATCHING}/v1/ranker/evaluation", headers=reader)
        _check(view, 200)
        trained_at = view.json()["trained_at"]
        if trained_at and _instant(trained_at) >= _instant(asked.json()["requested_at"]):
            return dict(view.json())
        time.sleep(2)
    return None


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text)


def evaluation_table(view: dict[str, Any]) -> str:
    """The offline evaluation as a Markdown table: each lender, then the mean."""

    def cell(value: float | None) -> str:
        return "–" if value is None else f"{value:.3f}"

    lines = [
        "| Lender | held-out answers | NDCG@10 learned | NDCG@10 fixed | AUC learned | AUC fixed"
        " | orders feed |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in view["lenders"]:
        e = row["evaluation"]
        if e is None:
            continue
        lines.append(
            f"| {row['lender_name']} | {e['held_out_answers']} | {cell(e['ndcg10_learned'])}"
            f" | {cell(e['ndcg10_fixed'])} | {cell(e['auc_learned'])} | {cell(e['auc_fixed'])}"
            f" | {'yes' if row['orders_feed'] else 'shadow'} |"
        )
    lines.append(
        f"| mean | | {cell(view['ndcg10_learned'])} | {cell(view['ndcg10_fixed'])}"
        f" | {cell(view['auc_learned'])} | {cell(view['auc_fixed'])} | |"
    )
    return "\n".join(lines)


def offer_instrument(project: dict[str, Any], offered: list[str]) -> str:
    """A CERF loan where the project's taxonomy allows one, else the first shared instrument;
    never a CERF loan on a project whose facility field is `not_eligible`."""
    from schemas.eligibility import ineligibility
    from schemas.scoring import CarbonReductionField
    from schemas.vocabulary import Instrument

    field = CarbonReductionField(project["taxonomy"]["carbon_reduction_facility_field"])
    allowed = [
        i
        for i in project["instruments"]
        if i in offered and ineligibility(Instrument(i), field) is None
    ]
    cerf = Instrument.CARBON_REDUCTION_FACILITY_LOAN.value
    return cerf if cerf in allowed else allowed[0]


def _answer(client: httpx.Client, headers: dict[str, str], deal: dict[str, Any], n: int) -> str:
    url = f"{MATCHING}/v1/deals/{deal['deal_id']}/responses"
    if n % 3 == 0:
        response = client.post(url, json={"response": {"kind": "interest"}}, headers=headers)
        return "interest" if response.status_code == 201 else "refused"
    project = deal["project"]
    mandate = client.get(f"{MATCHING}/v1/mandates/{deal['mandate_id']}", headers=headers)
    _check(mandate, 200)
    terms = mandate.json()["terms"]
    amount = max(
        min(Decimal(project["financing_need_cny"]), Decimal(terms["ticket_max_cny"])),
        Decimal(terms["ticket_min_cny"]),
    )
    offer = {
        "kind": "offer",
        "instrument": offer_instrument(project, terms["instruments"]),
        "amount_cny": f"{amount:.2f}",
        "rate_percent": "3.15",
        "tenor_months": project["tenor_months"],
    }
    if client.post(url, json={"response": offer}, headers=headers).status_code != 201:
        return "refused"
    if n % 3 == 1:
        return "offer"
    return _draw_and_repay(client, headers, deal["deal_id"], amount, month=1 + 3 * ((n // 3) % 3))


def _draw_and_repay(
    client: httpx.Client, headers: dict[str, str], deal_id: str, amount: Decimal, month: int
) -> str:
    """A loan's life in the demo: two tranches a month apart (60% and 40% of the offer), then
    a first repayment of a tenth of the principal a month later."""
    url = f"{MATCHING}/v1/deals/{deal_id}"
    first = (amount * Decimal("0.6")).quantize(Decimal("0.01"))
    for part, on in ((first, f"2026-{month:02d}-15"), (amount - first, f"2026-{month + 1:02d}-15")):
        paid = {"kind": "disbursed", "amount_cny": f"{part:.2f}", "disbursed_on": on}
        if (
            client.post(f"{url}/responses", json={"response": paid}, headers=headers).status_code
            != 201
        ):
            return "refused"
    repayment = {
        "amount_cny": f"{(amount / 10).quantize(Decimal('0.01')):.2f}",
        "repaid_on": f"2026-{month + 2:02d}-15",
    }
    repaid = client.post(f"{url}/repayments", json=repayment, headers=headers)
    return "disbursed in two tranches and partly repaid" if repaid.status_code == 201 else "refused"


def budget_use(client: httpx.Client) -> list[str]:
    """Each subsidy programme's budget use after the demo loans, as a regulator reads it."""
    answer = client.get(f"{MATCHING}/v1/subsidy-programmes", headers=_headers("regulator", None))
    _check(answer, 200)
    return [
        f"{p['programme_id']}: granted {p['granted_cny']} of {p['budget_cny']} CNY"
        f" in {p['claims']} claims"
        for p in answer.json()
    ]


def main() -> None:
    with httpx.Client(timeout=60) as client:
        enterprises, projects = load_enterprises_and_projects(client)
        print(f"seeds: {enterprises} enterprises, {projects} new projects")
        if importlib.util.find_spec("matching.app") is None:
            return
        lenders, mandates = load_lenders(client)
        print(f"seeds: {lenders} lenders, {mandates} new mandates")
        if projects or mandates:
            answers = answer_some_deals(client)
            print(
                "seed flow: lenders answered deals: "
                + ", ".join(f"{k} {v}" for k, v in answers.items())
            )
            for line in offer_pledge_loans(client):
                print(f"seed flow: carbon-asset pledge loan: {line}")
            stream = answer_by_preference(client)
            print(
                "seed flow: answers by preference: "
                + ", ".join(f"{k} {v}" for k, v in stream.items())
            )
            view = retrain_ranker(client)
            if view is not None:
                print(f"seed flow: deal ranker version {view['model_version']}:")
                print(evaluation_table(view))
        print("seed flow: subsidy budget use: " + "; ".join(budget_use(client)))


if __name__ == "__main__":
    main()
