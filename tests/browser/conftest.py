"""Headless Chromium, the platform's services and the console as real processes.

The browser is one per session; each test opens its own context (own cookies). The platform
and console run for this package only, so they do not linger beside later suites.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from playwright.async_api import Browser

from tests.support.browser import headless_chromium
from tests.support.platform import platform_environment, running_platform, service_urls
from tests.support.processes import ServiceProcess, free_port
from tests.support.scene import Scene, build_scene


@pytest.fixture(scope="session")
async def chromium() -> AsyncIterator[Browser]:
    async with headless_chromium() as browser:
        yield browser


@pytest.fixture(scope="package")
def platform(infra, jwks_path) -> Iterator[dict[str, ServiceProcess]]:
    with running_platform(infra, jwks_path) as running:
        yield running


@pytest.fixture(scope="package")
def console(platform, infra, jwks_path) -> Iterator[str]:
    """The console's base URL; it reaches the services over HTTP like any client."""
    env = platform_environment(infra, jwks_path) | service_urls(platform)
    process = ServiceProcess("console", "api", env, port=free_port()).start()
    try:
        yield process.url
    finally:
        process.stop()


@pytest.fixture(scope="package")
async def scene(platform, mint) -> Scene:
    """A lender, an enterprise's matched project and an offer, for pages to show."""
    return await build_scene(platform, mint)
