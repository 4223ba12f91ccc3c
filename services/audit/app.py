"""Composition root of the audit service."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from audit.config import AuditSettings
from audit.handlers import handlers_for
from audit.ledger_api import router as ledger_router
from audit.lineage_api import router as lineage_router
from audit.reports_api import router as reports_router
from schemas.catalog import EVENT_MODELS
from schemas.topics import TOPICS
from servicekit.http import create_app
from servicekit.runtime import ConsumerSpec, ServiceSpec

LEDGER_CONSUMER = "audit-ledger"


APPEND_ONLY_TABLES = ("ledger", "checkpoints")  # history: the services may only add to it


def settings() -> AuditSettings:
    return AuditSettings()


def build_app(config: AuditSettings | None = None) -> FastAPI:
    return create_app(
        config or settings(),
        [ledger_router, lineage_router, reports_router],
        title="GreenLink audit",
        description=(
            "The hash-chained ledger of every event, project lineage, financing flows and "
            "carbon-reduction-facility disclosures, for regulators."
        ),
    )


def ledger_consumer(config: AuditSettings) -> ConsumerSpec:
    """Every topic, every event type: topics and types added later join without a change here."""
    return ConsumerSpec(
        name=LEDGER_CONSUMER,
        topics=tuple(t.name for t in TOPICS),
        handlers=handlers_for(sorted(EVENT_MODELS), config.checkpoint_every),
    )


def spec() -> ServiceSpec:
    config = settings()
    return ServiceSpec(
        settings=config,
        package_dir=Path(__file__).parent,
        app_factory=lambda: build_app(config),
        consumers=(ledger_consumer(config),),
        append_only_tables=APPEND_ONLY_TABLES,
    )
