"""Headless Chromium for the console's tests: console errors fail a test, and so does axe-core.

Chromium is the distribution's (`deploy/local/system-deps.sh`); Playwright only drives it.
axe-core is evaluated through the DevTools protocol, which a page's Content-Security-Policy does
not block, so the console under test keeps its real policy.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from playwright.async_api import Browser, ConsoleMessage, Error, Page, async_playwright

from deploy.local.browser import axe_script, chromium_path

BLOCKING_IMPACTS = frozenset({"serious", "critical"})
LOCALES = {"zh": "zh-CN", "en": "en-GB"}


@contextlib.asynccontextmanager
async def headless_chromium() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(chromium_path()),
            headless=True,
            args=["--no-sandbox", "--disable-dev-shm-usage"],  # root in CI, small /dev/shm
        )
        try:
            yield browser
        finally:
            await browser.close()


@dataclass
class WatchedPage:
    """A page whose console errors and uncaught exceptions are kept for the test to assert."""

    page: Page
    errors: list[str] = field(default_factory=list)

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(f"console: {message.text} ({message.location.get('url')})")

    def _on_page_error(self, error: Error) -> None:
        self.errors.append(f"uncaught: {error.message}")


@contextlib.asynccontextmanager
async def watched_page(
    browser: Browser, *, lang: str = "zh", base_url: str | None = None
) -> AsyncIterator[WatchedPage]:
    """A fresh context (own cookies) per use, in the language's locale and a desktop viewport."""
    context = await browser.new_context(
        base_url=base_url,
        locale=LOCALES[lang],
        viewport={"width": 1280, "height": 860},
        accept_downloads=True,
    )
    try:
        page = await context.new_page()
        watched = WatchedPage(page)
        page.on("console", watched._on_console)
        page.on("pageerror", watched._on_page_error)
        yield watched
    finally:
        await context.close()


@functools.cache
def _axe_source() -> str:
    return axe_script().read_text(encoding="utf-8")


async def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Serious and critical axe-core violations on the page as it is now."""
    if not await page.evaluate("() => typeof window.axe === 'object'"):
        await page.evaluate(_axe_source())
    found: list[dict[str, Any]] = await page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
            .map(v => ({id: v.id, impact: v.impact, help: v.help,
                        targets: v.nodes.slice(0, 5).map(n => n.target.join(' '))}))"""
    )
    return [v for v in found if v["impact"] in BLOCKING_IMPACTS]


async def assert_page_is_clean(watched: WatchedPage) -> None:
    """No console error or uncaught exception so far, and no serious or critical axe finding."""
    assert not watched.errors, f"{watched.page.url}: " + "; ".join(watched.errors)
    violations = await axe_violations(watched.page)
    assert not violations, f"{watched.page.url}: " + "; ".join(
        f"{v['impact']} {v['id']} ({v['help']}) at {', '.join(v['targets'])}" for v in violations
    )
