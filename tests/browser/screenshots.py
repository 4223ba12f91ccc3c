"""`make screenshots`: a PNG of every console page in both languages, and how long each took.

Run after `make up` (the console and the seeded platform answer on their usual ports). Each
role signs in as the first seeded organisation of its kind; pages are found by following links
from the role's home page. Server time is from the request leaving the browser to the page's
last byte (the console calling the services and rendering); load time is until the load event.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from pathlib import Path
from typing import Annotated

import typer

from tests.support.browser import headless_chromium, watched_page
from tests.support.console_pages import Visit, page_name, role_pages, sign_in, visit
from tests.support.processes import ROOT

OUT = ROOT / "docs" / "console"


def seeded_tenants() -> dict[str, uuid.UUID | None]:
    from console.organisations import seeded

    found = seeded()
    first = {
        kind: next((o.tenant for o in found if o.role == kind), None)
        for kind in ("enterprise", "lender")
    }
    return {**first, "regulator": None}


async def photograph(console: str, out: Path) -> list[tuple[str, str, str, Visit]]:
    taken: list[tuple[str, str, str, Visit]] = []
    async with headless_chromium() as browser:
        for role, tenant in seeded_tenants().items():
            async with watched_page(browser, base_url=console) as watched:
                await sign_in(watched.page, role, tenant)
                paths = await role_pages(watched.page, role)
                for lang in ("zh", "en"):
                    for path in paths:
                        joiner = "&" if "?" in path else "?"
                        seen = await visit(watched.page, f"{path}{joiner}lang={lang}")
                        name = f"{page_name(role, path)}-{lang}.png"
                        await watched.page.screenshot(path=str(out / name), full_page=True)
                        taken.append((role, name, lang, seen))
                        typer.echo(
                            f"{seen.status} {seen.server_ms:7.0f} ms server {seen.load_ms:7.0f} ms"
                            f" load  {name:<40} {path}"
                        )
    return taken


def write_index(taken: list[tuple[str, str, str, Visit]], out: Path) -> None:
    lines = [
        "# Console pages",
        "",
        "Refreshed by `make screenshots` after `make up` (seeded data). Times are one",
        "visit each on the machine that made the pictures: server = request sent to last byte",
        "(the console calling the services and rendering), load = until the load event.",
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


def main(
    console: Annotated[str, typer.Option()] = os.environ.get(
        "CONSOLE_URL", "http://127.0.0.1:8005"
    ),
    out: Annotated[Path, typer.Option()] = OUT,
) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for stale in out.glob("*.png"):
        stale.unlink()  # a page that no longer exists loses its picture
    taken = asyncio.run(photograph(console.rstrip("/"), out))
    write_index(taken, out)
    bad = [name for _, name, _, seen in taken if seen.status != 200]
    typer.echo(f"{len(taken)} pages photographed into {out}; index in {out / 'README.md'}")
    if bad:
        typer.echo(f"not 200: {', '.join(bad)}", err=True)
        raise typer.Exit(1)


if __name__ == "__main__":
    typer.run(main)
