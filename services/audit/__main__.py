"""`python -m audit migrate|api|relay|consume|all|rebuild-views`."""

import asyncio

import typer

from audit.app import spec
from audit.replay import rebuild_views
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


cli()
