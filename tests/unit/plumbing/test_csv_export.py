"""CSV exports keep their header row even when a report has no rows."""

from __future__ import annotations

import pytest

from audit.reports.views import CerfRowView
from servicekit.csv_export import csv_response

pytestmark = pytest.mark.unit


def test_empty_disclosure_csv_still_has_its_header() -> None:
    response = csv_response([], "cerf-2026Q1", model=CerfRowView)
    header = bytes(response.body).decode().splitlines()[0]
    assert header.startswith("lender_id,lender_name,field,quarter_projects")
