"""Composition root of the matching service."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from matching.api import router
from matching.book_keeper import BookKeeper
from matching.config import MatchingSettings
from matching.handlers import consumer_handlers
from schemas.topics import MANDATES, PROJECTS, SCORES
from servicekit.http import create_app
from servicekit.runtime import ConsumerSpec, ServiceSpec


def settings() -> MatchingSettings:
    return MatchingSettings()


def build_app(config: MatchingSettings) -> FastAPI:
    return create_app(
        config,
        [router],
        title="GreenLink matching",
        description="Lenders' mandates, matched deal feeds, responses and capacity allocation.",
    )


def spec() -> ServiceSpec:
    config = settings()
    consumer = ConsumerSpec(
        name="matching-deals",
        topics=(SCORES.name, PROJECTS.name, MANDATES.name),
        handlers=consumer_handlers(BookKeeper()),
    )
    return ServiceSpec(
        settings=config,
        package_dir=Path(__file__).parent,
        app_factory=lambda: build_app(config),
        consumers=(consumer,),
    )
