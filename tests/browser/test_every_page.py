"""Every console page, in Chinese and in English, answers 200 with no console error and no
serious or critical axe-core finding. Pages are found by following links from each role's home
(and filling the forms that lead to a page), so a new page is covered as soon as it is linked;
a page of the role that the crawl cannot reach fails the test."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from tests.security.apps import api_routes, offline_app
from tests.support.browser import assert_page_is_clean, watched_page
from tests.support.console_pages import NOT_PAGES, ROLE_HOME, role_pages, shape, sign_in, visit

pytestmark = pytest.mark.browser
LANGS = {"zh": "zh-CN", "en": "en"}


def console_pages_under(prefix: str) -> set[str]:
    """The console's GET routes under `prefix` that are pages (not downloads or streams), with
    their path parameters written as the crawl writes ids."""
    return {
        re.sub(r"\{[^}]+\}", "{id}", path)
        for method, path in api_routes(offline_app("console"))
        if method == "GET" and path.startswith(prefix) and not path.endswith(NOT_PAGES)
    }


def in_language(path: str, lang: str) -> str:
    return f"{path}{'&' if '?' in path else '?'}lang={lang}"


async def problems_on(watched, path: str, lang: str) -> list[str]:
    watched.errors.clear()
    seen = await visit(watched.page, in_language(path, lang))
    if seen.status != 200:
        return [f"{path} [{lang}]: status {seen.status}"]
    found = []
    html_lang = await watched.page.get_attribute("html", "lang")
    if html_lang != LANGS[lang]:
        found.append(f"{path} [{lang}]: <html lang={html_lang!r}>")
    try:
        await assert_page_is_clean(watched)
    except AssertionError as exc:
        found.append(f"[{lang}] {exc}")
    return found


@pytest.mark.parametrize("lang", LANGS)
async def test_the_sign_in_page_is_clean_in_both_languages(chromium, console, lang):
    async with watched_page(chromium, base_url=console, lang=lang) as watched:
        assert await problems_on(watched, "/signin", lang) == []


@pytest.mark.parametrize("role", ROLE_HOME)
async def test_every_page_of_the_role_is_clean_in_both_languages(chromium, console, scene, role):
    async with watched_page(chromium, base_url=console) as watched:
        await sign_in(watched.page, role, scene.tenant_of(role))
        paths = await role_pages(watched.page, role)
        assert paths[0] == ROLE_HOME[role]
        crawled = {urlsplit(shape(path)).path for path in paths}
        assert console_pages_under(ROLE_HOME[role]) <= crawled, "pages the crawl never reached"
        problems = [
            p for lang in LANGS for path in paths for p in await problems_on(watched, path, lang)
        ]
    assert not problems, f"{len(paths)} pages checked:\n" + "\n".join(problems)
