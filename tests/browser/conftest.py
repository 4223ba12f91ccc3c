"""Headless Chromium for the browser tests, one per session; each test gets fresh cookies."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser

from tests.support.browser import headless_chromium


@pytest.fixture(scope="session")
async def chromium() -> AsyncIterator[Browser]:
    async with headless_chromium() as browser:
        yield browser
