"""Audit finds the CERF refinancing table wherever it runs, or refuses to start."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from audit.config import AuditSettings

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[3]
LOCAL = {
    "GREENLINK_ENV": "test",
    "DATABASE_URL": "postgresql://greenlink@127.0.0.1:1/greenlink",
    "KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:1",
}


def test_the_image_points_audit_at_the_refinancing_table_it_ships() -> None:
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
    found = re.search(r"CERF_REFINANCING_PATH=(\S+)", dockerfile)
    assert found, "the image leaves the refinancing table where the installed package looks"
    assert "COPY seeds ./seeds" in dockerfile and "WORKDIR /app" in dockerfile
    in_image = Path(found.group(1))
    assert in_image.is_relative_to("/app/seeds")
    assert (ROOT / in_image.relative_to("/app")).is_file()


def test_a_missing_refinancing_table_stops_audit_at_start_naming_the_setting(
    tmp_path: Path,
) -> None:
    with pytest.raises(ValidationError, match="CERF_REFINANCING_PATH"):
        AuditSettings(**LOCAL, CERF_REFINANCING_PATH=tmp_path / "absent.json")  # type: ignore[arg-type]
    assert AuditSettings(**LOCAL).cerf_refinancing_path.is_file()  # type: ignore[arg-type]
