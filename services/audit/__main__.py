"""`python -m audit migrate|api|relay|consume|all|rebuild-views|fetch-export|verify-export`."""

import asyncio
from pathlib import Path
from typing import Annotated

import httpx
import orjson
import typer

from audit.app import spec
from audit.ledger.checkpoint import load_public_key
from audit.ledger.fetch_export import fetch_export
from audit.ledger.verify_export import items_in, verify_export
from audit.read_model.replay import rebuild_views
from servicekit.db import create_pool
from servicekit.runtime import build_cli

cli = build_cli(spec)


@cli.command("rebuild-views")
def rebuild_views_command() -> None:
    """Empty the read models and replay them from the ledger (the ledger is not touched)."""

    async def main() -> None:
        s = spec().settings
        pool = await create_pool(s.database_url, s.db_schema)
        try:
            typer.echo(f"replayed {await rebuild_views(pool)} ledger entries")
        finally:
            await pool.close()

    asyncio.run(main())


@cli.command("fetch-export")
def fetch_export_command(
    url: Annotated[str, typer.Argument(help="The audit API, e.g. https://audit.example.org")],
    out: Annotated[Path, typer.Option(file_okay=False, help="Folder for the three files.")],
    token: Annotated[
        str, typer.Option(envvar="GREENLINK_TOKEN", help="A regulator's bearer token.")
    ],
) -> None:
    """Download checkpoints, ledger and signing key over HTTP for `verify-export`."""

    async def main() -> None:
        headers = {"Authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(base_url=url, headers=headers, timeout=60) as client:
            fetched = await fetch_export(client, out)
        typer.echo(
            f"{fetched.entries} entries, {fetched.signed_checkpoints} signed checkpoints:"
            f" python -m audit verify-export {fetched.ledger}"
            f" --checkpoints {fetched.checkpoints} --public-key {fetched.public_key}"
        )

    asyncio.run(main())


ExistingFile = Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)]


@cli.command("verify-export")
def verify_export_command(
    ledger: ExistingFile,
    checkpoints: Annotated[
        Path, typer.Option(exists=True, dir_okay=False, help="Checkpoints as served (JSON).")
    ],
    public_key: Annotated[
        Path, typer.Option(exists=True, dir_okay=False, help="Signing key: PEM or JWK.")
    ],
) -> None:
    """Check an exported ledger against signed checkpoints, offline; exit 1 if it fails."""
    verdict = verify_export(
        items_in(ledger), list(items_in(checkpoints)), load_public_key(public_key.read_bytes())
    )
    typer.echo(orjson.dumps(verdict, option=orjson.OPT_INDENT_2).decode())
    if not verdict.ok:
        raise typer.Exit(1)


cli()
