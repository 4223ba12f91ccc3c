"""Selecting unit tests does not build the fuzzing suite's schemas at collection."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit
ROOT = Path(__file__).resolve().parents[3]
# Collects the security folder with a marker selection, then says whether the fuzzing module
# (whose import builds every service's OpenAPI schema) was imported.
COLLECT = """
import sys, pytest
pytest.main(["--co", "-q", "-p", "no:cacheprovider", "-m", sys.argv[1], "tests/security"])
print("fuzzing module imported:", "tests.security.test_api_fuzz" in sys.modules)
"""


def _fuzz_module_imported(markexpr: str) -> bool:
    done = subprocess.run(
        [sys.executable, "-c", COLLECT, markexpr],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert "fuzzing module imported:" in done.stdout, done.stdout + done.stderr
    return "fuzzing module imported: True" in done.stdout


def test_unit_selection_never_imports_the_fuzzing_module() -> None:
    assert not _fuzz_module_imported("unit")


def test_security_selection_still_imports_the_fuzzing_module() -> None:
    assert _fuzz_module_imported("security")
