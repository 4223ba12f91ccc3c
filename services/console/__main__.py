"""`python -m console api|all` (`migrate` does nothing: the console owns no data)."""

from __future__ import annotations

import typer
import uvicorn

from console.app import build_app, settings
from servicekit.logs import configure_logging

cli = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)


@cli.command()
def migrate() -> None:
    """Nothing to migrate: the console keeps no state beside the user's cookie."""


@cli.command()
def api() -> None:
    """Serve the console's pages."""
    config = settings()
    configure_logging(config.service_name, config.log_level)
    uvicorn.run(build_app(config), host=config.http_host, port=config.http_port, log_config=None)


@cli.command("all")
def all_roles() -> None:
    """The console has one role, its web server; `all` is there so every service starts alike."""
    api()


cli()
