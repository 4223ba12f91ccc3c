"""Each role's journey in Chromium against the running platform: an enterprise registers a
project and sees it scored; a bank sees a new deal arrive in its feed without reloading and
answers it; a regulator sees the money flow and downloads the CERF disclosure."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable

import pytest
from playwright.async_api import Page

from tests.support.browser import assert_page_is_clean, watched_page
from tests.support.console_pages import sign_in
from tests.support.samples import (
    credit_code,
    data_centre_body,
    enterprise_body,
    lender_body,
    mandate_body,
)
from tests.support.scene import posted, remotes

pytestmark = pytest.mark.browser
WAIT_MS = 120_000


async def reload_until(page: Page, shown: Callable[[], Awaitable[bool]], tries: int = 90) -> None:
    """For pages that do not update themselves: look again each second, as a person would."""
    for _ in range(tries):
        if await shown():
            return
        await page.wait_for_timeout(1000)
        await page.reload()
    raise AssertionError(f"{page.url}: never showed what was expected")


async def test_an_enterprise_registers_a_project_and_sees_it_scored(chromium, console):
    name = f"Browser data centre {uuid.uuid4().hex[:8]}"
    async with watched_page(chromium, base_url=console, lang="en") as watched:
        page = watched.page
        await sign_in(page, "enterprise", uuid.uuid4())
        await page.goto("/enterprise?lang=en")
        await page.fill("#f-name", "湖南浏览器测试科技有限公司")
        await page.fill("#f-credit_code", credit_code())
        await page.select_option("#f-city", "xiangxi")
        await page.fill("#f-industry", "data centres")
        await page.click('form[action="/enterprise/profile"] button[type="submit"]')
        await page.wait_for_load_state()

        await page.goto("/enterprise/projects/new")
        await assert_page_is_clean(watched)
        for field, value in {
            "#f-name": name, "#f-capex_cny": "60000000.00", "#f-financing_need_cny": "40000000",
            "#f-tenor_months": "96", "#f-lifetime_years": "12",
            "#f-construction_start": "2025-03-01", "#f-operation_date": "2026-06-30",
            "#f-activity-it_load_kw": "5000", "#f-activity-pue_before": "1.8",
            "#f-activity-pue_after": "1.25",
        }.items():  # fmt: skip
            await page.fill(field, value)
        await page.select_option("#f-type", "data_centre_pue")
        await page.select_option("#f-city", "xiangxi")
        await page.check('input[name="instruments"][value="green_loan"]')
        await page.click("#project-form button[type='submit']:not([formaction])")
        await page.wait_for_url("**/enterprise/projects/*", timeout=WAIT_MS)
        assert await page.locator("h1").inner_text() == name

        score = page.locator('section[aria-labelledby="score-title"] dl.facts').first
        await reload_until(page, lambda: score.is_visible())
        scored = await score.inner_text()
        assert "scored" in scored and "dc-pue" in scored  # status and methodology
        await assert_page_is_clean(watched)

        await page.goto("/enterprise?lang=en")
        assert await page.locator("table a", has_text=name).count() == 1


async def test_a_bank_sees_a_new_deal_arrive_without_reloading_and_makes_an_offer(
    chromium, console, platform, mint
):
    lender, enterprise = uuid.uuid4(), uuid.uuid4()
    as_lender, as_enterprise = mint("lender", lender), mint("enterprise", enterprise)
    name = f"湘西数据中心 {uuid.uuid4().hex[:8]}"
    async with remotes(platform) as services:
        await posted(services["matching"], "/v1/lenders", lender_body(), as_lender)
        await posted(services["matching"], "/v1/mandates", mandate_body(), as_lender)
        await posted(
            services["registry"], "/v1/enterprises", enterprise_body(city="xiangxi"), as_enterprise
        )

        async with watched_page(chromium, base_url=console, lang="en") as watched:
            page = watched.page
            await sign_in(page, "lender", lender)
            await page.goto("/bank?lang=en")
            await page.evaluate("window.stillTheSamePage = true")
            await posted(
                services["registry"], "/v1/projects", data_centre_body(name=name), as_enterprise
            )
            arrived = page.locator("#feed li.deal", has_text=name)
            await arrived.wait_for(timeout=WAIT_MS)
            assert await page.evaluate("window.stillTheSamePage === true")  # no reload
            assert await arrived.locator("details.fit").count() == 1  # with its fit explanation
            await assert_page_is_clean(watched)

            await arrived.locator("a").first.click()
            await page.wait_for_url("**/bank/deals/*")
            await page.select_option("#f-offer-instrument", "green_loan")
            await page.fill("#f-offer-amount_cny", "30000000")
            await page.fill("#f-offer-rate_percent", "3.2")
            await page.fill("#f-offer-tenor_months", "96")
            await page.click("form:has(#f-offer-amount_cny) button[type='submit']")
            await page.wait_for_load_state()
            loan = page.locator('section[aria-labelledby="loan-title"]')
            await reload_until(page, lambda: loan.is_visible())
            assert "30,000,000.00" in await loan.inner_text()
            await assert_page_is_clean(watched)


async def test_a_regulator_sees_the_flow_and_downloads_the_disclosure(chromium, console, scene):
    async with watched_page(chromium, base_url=console, lang="en") as watched:
        page = watched.page
        await sign_in(page, "regulator")
        await page.goto("/regulator?lang=en")
        xiangxi = page.locator("table tbody tr", has_text="Xiangxi")
        assert "CNY 0.00" not in (await xiangxi.locator("td").first.inner_text())
        assert await page.locator('svg.map g[data-city="xiangxi"] circle').count() == 1
        await assert_page_is_clean(watched)

        await page.goto(f"/regulator/lineage?project={scene.project_id}")
        steps = page.locator("ol.timeline")
        await reload_until(page, lambda: steps.filter(has_text="offer").is_visible())
        assert "registered" in await steps.inner_text()
        await assert_page_is_clean(watched)

        await page.goto("/regulator/disclosure?quarter=2026Q1")
        async with page.expect_download() as downloading:
            await page.click("#disclosure-csv")
        download = await downloading.value
        assert download.suggested_filename == "cerf-2026Q1.csv"
        path = await download.path()
        disclosed = await asyncio.to_thread(path.read_text, encoding="utf-8")
        assert disclosed.startswith("lender_id") and str(scene.lender) in disclosed
