"""`make chaos`: the fault suite at CHAOS_SIZE registrations per fault, then its table."""

from __future__ import annotations

import asyncio
from pathlib import Path

import typer

from servicekit.issuer import ensure_keys
from tests.chaos.suite import FAULTS, run_suite, table

ROOT = Path(__file__).resolve().parents[2]


def main(
    size: int = typer.Option(20_000, min=10, max=100_000, help="registrations per fault"),
    only: str = typer.Option("", help="run only the faults whose name contains this"),
) -> None:
    keys = ROOT / ".greenlink" / "chaos-keys" / "jwks.json"
    ensure_keys(keys)
    faults = {name: fault for name, fault in FAULTS.items() if only.lower() in name.lower()}
    outcomes = asyncio.run(run_suite(size, str(keys), faults))
    typer.echo("")
    typer.echo(table(outcomes))
    if not all(o.sound for o in outcomes):
        raise typer.Exit(1)


if __name__ == "__main__":
    typer.run(main)
