"""Composition root of the registry service."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from registry import intake
from registry.api import router
from registry.config import RegistrySettings
from servicekit.http import create_app
from servicekit.runtime import ServiceSpec


def settings() -> RegistrySettings:
    return RegistrySettings()


def build_app(config: RegistrySettings | None = None) -> FastAPI:
    config = config or settings()

    async def resume_intake(app: FastAPI) -> None:
        app.state.intake_workers = intake.IntakeWorkers()
        app.state.intake_workers.start(
            intake.resume_unfinished(
                app.state.pool, config.intake_chunk_rows, config.intake_statement_timeout_ms
            )
        )

    return create_app(
        config,
        [router],
        title="GreenLink registry",
        description="Enterprises register themselves and their low-carbon projects.",
        body_limits={"/v1/intake-jobs": config.intake_max_bytes},
        on_startup=[resume_intake],
    )


def spec() -> ServiceSpec:
    config = settings()
    return ServiceSpec(
        settings=config, package_dir=Path(__file__).parent, app_factory=lambda: build_app(config)
    )
