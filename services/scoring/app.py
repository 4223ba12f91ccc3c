"""Composition root of the scoring service."""

from __future__ import annotations

from pathlib import Path

import asyncpg
from fastapi import FastAPI

from schemas.topics import PROJECTS
from scoring import repository
from scoring.api import router
from scoring.config import ScoringSettings
from scoring.context import ScoringContext
from scoring.estimate.factors import load_factor_sets
from scoring.handlers import project_handlers
from servicekit.db import init_connection
from servicekit.http import create_app
from servicekit.runtime import ConsumerSpec, ServiceSpec

PROJECTS_CONSUMER = "scoring-projects"
CONSUMER_GROUPS = {PROJECTS_CONSUMER: (PROJECTS.name,)}


def settings() -> ScoringSettings:
    return ScoringSettings()


def build_app(config: ScoringSettings, context: ScoringContext) -> FastAPI:
    async def share_context(app: FastAPI) -> None:
        app.state.scoring_context = context

    return create_app(
        config,
        [router],
        title="GreenLink scoring",
        description="Emission-reduction benefit of each project, with cited methodologies,"
        " factors, plausibility flags, green taxonomy tags and rankings.",
        on_startup=[share_context],
        consumer_groups=CONSUMER_GROUPS,
    )


async def load_shipped_factor_sets(config: ScoringSettings) -> None:
    """Factor sets in seeds/ are stored before any role starts, so scoring always has one."""
    sets = list(load_factor_sets(config.factor_set_dir).values())
    con = await asyncpg.connect(
        config.database_url, server_settings={"search_path": config.db_schema}
    )
    try:
        await init_connection(con)
        async with con.transaction():
            await repository.sync_factor_sets(con, sets)
    finally:
        await con.close()


def spec() -> ServiceSpec:
    config = settings()
    context = ScoringContext()
    consumer = ConsumerSpec(
        name=PROJECTS_CONSUMER,
        topics=CONSUMER_GROUPS[PROJECTS_CONSUMER],
        handlers=project_handlers(context, config),
    )
    return ServiceSpec(
        settings=config,
        package_dir=Path(__file__).parent,
        app_factory=lambda: build_app(config, context),
        consumers=(consumer,),
        prestart=lambda: load_shipped_factor_sets(config),
    )
