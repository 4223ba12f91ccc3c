"""The platform as `make up` runs it: four service processes, the seeds, a regulator's view."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from decimal import Decimal

import httpx
import pytest

from tests.support.kafka import eventually
from tests.support.platform import own_infrastructure, running_platform
from tests.support.processes import ROOT

# The seeds load every demo project and then the lenders' stream of answers through the APIs.
pytestmark = [pytest.mark.e2e, pytest.mark.timeout(900)]


@pytest.fixture(scope="module")
def platform(jwks_path):
    with (
        own_infrastructure("seed-flow") as infra,
        running_platform(infra, jwks_path) as running,
    ):
        yield running


def test_seed_flow_reaches_every_lender_feed_and_the_ledger_verifies(platform, mint, jwks_path):
    env = os.environ | {
        "REGISTRY_URL": platform["registry"].url,
        "MATCHING_URL": platform["matching"].url,
        "GREENLINK_JWKS_PATH": str(jwks_path),
    }
    seeded = subprocess.run(
        [sys.executable, str(ROOT / "deploy" / "seed.py")],
        env=env,
        capture_output=True,
        text=True,
        timeout=720,
        check=False,
    )
    assert seeded.returncode == 0, seeded.stdout + seeded.stderr
    assert "lenders answered deals" in seeded.stdout, seeded.stdout
    # The seeded forests' credits back pledge loans, at most what the deal shows lendable.
    pledged = "carbon-asset pledge loan: 中国农业银行湖南省分行 offers"
    assert pledged in seeded.stdout, seeded.stdout

    regulator = mint("regulator")
    with httpx.Client(timeout=60, headers=regulator) as client:
        mandates = client.get(f"{platform['matching'].url}/v1/mandates", params={"limit": 500})
        lenders = {m["lender_id"] for m in mandates.json()["items"]}
        assert len(lenders) >= 15
        fed = [
            lender
            for lender in lenders
            if client.get(f"{platform['matching'].url}/v1/lenders/{lender}/deals").json()["items"]
        ]
        assert len(fed) >= len(lenders) // 2  # most seeded lenders have a live feed

        ranking = client.get(f"{platform['scoring'].url}/v1/rankings", params={"limit": 5}).json()
        assert ranking["items"] and ranking["items"][0]["standing"]["rank_overall"] == 1

        audit = platform["audit"].url

        def verified() -> bool:
            body = client.get(f"{audit}/v1/ledger/verify").json()
            return bool(body["ok"] and body["checked"] > 300)

        eventually_sync(verified)
        flows = client.get(f"{audit}/v1/flows", params={"group_by": "city"}).json()
        assert flows["groups"]
        if "partly repaid 0" not in seeded.stdout:
            # Loans drawn in tranches and partly repaid: the flows show what is still owed.
            def repaid() -> bool:
                latest = client.get(f"{audit}/v1/flows").json()["total"]
                return Decimal(latest["repaid_cny"]) > 0

            eventually_sync(repaid)
            total = client.get(f"{audit}/v1/flows").json()["total"]
            assert 0 < Decimal(total["outstanding_cny"]) < Decimal(total["disbursed_cny"])
        cerf = client.get(
            f"{audit}/v1/disclosures/cerf", params={"quarter": "2026Q1", "format": "csv"}
        )
        assert cerf.status_code == 200 and cerf.text.startswith("lender_id")
        # The seed flow never makes a CERF loan on a project the taxonomy rules out.
        disclosed = client.get(f"{audit}/v1/disclosures/cerf", params={"quarter": "2026Q4"})
        assert disclosed.status_code == 200, disclosed.text
        assert "not_eligible" not in {row["field"] for row in disclosed.json()["rows"]}
        assert_the_regulator_downloads_this_quarters_lender_evaluation(client, audit)
        project = ranking["items"][0]["project_id"]
        lineage = client.get(f"{audit}/v1/projects/{project}/lineage").json()["items"]
        assert [i["step"] for i in lineage][:2] == ["registered", "scored"]
        assert_seeds_left_a_signed_checkpoint(client, audit)
        # A fresh platform: the seeds loaded the answer stream and the ranker trained on it.
        assert "deal ranker version" in seeded.stdout, seeded.stdout
        assert_seeded_lenders_feeds_show_learned_explanations(client, platform["matching"].url)
    assert_the_export_verifies_offline(audit, regulator["Authorization"].split()[1], env)


def assert_the_regulator_downloads_this_quarters_lender_evaluation(
    client: httpx.Client, audit: str
) -> None:
    """The seeded lenders answer deals and draw loans, so this quarter's ranking has rows."""
    from audit.reports.periods import china_date, quarter_of

    quarter = quarter_of(china_date(datetime.now(UTC))).label
    download = client.get(f"{audit}/v1/evaluations", params={"quarter": quarter, "format": "csv"})
    assert download.status_code == 200, download.text
    rows = list(csv.DictReader(io.StringIO(download.text)))
    assert len(rows) >= 15 and rows[0]["rank"] == "1"
    assert Decimal(rows[0]["total_score"]) > 0 and Decimal(rows[0]["green_loan_balance_cny"]) > 0


def assert_seeded_lenders_feeds_show_learned_explanations(client: httpx.Client, url: str) -> None:
    """The lenders whose answers follow undisclosed preferences get a model, evaluated on
    their held-out answers, that orders their feed exactly when it beat the fixed weights, and
    their open deals show what it learned. (The seeded answers are drawn per deal, so whether
    a model wins varies between platforms; that a model recovers the preferences is proven on
    fixed synthetic answers in tests/unit/matching/test_deal_ranker.py.)"""
    from seeds.lender_preferences import PREFERENCES

    view = client.get(f"{url}/v1/ranker/evaluation").json()
    rows = {r["lender_id"]: r for r in view["lenders"]}
    for lender_id in PREFERENCES:
        row = rows[str(lender_id)]
        evaluation = row["evaluation"]
        assert row["has_model"] and evaluation is not None, row
        assert row["orders_feed"] == evaluation["beats_fixed"], row
        ranked = client.get(f"{url}/v1/lenders/{lender_id}/deals/ranked").json()
        assert ranked["items"] and ranked["model_version"] == view["model_version"]
        assert all(item["learned"]["contributions"] for item in ranked["items"])


def assert_seeds_left_a_signed_checkpoint(client: httpx.Client, audit: str) -> None:
    """With its default settings the ledger anchors itself during the seeds alone: the seeds
    cross a multiple of AUDIT_CHECKPOINT_EVERY, which signs that head (the state may be reused
    from earlier runs, so any periodic checkpoint counts)."""
    from audit.ledger.checkpoint import load_public_key, signature_holds
    from audit.ledger.verify_export import signed_head

    latest = client.get(f"{audit}/v1/ledger/checkpoints/latest")
    assert latest.status_code == 200, latest.text
    key = load_public_key(client.get(f"{audit}/v1/ledger/signing-key").content)
    listed = client.get(f"{audit}/v1/ledger/checkpoints", params={"limit": 500}).json()["items"]
    periodic = [signed_head(c) for c in listed if c["reason"] == "periodic"]
    assert periodic and all(h is not None and signature_holds(key, h) for h in periodic)


def assert_the_export_verifies_offline(audit: str, token: str, env: dict[str, str]) -> None:
    """What a regulator does: fetch over HTTP, then verify with no database in reach."""
    with tempfile.TemporaryDirectory() as out:
        fetched = subprocess.run(
            [sys.executable, "-m", "audit", "fetch-export", audit, "--out", out],
            env=env | {"GREENLINK_TOKEN": token}, cwd=ROOT, capture_output=True, text=True,
            timeout=300, check=False,
        )  # fmt: skip
        assert fetched.returncode == 0, fetched.stdout + fetched.stderr
        offline = {
            k: v for k, v in env.items() if k not in ("DATABASE_URL", "MIGRATION_DATABASE_URL")
        }
        verified = subprocess.run(
            [sys.executable, "-m", "audit", "verify-export", f"{out}/ledger.ndjson",
             "--checkpoints", f"{out}/checkpoints.ndjson",
             "--public-key", f"{out}/signing-key.json"],
            env=offline, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
        assert verified.returncode == 0, verified.stdout + verified.stderr


def eventually_sync(probe, timeout_s: float = 120) -> None:
    import asyncio

    async def wrapped():
        return probe()

    asyncio.run(eventually(wrapped, timeout_s=timeout_s, interval_s=1))
