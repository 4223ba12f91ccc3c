"""What `make profile` reads from py-spy's flame graphs, and that it records one of a live
process."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.bench import report
from tests.bench.profiles import (
    Profiles,
    finding,
    frames_of,
    package_of,
    profiled,
    self_samples,
)

# The shape py-spy (inferno) draws: the root at the top row, callees one row below, within
# their caller's span.
SVG = "\n".join(
    f'<g><title>{name} ({w} samples, 1%)</title><rect x="0%" y="{y}" width="1%" height="15"'
    f' fill="rgb(1,2,3)" fg:x="{x}" fg:w="{w}"/><text>x</text></g>'
    for name, y, x, w in [
        ("all", 52, 0, 100),
        ("run (servicekit/inbox.py:90)", 68, 0, 100),
        ("parse_record (servicekit/inbox.py:72)", 84, 0, 60),
        ("BaseModel.model_validate (pydantic/main.py:700)", 100, 0, 50),
        ("&lt;lambda&gt; (registry/app.py:3)", 84, 60, 30),
    ]
)


def test_a_function_s_own_samples_are_its_span_less_its_callees() -> None:
    spent = self_samples(frames_of(SVG))
    assert spent["run (servicekit/inbox.py:90)"] == 10
    assert spent["parse_record (servicekit/inbox.py:72)"] == 10
    assert spent["BaseModel.model_validate (pydantic/main.py:700)"] == 50
    assert spent["<lambda> (registry/app.py:3)"] == 30
    assert "all" not in spent


def test_a_frame_belongs_to_the_package_of_its_file() -> None:
    assert package_of("parse_record (servicekit/inbox.py:72)") == "servicekit"
    assert package_of("<module> (spin.py:1)") == "spin.py"


def test_the_finding_ranks_packages_by_the_samples_they_spent_themselves(tmp_path: Path) -> None:
    svg = tmp_path / "graph.svg"
    svg.write_text(SVG)
    found = finding("scoring consume", svg)
    assert found.samples == 100
    assert found.top_packages[0][0] == "pydantic"
    assert found.top_packages[0][1] == pytest.approx(0.5)
    assert found.top_functions[0][0] == "BaseModel.model_validate (pydantic/main.py:700)"
    assert "scoring consume" in found.line() and "pydantic 50%" in found.line()


BUSY = """
import time
def busy_hashing():
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        hash(tuple(range(500)))
busy_hashing()
"""


def test_a_profiled_step_writes_a_flame_graph_naming_the_busy_function(tmp_path: Path) -> None:
    child = subprocess.Popen([sys.executable, "-c", BUSY])
    try:
        time.sleep(0.5)  # the interpreter is up before py-spy attaches
        with profiled("busy step", {"spinner": child.pid}, tmp_path) as flames:
            time.sleep(1.5)
    finally:
        child.kill()
        child.wait()
    (found,) = flames.findings
    assert found.svg == tmp_path / "busy-step-spinner.svg" and found.svg.exists()
    assert found.samples > 0
    assert any("busy_hashing" in name for name, _ in found.top_functions)


def test_without_a_folder_nothing_is_sampled() -> None:
    with profiled("step", {"nobody": 1}, None) as flames:
        pass
    assert flames.findings == [] and flames.lines() == []


def test_the_report_names_each_flame_graph_with_what_dominates_it() -> None:
    svg = report.RESULTS / "profiles" / "run" / "bulk-pipeline-scoring-consume.svg"
    found = finding("scoring consume", svg)  # absent file: no samples, still named
    rows = report.profile_rows([Profiles("bulk pipeline", [found])])
    section = report.flame_graphs({"profiles": rows})
    assert "### bulk pipeline" in section
    assert "[scoring consume](profiles/run/bulk-pipeline-scoring-consume.svg)" in section
    assert report.flame_graphs({"profiles": []}) == ""
