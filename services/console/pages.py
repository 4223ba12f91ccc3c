"""Rendering: one Jinja2 environment with the user's language, formatters and CSRF token."""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from console import i18n
from console.session import csrf_token, current_user

TEMPLATES = Jinja2Templates(
    env=jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"), autoescape=True
    )
)


def lang_of(request: Request) -> i18n.Lang:
    lang: i18n.Lang = request.state.lang
    return lang


def switch_url(request: Request, lang: str) -> str:
    """The same page in another language (a plain link: no script needed)."""
    query = {k: v for k, v in request.query_params.items() if k != "lang"} | {"lang": lang}
    return f"{request.url.path}?{urlencode(query)}"


def base_context(request: Request) -> dict[str, Any]:
    """What every template may use: the user, the language and its formatters, the CSRF token."""
    lang = lang_of(request)
    return {
        "request": request,
        "user": current_user(request),
        "lang": lang,
        "t": partial(i18n.translate, lang),
        "money": partial(i18n.money, lang=lang),
        "number": lambda value, places=2: i18n.number(value, lang, places),
        "when": partial(i18n.when, lang=lang),
        "csrf": csrf_token(request),
        "switch_url": partial(switch_url, request),
    }


def render(
    request: Request,
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    status_code: int = 200,
) -> HTMLResponse:
    return TEMPLATES.TemplateResponse(
        request, template, base_context(request) | dict(context or {}), status_code=status_code
    )
