"""Composition root of the matching service."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import asyncpg
from fastapi import FastAPI

from matching.api import allocation_plan, deals, feeds, lenders, mandates, ranker, subsidies
from matching.config import MatchingSettings
from matching.handlers import consumer_handlers, expire_offers
from matching.lending.deals import china_date
from matching.mandate_sweeps import sweep_mandates
from matching.repository.book_keeper import BookKeeper
from matching.repository.feed_signals import FeedSignals
from matching.repository.subsidies import sync_programmes
from matching.retraining import ranker_handlers, retrain_if_due
from matching.subsidies.rules import load_programmes
from schemas.topics import DEALS, MANDATES, PROJECTS, RANKER, SCORES
from servicekit import lender_feeds
from servicekit.http import create_app
from servicekit.rls import SYSTEM, acting_for
from servicekit.runtime import ConsumerSpec, Duty, ServiceSpec

DEALS_CONSUMER = "matching-deals"
RANKER_CONSUMER = "matching-ranker"
# The deal matcher's inbox, the ranker's trainer (apart, so a training never holds up deals),
# and the worker copying deals into each lender's own feed topic.
CONSUMER_GROUPS = {
    DEALS_CONSUMER: (SCORES.name, PROJECTS.name, MANDATES.name),
    RANKER_CONSUMER: (RANKER.name,),
    lender_feeds.GROUP: (DEALS.name,),
}


def settings() -> MatchingSettings:
    return MatchingSettings()


def build_app(config: MatchingSettings) -> FastAPI:
    signals = FeedSignals()
    programmes = load_programmes(config.subsidy_programmes_path)

    async def load_subsidy_programmes(app: FastAPI) -> None:
        async with acting_for(app.state.pool, SYSTEM, None) as con:
            await sync_programmes(con, programmes)

    async def listen(app: FastAPI) -> None:
        await signals.start(config.database_url, config.db_schema)

    async def stop_listening(app: FastAPI) -> None:
        await signals.stop()

    app = create_app(
        config,
        [r.router for r in (lenders, mandates, feeds, deals, allocation_plan, subsidies, ranker)],
        title="GreenLink matching",
        description="Lenders' mandates, matched deal feeds, responses and capacity allocation.",
        on_startup=[load_subsidy_programmes, listen],
        on_shutdown=[stop_listening],
        consumer_groups=CONSUMER_GROUPS,
    )
    app.state.feed_signals = signals
    return app


def spec() -> ServiceSpec:
    config = settings()
    consumer = ConsumerSpec(
        name=DEALS_CONSUMER,
        topics=CONSUMER_GROUPS[DEALS_CONSUMER],
        handlers=consumer_handlers(BookKeeper()),
    )
    trainer = ConsumerSpec(
        name=RANKER_CONSUMER,
        topics=CONSUMER_GROUPS[RANKER_CONSUMER],
        handlers=ranker_handlers(config),
    )
    return ServiceSpec(
        settings=config,
        package_dir=Path(__file__).parent,
        app_factory=lambda: build_app(config),
        consumers=(consumer, trainer),
        duties=(
            Duty("offer-expiry", config.offer_sweep_s, _expire_offers),
            Duty(
                "mandate-rematch",
                config.mandate_sweep_s,
                partial(sweep_mandates, chunk=config.mandate_sweep_chunk),
            ),
            Duty("ranker-retrain", config.ranker_check_s, partial(retrain_if_due, settings=config)),
        ),
        workers=(lambda stop: lender_feeds.run_lender_feeds(config, stop),),
    )


async def _expire_offers(pool: asyncpg.Pool) -> int:
    """Offers valid through yesterday (in China) give their reservation back, unasked."""
    return await expire_offers(pool, china_date(datetime.now(UTC)))
