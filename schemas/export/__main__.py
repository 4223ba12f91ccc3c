"""`python -m schemas.export` writes the generated contracts; `--check` only reports staleness."""

from __future__ import annotations

from typing import Annotated

import typer

from schemas.export.files import REGENERATE, export

app = typer.Typer(add_completion=False)


@app.command()
def main(
    check: Annotated[
        bool, typer.Option("--check", help="Change nothing; exit 1 if any file is stale.")
    ] = False,
) -> None:
    """Regenerate schemas/jsonschema/, schemas/asyncapi.yaml and docs/events.md."""
    stale = export(check=check)
    for path in stale:
        typer.echo(f"{'stale' if check else 'updated'}: {path}")
    if check and stale:
        typer.echo(f"generated contracts are stale; regenerate with: {REGENERATE}", err=True)
        raise typer.Exit(1)
    if not stale:
        typer.echo("generated contracts are up to date")


if __name__ == "__main__":
    app()
