"""`python -m audit migrate|api|relay|consume|all|rebuild-views|verify-export`."""

import asyncio
from pathlib import Path
from typing import Annotated

import orjson
import typer

from audit.app import spec
from audit.checkpoint import load_public_key
from audit.replay import rebuild_views
from audit.verify_export import items_in, verify_export
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
