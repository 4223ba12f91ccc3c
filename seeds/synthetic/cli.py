"""The command line: `python -m seeds.synthetic demo | enterprises | projects`."""

from __future__ import annotations

import csv
import time
from collections import Counter
from contextlib import ExitStack
from pathlib import Path
from typing import Annotated

import orjson
import typer

from seeds.synthetic.demo import SEEDS_DIR, demo_rows
from seeds.synthetic.enterprises import synthetic_enterprises
from seeds.synthetic.output import OutputFormat, binary_out, jsonl_bytes, line_sink
from seeds.synthetic.streams import synthetic_rows

app = typer.Typer(add_completion=False, help="GreenLink demo seeds and synthetic load data.")


@app.command("projects")
def projects_command(
    count: Annotated[int, typer.Option(min=0, help="rows to write")],
    out: Annotated[Path, typer.Option(help="output file, - for stdout")],
    fmt: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.JSONL,
    seed: int = 7,
    bad_fraction: Annotated[float, typer.Option(min=0.0, max=1.0)] = 0.0,
    enterprises: Annotated[int, typer.Option(min=1, help="owners (`enterprises` codes)")] = 1000,
    manifest: Annotated[Path | None, typer.Option(help="CSV of key,defect for bad rows")] = None,
) -> None:
    """Write synthetic project lines owned by the first ENTERPRISES synthetic enterprises."""
    codes = [e["credit_code"] for e in synthetic_enterprises(enterprises, seed)]
    defects: Counter[str] = Counter()
    started = time.perf_counter()
    with ExitStack() as stack:
        write = line_sink(stack, out, fmt)
        bad_rows = None
        if manifest is not None:
            listing = stack.enter_context(manifest.open("w", newline="", encoding="utf-8"))
            bad_rows = csv.writer(listing)
            bad_rows.writerow(("key", "defect"))
        for line, defect in synthetic_rows(count, codes, seed, bad_fraction):
            write(line)
            if defect is not None:
                defects[defect] += 1
                if bad_rows is not None:
                    bad_rows.writerow((line["key"], defect))
    elapsed = max(time.perf_counter() - started, 1e-9)
    typer.echo(
        f"{count} projects ({defects.total()} bad: {dict(defects)}) in {elapsed:.1f} s, "
        f"{count / elapsed:,.0f} rows/s",
        err=True,
    )


@app.command("enterprises")
def enterprises_command(
    count: Annotated[int, typer.Option(min=0)],
    out: Annotated[Path, typer.Option(help="output file, - for stdout")],
    seed: int = 7,
) -> None:
    """Write synthetic enterprise lines (EnterpriseSpec fields)."""
    with binary_out(out) as fh:
        for line in synthetic_enterprises(count, seed):
            fh.write(orjson.dumps(line, option=orjson.OPT_APPEND_NEWLINE))


@app.command("demo")
def demo_command(out_dir: Annotated[Path | None, typer.Option()] = None) -> None:
    """Regenerate the committed enterprises.jsonl and projects.jsonl in seeds/."""
    out_dir = out_dir or SEEDS_DIR
    enterprises, projects = demo_rows()
    (out_dir / "enterprises.jsonl").write_bytes(jsonl_bytes(enterprises))
    (out_dir / "projects.jsonl").write_bytes(jsonl_bytes(projects))
    typer.echo(f"{len(enterprises)} enterprises, {len(projects)} projects -> {out_dir}", err=True)
