"""`make screenshots`: a PNG of every console page in both languages, and how long each took.

With `make up` running, the pictures are of that console and its seeded data. Otherwise the
run starts its own: the local Kafka and PostgreSQL, every service and the console on free
loopback ports, and loads the seeds through the services' APIs first. Each role signs in as
the first seeded organisation of its kind; pages are found by following links from the role's
home page. Server time is from the request leaving the browser to the page's
last byte (the console calling the services and rendering); load time is until the load event.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Annotated

import httpx
import typer
from playwright.async_api import Page

from deploy.local.state import state_dir
from tests.support.browser import headless_chromium, watched_page
from tests.support.console_pages import Visit, page_name, role_pages, sign_in, visit
from tests.support.platform import platform_environment, running_platform, service_urls
from tests.support.processes import ROOT, ServiceProcess, free_port

OUT = ROOT / "docs" / "console"
VIEWPORT_WIDTH, MAX_HEIGHT_PX = 1280, 2400


def seeded_tenants() -> dict[str, uuid.UUID | None]:
    from console.organisations import seeded

    found = seeded()
    first = {
        kind: next((o.tenant for o in found if o.role == kind), None)
        for kind in ("enterprise", "lender")
    }
    return {**first, "regulator": None}


def report(seen: Visit, name: str) -> None:
    typer.echo(
        f"{seen.status} {seen.server_ms:7.0f} ms server {seen.load_ms:7.0f} ms load"
        f"  {name:<40} {seen.path}"
    )


async def shoot(page: Page, path: Path) -> None:
    """The page from its top, at most MAX_HEIGHT_PX tall: a long feed shows its first screens."""
    height = await page.evaluate("() => document.documentElement.scrollHeight")
    clip = {"x": 0, "y": 0, "width": VIEWPORT_WIDTH, "height": min(height, MAX_HEIGHT_PX)}
    await page.screenshot(path=str(path), full_page=True, clip=clip)  # type: ignore[arg-type]


async def photograph(console: str, out: Path) -> list[tuple[str, str, str, Visit]]:
    taken: list[tuple[str, str, str, Visit]] = []
    async with headless_chromium() as browser:
        async with watched_page(browser, base_url=console) as watched:
            for lang in ("zh", "en"):
                seen = await visit(watched.page, f"/signin?lang={lang}")
                await shoot(watched.page, out / f"signin-{lang}.png")
                taken.append(("anyone", f"signin-{lang}.png", lang, seen))
                report(seen, f"signin-{lang}.png")
        for role, tenant in seeded_tenants().items():
            async with watched_page(browser, base_url=console) as watched:
                await sign_in(watched.page, role, tenant)
                paths = await role_pages(watched.page, role)
                for lang in ("zh", "en"):
                    for path in paths:
                        joiner = "&" if "?" in path else "?"
                        seen = await visit(watched.page, f"{path}{joiner}lang={lang}")
                        name = f"{page_name(role, path)}-{lang}.png"
                        await shoot(watched.page, out / name)
                        taken.append((role, name, lang, seen))
                        report(seen, name)
    return taken


def write_index(taken: list[tuple[str, str, str, Visit]], out: Path) -> None:
    lines = [
        "# Console pages",
        "",
        "Refreshed by `make screenshots` with the seeded data (the console of `make up`, or a",
        "platform the run starts and seeds itself). Times are one visit each, on the machine",
        "that made the pictures: server = request sent to last byte (the console calling the",
        "services and rendering the page), load = until the browser's load event.",
        "",
        "| Page | Language | Path | Server ms | Load ms |",
        "|---|---|---|---|---|",
    ]
    for _, name, lang, seen in taken:
        lines.append(
            f"| [{name.removesuffix('.png')}]({name}) | {lang} | `{seen.path}` | "
            f"{seen.server_ms:.0f} | {seen.load_ms:.0f} |"
        )
    (out / "README.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def console_answers(url: str) -> bool:
    try:
        return httpx.get(f"{url}/readyz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


@contextmanager
def own_console() -> Iterator[str]:
    """The platform and console on free ports, seeded, for a machine without `make up`."""
    from deploy.local.infra import ensure_started
    from servicekit.issuer import ensure_keys

    info = ensure_started()
    keys = state_dir() / "keys" / "jwks.json"
    ensure_keys(keys)
    with running_platform(info, keys) as platform:
        env = platform_environment(info, keys) | service_urls(platform)
        seeded = subprocess.run(
            [sys.executable, str(ROOT / "deploy" / "seed.py")],
            env=os.environ | env, cwd=ROOT, capture_output=True, text=True, check=False,
        )  # fmt: skip
        if seeded.returncode != 0:
            typer.echo(f"seeding failed: {seeded.stdout[-1000:]}{seeded.stderr[-2000:]}", err=True)
            raise typer.Exit(1)
        console = ServiceProcess("console", "api", env, port=free_port()).start()
        try:
            yield console.url
        finally:
            console.stop()


def main(
    console: Annotated[str, typer.Option()] = os.environ.get(
        "CONSOLE_URL", "http://127.0.0.1:8005"
    ),
    out: Annotated[Path, typer.Option()] = OUT,
) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for stale in out.glob("*.png"):
        stale.unlink()  # a page that no longer exists loses its picture
    with ExitStack() as stack:
        if not console_answers(console.rstrip("/")):
            typer.echo(f"no console at {console}: starting the platform and loading the seeds")
            console = stack.enter_context(own_console())
        taken = asyncio.run(photograph(console.rstrip("/"), out))
    write_index(taken, out)
    bad = [name for _, name, _, seen in taken if seen.status != 200]
    typer.echo(f"{len(taken)} pages photographed into {out}; index in {out / 'README.md'}")
    if bad:
        typer.echo(f"not 200: {', '.join(bad)}", err=True)
        raise typer.Exit(1)


if __name__ == "__main__":
    typer.run(main)
