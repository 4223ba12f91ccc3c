"""The page checks every console test relies on fail on what they are meant to catch."""

from __future__ import annotations

import pytest
from playwright.async_api import Route

from tests.support.browser import assert_page_is_clean, watched_page

pytestmark = pytest.mark.browser
ORIGIN = "http://console.test"
STRICT_CSP = "default-src 'self'; img-src 'self' data:; script-src 'self'; style-src 'self'"


def _html(body: str, head: str) -> str:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Checks</title>'
        f"{head}</head><body><main><h1>GreenLink</h1>{body}</main></body></html>"
    )


async def _check(chromium, body: str, script: str = "") -> None:
    """Serve the page and its script from a route (no server needed) and check the page."""

    async def serve(route: Route) -> None:
        if route.request.url.endswith("/app.js"):
            await route.fulfill(body=script, content_type="text/javascript")
            return
        await route.fulfill(
            body=_html(body, '<script src="/app.js"></script>'),
            content_type="text/html; charset=utf-8",
            headers={"Content-Security-Policy": STRICT_CSP},
        )

    async with watched_page(chromium, lang="en") as watched:
        await watched.page.route(f"{ORIGIN}/**", serve)
        await watched.page.goto(f"{ORIGIN}/")
        await assert_page_is_clean(watched)


async def test_an_accessible_page_under_a_strict_csp_passes(chromium):
    await _check(chromium, "<p>Financing flows by city.</p>")


async def test_a_console_error_fails_the_page(chromium):
    with pytest.raises(AssertionError, match="console: boom"):
        await _check(chromium, "<p>ok</p>", script="console.error('boom')")


async def test_an_uncaught_exception_fails_the_page(chromium):
    with pytest.raises(AssertionError, match="uncaught: late"):
        await _check(chromium, "<p>ok</p>", script="throw new Error('late')")


async def test_a_script_the_csp_blocks_fails_the_page(chromium):
    with pytest.raises(AssertionError, match="Content Security Policy"):
        await _check(chromium, "<p>ok</p><script>document.title = 'inline'</script>")


async def test_a_serious_axe_violation_fails_the_page(chromium):
    with pytest.raises(AssertionError, match="critical image-alt"):
        await _check(chromium, '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">')


async def test_an_unlabelled_form_field_fails_the_page(chromium):
    with pytest.raises(AssertionError, match="label"):
        await _check(chromium, '<form><input name="city"></form>')
