"""Finding and visiting the console's pages the way a person does: sign in, follow links.

Pages are discovered from each role's home page and its navigation, one page per path shape
(a project's detail page stands for all of them), so a page added to the console is checked
and photographed without being listed here. A page only a form leads to (a bulk upload's
progress) is reached by filling that form, as a person would (`FORM_PAGES`).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

from playwright.async_api import FilePayload, Page

ROLE_HOME = {"enterprise": "/enterprise", "lender": "/bank", "regulator": "/regulator"}
ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\d+")
NOT_PAGES = (".csv", ".json", "/stream", "/events", "/download")


@dataclass(frozen=True)
class Visit:
    path: str
    status: int
    server_ms: float  # request sent to last byte received: the console's rendering time
    load_ms: float  # until the load event: what a person waits for


def shape(path: str) -> str:
    """The path with ids replaced and the names of its query parameters, so /bank/deals/<a>
    and /bank/deals/<b> count as one page, and a search with a query as another."""
    parts = urlsplit(path)
    names = sorted({p.split("=")[0] for p in parts.query.split("&") if p} - {"lang"})
    return ID.sub("{id}", parts.path) + (f"?{'&'.join(names)}" if names else "")


def page_name(role: str, path: str) -> str:
    """enterprise-home, bank-deals-detail, regulator-ledger: a file name a person can read."""
    rest = ID.sub("{id}", urlsplit(path).path).strip("/").split("/")[1:]
    rest += [name for name in shape(path).partition("?")[2].split("&") if name]
    return "-".join([role, *("detail" if p == "{id}" else p for p in rest or ["home"])])


async def sign_in(page: Page, role: str, tenant: uuid.UUID | None = None) -> None:
    """The development sign-in form, as a person fills it."""
    await page.goto("/signin")
    await page.check(f'input[name="role"][value="{role}"]')
    if tenant is not None:
        # The list offers the seeded organisations; the form takes any tenant, as here.
        await page.eval_on_selector(
            "#tenant",
            "(select, id) => { if (![...select.options].some(o => o.value === id)) "
            "select.add(new Option(id, id)); select.value = id; }",
            str(tenant),
        )
    await page.click('form[action="/signin/dev"] button[type="submit"]')
    await page.wait_for_url(f"**{ROLE_HOME[role]}**")


async def visit(page: Page, path: str) -> Visit:
    response = await page.goto(path, wait_until="load")
    assert response is not None, path
    timing = await page.evaluate(
        """() => { const n = performance.getEntriesByType('navigation')[0];
                   return [n.responseEnd - n.requestStart, n.loadEventEnd - n.startTime]; }"""
    )
    return Visit(path, response.status, float(timing[0]), float(timing[1]))


async def links_on(page: Page, prefix: str) -> list[str]:
    hrefs: list[str] = await page.eval_on_selector_all(
        "a[href]:not([download])", "links => links.map(a => a.getAttribute('href'))"
    )
    found = []
    for href in hrefs:
        parts = urlsplit(href)
        if parts.netloc or not parts.path.startswith(prefix) or parts.path.endswith(NOT_PAGES):
            continue
        found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


# Two lines the registry refuses (no project is registered), so the progress page has
# per-line errors to show and the organisation's data is left as it was.
REFUSED_LINES = (
    '{"name": "湘江光伏（示例，字段不全）", "type": "solar_pv", "tenor_months": 0}\n'
    '{"name": "Xiangjiang wind (sample, incomplete)", "type": "wind", "capex_cny": "-1"}\n'
).encode()


async def upload_progress_page(page: Page) -> str:
    """A bulk upload's progress page: the upload form sent with lines all refused."""
    await page.goto("/enterprise/uploads")
    file = FilePayload(name="projects.jsonl", mimeType="application/x-ndjson", buffer=REFUSED_LINES)
    await page.set_input_files('input[name="file"]', files=[file])
    await page.click('form[action="/enterprise/uploads"] button[type="submit"]')
    await page.wait_for_url("**/enterprise/uploads/*")
    return urlsplit(page.url).path


FORM_PAGES = {"enterprise": (upload_progress_page,)}


async def role_pages(page: Page, role: str, limit: int = 30) -> list[str]:
    """Every page of the role reachable from its home or through its forms (FORM_PAGES), one
    per path shape, home first."""
    home = ROLE_HOME[role]
    seen_shapes: set[str] = set()
    pages: list[str] = []
    queue = [home]
    for reach in FORM_PAGES.get(role, ()):
        queue.append(await reach(page))
    while queue and len(pages) < limit:
        path = queue.pop(0)
        key = shape(path)
        if key in seen_shapes:
            continue
        seen_shapes.add(key)
        pages.append(path)
        await page.goto(path)
        queue.extend(p for p in await links_on(page, home) if shape(p) not in seen_shapes)
    return pages
