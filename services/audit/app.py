"""Composition root of the audit service."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from audit.api.evaluations import router as evaluations_router
from audit.api.ledger import router as ledger_router
from audit.api.lineage import router as lineage_router
from audit.api.reports import router as reports_router
from audit.config import AuditSettings
from audit.handlers import ledger_handlers
from audit.ledger.signing_key import signer_for
from audit.repository import checkpoints
from audit.repository.checkpoints import Anchoring
from schemas.catalog import TOPIC_OF_EVENT, model_for
from schemas.export.topology import ledgered_topics
from servicekit.http import create_app
from servicekit.runtime import ConsumerSpec, Duty, ServiceSpec

LEDGER_CONSUMER = "audit-ledger"
CONSUMER_GROUPS = {LEDGER_CONSUMER: tuple(t.name for t in ledgered_topics())}


APPEND_ONLY_TABLES = ("ledger", "checkpoints")  # history: the services may only add to it


def settings() -> AuditSettings:
    return AuditSettings()


def build_app(config: AuditSettings | None = None) -> FastAPI:
    config = config or settings()
    app = create_app(
        config,
        [ledger_router, lineage_router, reports_router, evaluations_router],
        title="GreenLink audit",
        description=(
            "The hash-chained ledger of every event, signed checkpoints anchoring it, project "
            "lineage, financing flows, carbon-reduction-facility disclosures and lenders' quarterly"
            " green-finance evaluation, for regulators."
        ),
        consumer_groups=CONSUMER_GROUPS,
    )
    return app


def ledger_consumer(config: AuditSettings) -> ConsumerSpec:
    """Every topic another service writes, every event type on them: topics and types added
    later join without a change here. Audit's own checkpoints are not ledgered."""
    topics = ledgered_topics()
    models = [model_for(t) for t, topic in sorted(TOPIC_OF_EVENT.items()) if topic in topics]
    anchoring = Anchoring(signer_for(config), config.checkpoint_every)
    return ConsumerSpec(
        name=LEDGER_CONSUMER,
        topics=CONSUMER_GROUPS[LEDGER_CONSUMER],
        handlers=ledger_handlers(models, anchoring),
    )


def timed_checkpoint(config: AuditSettings) -> Duty:
    """Anchor a quiet ledger too: the head is signed every interval if it moved."""
    signer = signer_for(config)
    return Duty(
        "ledger-checkpoint",
        config.checkpoint_interval_s,
        lambda pool: checkpoints.on_interval(pool, signer),
    )


def spec() -> ServiceSpec:
    config = settings()
    return ServiceSpec(
        settings=config,
        package_dir=Path(__file__).parent,
        app_factory=lambda: build_app(config),
        consumers=(ledger_consumer(config),),
        append_only_tables=APPEND_ONLY_TABLES,
        duties=(timed_checkpoint(config),),
    )
