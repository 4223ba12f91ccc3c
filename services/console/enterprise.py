"""Enterprise pages: profile, projects with their scores, a project's full story, new
projects with a live estimate, and bulk uploads."""

from __future__ import annotations

import asyncio
import csv
import io
import uuid
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from console import project_form
from console.as_user import detail_of, field_errors, read, read_or_none, send
from console.forms import text
from console.pages import render
from console.session import CsrfChecked, Enterprise

router = APIRouter(prefix="/enterprise")
PAGE_SIZE = 20
MAX_ERROR_PAGES = 2000  # 500 lines each: a million refused lines is more than any upload holds
PROFILE_FIELDS = ("name", "credit_code", "city", "county", "industry", "contact_name")


# How far financing has come, furthest last: the lifecycle column shows the furthest answer.
FUNDING_STAGES = ("matched", "interested", "offered", "disbursed", "repaid")


def furthest_stage(lenders: list[Any] | None) -> str | None:
    stages = [
        FUNDING_STAGES.index(x["state"]) for x in lenders or [] if x["state"] in FUNDING_STAGES
    ]
    return FUNDING_STAGES[max(stages)] if stages else None


async def _with_scores(request: Request, user: Enterprise, projects: list[Any]) -> list[Any]:
    """Each project beside its current score (None until scoring has seen it) and how far its
    financing has come."""
    ids = [p["project_id"] for p in projects]
    scores, lenders = await asyncio.gather(
        asyncio.gather(*(read_or_none(request, user, "scoring", f"/v1/scores/{i}") for i in ids)),
        asyncio.gather(
            *(read_or_none(request, user, "matching", f"/v1/projects/{i}/lenders") for i in ids)
        ),
    )
    return [
        {"project": p, "score": s, "stage": furthest_stage(ls)}
        for p, s, ls in zip(projects, scores, lenders, strict=True)
    ]


@router.get("")
async def home(request: Request, user: Enterprise, after: str | None = None) -> Response:
    """Profile with credit code, then the enterprise's projects with status, score and rank."""
    profile = await read_or_none(request, user, "registry", f"/v1/enterprises/{user.tenant}")
    page = await read(request, user, "registry", "/v1/projects", limit=PAGE_SIZE, after=after)
    rows = await _with_scores(request, user, page["items"])
    return render(
        request,
        "enterprise/home.html",
        {
            "profile": profile,
            "rows": rows,
            "next_cursor": page.get("next_cursor"),
            "choices": project_form.choices(),
            "values": {},
            "errors": {},
        },
    )


@router.post("/profile", dependencies=[CsrfChecked])
async def register_profile(request: Request, user: Enterprise) -> Response:
    """Register the enterprise itself (name, unified social credit code, city, industry)."""
    form = await request.form()
    body = {k: v.strip() for k in PROFILE_FIELDS if isinstance(v := form.get(k), str) and v.strip()}
    answer = await send(request, user, "registry", "POST", "/v1/enterprises", json=body)
    if answer.ok:
        return RedirectResponse("/enterprise", status_code=303)
    page = await read(request, user, "registry", "/v1/projects", limit=PAGE_SIZE)
    return render(
        request,
        "enterprise/home.html",
        {
            "profile": None,
            "rows": await _with_scores(request, user, page["items"]),
            "choices": project_form.choices(),
            "values": body,
            "errors": field_errors(answer),
        },
        status_code=answer.status,
    )


def _form_page(
    request: Request,
    values: dict[str, Any],
    errors: dict[str, str],
    estimate: Any = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "enterprise/new_project.html",
        {
            "choices": project_form.choices(),
            "values": values,
            "errors": errors,
            "estimate": estimate,
        },
        status_code=status_code,
    )


async def _parsed(request: Request) -> tuple[project_form.ParsedProject, dict[str, Any]]:
    form = await request.form()
    instruments = [i for i in form.getlist("instruments") if isinstance(i, str)]
    values: dict[str, Any] = {
        k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"
    }
    values["instruments"] = instruments
    return project_form.parse(form, instruments), values


@router.get("/projects/new")
async def new_project(request: Request, user: Enterprise) -> Response:
    """The form for a new project, with an estimate preview before it is submitted."""
    return _form_page(request, {"instruments": []}, {})


@router.post("/projects", dependencies=[CsrfChecked])
async def register_project(request: Request, user: Enterprise) -> Response:
    """Register the project; the registry's refusals come back beside their fields."""
    parsed, values = await _parsed(request)
    if parsed.errors:
        return _form_page(request, values, parsed.errors, status_code=422)
    answer = await send(request, user, "registry", "POST", "/v1/projects", json=parsed.body)
    if answer.ok:
        return RedirectResponse(f"/enterprise/projects/{answer.body['project_id']}", 303)
    errors = project_form.beside_inputs(field_errors(answer))
    return _form_page(request, values, errors, status_code=answer.status)


@router.post("/estimate", dependencies=[CsrfChecked])
async def estimate(request: Request, user: Enterprise) -> Response:
    """What scoring would say of the description (methodology, factor, tCO2e, flags);
    scripts ask for the fragment alone, a plain form gets the whole page back."""
    parsed, values = await _parsed(request)
    answer = None
    errors = parsed.errors
    if not errors:
        answer = await send(request, user, "scoring", "POST", "/v1/estimate", json=parsed.body)
        errors = {} if answer.ok else project_form.beside_inputs(field_errors(answer))
    result = answer.body["score"] if answer is not None and answer.ok else None
    status_code = 200 if not errors else 422
    if request.headers.get("x-fragment"):
        return render(
            request,
            "enterprise/estimate.html",
            {"estimate": result, "errors": errors},
            status_code=status_code,
        )
    return _form_page(request, values, errors, result, status_code)


@router.get("/projects/{project_id}")
async def project_detail(request: Request, user: Enterprise, project_id: uuid.UUID) -> Response:
    """One project: score with its trace, taxonomy tags, versions, lineage, lenders' answers."""
    return await _project_page(request, user, project_id)


async def _project_page(
    request: Request,
    user: Enterprise,
    project_id: uuid.UUID,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    project = await read(request, user, "registry", f"/v1/projects/{project_id}")
    versions, score, lineage, lenders = await asyncio.gather(
        read(request, user, "registry", f"/v1/projects/{project_id}/versions"),
        read_or_none(request, user, "scoring", f"/v1/scores/{project_id}"),
        read_or_none(request, user, "audit", f"/v1/projects/{project_id}/lineage"),
        read_or_none(request, user, "matching", f"/v1/projects/{project_id}/lenders"),
    )
    return render(
        request,
        "enterprise/project.html",
        {
            "p": project,
            "versions": versions,
            "score": score,
            "lineage": (lineage or {}).get("items", []),
            "lenders": lenders or [],
            "errors": errors or {},
        },
        status_code=status_code,
    )


@router.post("/deals/{deal_id}/decline", dependencies=[CsrfChecked])
async def decline_offer(request: Request, user: Enterprise, deal_id: uuid.UUID) -> Response:
    """Turn down a lender's live offer on one of the enterprise's projects, saying why; the
    lender's reserved capacity is released."""
    loan = await read(request, user, "matching", f"/v1/deals/{deal_id}/loan")
    body = {"reason": text(await request.form(), "reason")}
    path = f"/v1/deals/{deal_id}/offer/decline"
    answer = await send(request, user, "matching", "POST", path, json=body)
    project_id = uuid.UUID(loan["project_id"])
    if answer.ok:
        return RedirectResponse(f"/enterprise/projects/{project_id}", status_code=303)
    errors = field_errors(answer) | {"deal_id": str(deal_id)}
    return await _project_page(request, user, project_id, errors, answer.status)


@router.post("/projects/{project_id}/withdraw", dependencies=[CsrfChecked])
async def withdraw(request: Request, user: Enterprise, project_id: uuid.UUID) -> Response:
    """Take the project off the market; lenders' open deals on it close."""
    reason = text(await request.form(), "reason")
    path = f"/v1/projects/{project_id}/withdraw"
    answer = await send(request, user, "registry", "POST", path, json={"reason": reason})
    if not answer.ok:
        raise HTTPException(answer.status, detail_of(answer))
    return RedirectResponse(f"/enterprise/projects/{project_id}", status_code=303)


UPLOAD_BLOCK = 1 << 20
UPLOAD_TYPES = {
    ".csv": "text/csv",
    ".jsonl": "application/x-ndjson",
    ".ndjson": "application/x-ndjson",
}


@router.get("/uploads")
async def uploads(request: Request, user: Enterprise) -> Response:
    """Upload many projects at once as CSV or JSON lines."""
    return render(request, "enterprise/uploads.html", {"errors": {}})


@router.post("/uploads", dependencies=[CsrfChecked])
async def upload(request: Request, user: Enterprise) -> Response:
    """Hand the file to the registry's intake; its progress page follows."""
    form = await request.form()
    file = form.get("file")
    filename = getattr(file, "filename", None) or ""
    suffix = filename[filename.rfind(".") :].lower() if "." in filename else ""
    if file is None or isinstance(file, str) or suffix not in UPLOAD_TYPES:
        return render(
            request,
            "enterprise/uploads.html",
            {"errors": {"file": "upload.error.type"}},
            status_code=422,
        )
    spooled = file  # narrowed above: an UploadFile, spooled to disk by the form parser

    async def blocks() -> AsyncIterator[bytes]:
        """The file in 1 MiB blocks: a large upload never sits whole in the console's memory."""
        while block := await spooled.read(UPLOAD_BLOCK):
            yield block

    answer = await send(
        request,
        user,
        "registry",
        "POST",
        "/v1/intake-jobs",
        content=blocks(),
        headers={"content-type": UPLOAD_TYPES[suffix]},
    )
    if not answer.ok:
        return render(
            request,
            "enterprise/uploads.html",
            {"errors": {"file": detail_of(answer)}},
            status_code=answer.status,
        )
    return RedirectResponse(f"/enterprise/uploads/{answer.body['job_id']}", status_code=303)


@router.get("/uploads/{job_id}")
async def upload_progress(request: Request, user: Enterprise, job_id: uuid.UUID) -> Response:
    """A bulk upload's progress and its first refused lines."""
    job = await read(request, user, "registry", f"/v1/intake-jobs/{job_id}")
    errors = await read(request, user, "registry", f"/v1/intake-jobs/{job_id}/errors", limit=20)
    return render(request, "enterprise/upload.html", {"job": job, "line_errors": errors["items"]})


@router.get("/uploads/{job_id}/errors.csv")
async def upload_errors(request: Request, user: Enterprise, job_id: uuid.UUID) -> Response:
    """Every refused line with its reason, as a CSV file to fix and upload again."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["line", "reason"])
    after: str | None = None
    for _ in range(MAX_ERROR_PAGES):
        page = await read(
            request, user, "registry", f"/v1/intake-jobs/{job_id}/errors", limit=500, after=after
        )
        writer.writerows((e["line"], e["reason"]) for e in page["items"])
        after = page.get("next_cursor")
        if not after or not page["items"]:
            break
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="upload-{job_id}-errors.csv"'},
    )
