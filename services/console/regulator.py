"""Regulator pages: financing flows and the Hunan map, the ledger's integrity, the CERF
disclosure, rankings, lineage by project and the pipeline's health.

Every figure comes from the services' public APIs with the regulator's own token; charts are
SVG drawn here, so the pages read the same with scripts turned off.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime
from decimal import Decimal
from functools import partial
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response

from console import flow_views, i18n
from console.as_user import backends, detail_of, read, send
from console.backends import Service
from console.pages import lang_of, render
from console.pipeline import dead_letter_twins, platform_health
from console.session import Reader, User

router = APIRouter(prefix="/regulator")
Quarter = Annotated[str | None, Query(pattern=r"^20[0-9]{2}Q[1-4]$", examples=["2026Q1"])]


def this_quarter() -> str:
    today = datetime.now(i18n.CHINA).date()
    return f"{today.year}Q{(today.month - 1) // 3 + 1}"


@router.get("")
async def dashboard(request: Request, user: Reader) -> Response:
    """Financing flows on the map, by city, sector and lender, and over time."""
    by_city, by_family, by_lender, by_period = await asyncio.gather(
        *(
            read(request, user, "audit", "/v1/flows", group_by=dim)
            for dim in ("city", "family", "lender", "period")
        )
    )
    lang = lang_of(request)
    t = partial(i18n.translate, lang)

    def shown(value: Decimal) -> str:
        return i18n.money(value, lang)

    charts = {
        "map": flow_views.by_city_map(by_city, t, shown),
        "city": flow_views.bars_chart(
            "by-city", by_city, "city", lambda c: t(f"city.{c}"), t("regulator.by_city"), shown
        ),
        "family": flow_views.bars_chart(
            "by-family",
            by_family,
            "family",
            lambda f: t(f"family.{f}"),
            t("regulator.by_family"),
            shown,
        ),
        "lender": flow_views.bars_chart(
            "by-lender",
            by_lender,
            "lender",
            flow_views.lender_name,
            t("regulator.by_lender"),
            shown,
        ),
        "time": flow_views.over_time_chart(by_period, t, flow_views.on_axis(lang, shown)),
    }
    return render(request, "regulator/dashboard.html", {"flows": by_city, "charts": charts})


@router.get("/ledger")
async def ledger(request: Request, user: Reader) -> Response:
    """Whether the hash chain verifies, and its latest signed checkpoints."""
    verified, checkpoints = await asyncio.gather(
        read(request, user, "audit", "/v1/ledger/verify"),
        read(request, user, "audit", "/v1/ledger/checkpoints", limit=20),
    )
    return render(
        request, "regulator/ledger.html", {"verify": verified, "checkpoints": checkpoints["items"]}
    )


@router.get("/disclosure")
async def disclosure(request: Request, user: Reader, quarter: Quarter = None) -> Response:
    """The carbon-reduction-facility disclosure table of a quarter."""
    chosen = quarter or this_quarter()
    table = await read(request, user, "audit", "/v1/disclosures/cerf", quarter=chosen)
    return render(
        request,
        "regulator/disclosure.html",
        {"quarter": chosen, "table": table, "names": flow_views.lender_name},
    )


@router.get("/disclosure.csv")
async def disclosure_csv(request: Request, user: Reader, quarter: Quarter = None) -> Response:
    """The same table as CSV, as the audit service writes it."""
    chosen = quarter or this_quarter()
    return await audit_csv(request, user, "/v1/disclosures/cerf", chosen, f"cerf-{chosen}")


async def audit_csv(request: Request, user: User, path: str, quarter: str, name: str) -> Response:
    """An audit report of the quarter passed on as the CSV the audit service writes."""
    return await passed_csv(request, user, "audit", path, {"quarter": quarter}, name)


async def passed_csv(
    request: Request, user: User, service: Service, path: str, params: dict[str, str], name: str
) -> Response:
    """A service's report passed on as the CSV that service writes, asked with the user's
    token (so the service, not the console, decides who may have it)."""
    params = params | {"format": "csv"}
    answer = await send(request, user, service, "GET", path, params=params)
    if not answer.ok:
        raise HTTPException(answer.status, detail_of(answer))
    return Response(
        str(answer.body),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


@router.get("/rankings")
async def rankings(request: Request, user: Reader) -> Response:
    """Scored projects, best first, with their standing overall, in type and in city."""
    ranked = await read(request, user, "scoring", "/v1/rankings", limit=50)
    return render(request, "regulator/rankings.html", {"items": ranked["items"]})


@router.get("/ranker")
async def ranker(request: Request, user: Reader) -> Response:
    """The deal ranker's offline evaluation: learned and fixed order on held-out answers."""
    view = await read(request, user, "matching", "/v1/ranker/evaluation")
    return render(request, "regulator/ranker.html", {"view": view})


@router.get("/lineage")
async def lineage(request: Request, user: Reader, project: uuid.UUID | None = None) -> Response:
    """Every recorded step of one project, from registration to repayment."""
    steps = None
    if project is not None:
        found = await read(request, user, "audit", f"/v1/projects/{project}/lineage")
        steps = found["items"]
    return render(request, "regulator/lineage.html", {"project": project, "steps": steps})


@router.get("/pipeline")
async def pipeline(request: Request, user: Reader) -> Response:
    """Each service's readiness, dead letters, unpublished outbox rows and consumer lag."""
    health = await platform_health(backends(request), user.token)
    groups = [g for s in health for g in s.groups]
    twins = dead_letter_twins(health)
    context = {"services": health, "groups": groups, "dead_letters": twins}
    return render(request, "regulator/pipeline.html", context)
