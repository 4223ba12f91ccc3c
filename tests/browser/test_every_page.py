"""Every console page, in Chinese and in English, answers 200 with no console error and no
serious or critical axe-core finding. Pages are found by following links from each role's home,
so a new page is covered as soon as it is linked."""

from __future__ import annotations

import pytest

from tests.support.browser import assert_page_is_clean, watched_page
from tests.support.console_pages import ROLE_HOME, role_pages, sign_in, visit

pytestmark = pytest.mark.browser
LANGS = {"zh": "zh-CN", "en": "en"}


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
        problems = [
            p for lang in LANGS for path in paths for p in await problems_on(watched, path, lang)
        ]
    assert not problems, f"{len(paths)} pages checked:\n" + "\n".join(problems)
