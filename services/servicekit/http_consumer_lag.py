"""`GET /v1/consumer-lag`: the service's consumer groups' lag, for regulators and operators."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request

from servicekit.consumer_lag import ConsumerGroups, ConsumerLag, KafkaUnavailable, consumer_lag
from servicekit.http_errors import RETRY_AFTER_S
from servicekit.policies import Reader
from servicekit.settings import ServiceSettings


def consumer_lag_router(groups: ConsumerGroups) -> APIRouter:
    """The route over `groups` (group id -> topics): empty for a service that consumes nothing."""
    router = APIRouter(prefix="/v1", tags=["operations"])

    @router.get("/consumer-lag")
    async def lag(request: Request, principal: Reader) -> ConsumerLag:
        """How far each consumer group of this service is behind, per partition, as Kafka
        holds its committed offsets (whether or not its consumers run)."""
        settings: ServiceSettings = request.app.state.settings
        try:
            return await consumer_lag(settings.kafka_access, groups)
        except KafkaUnavailable as exc:
            raise HTTPException(
                503,
                f"Kafka did not answer ({exc}); retry later",
                headers={"Retry-After": str(RETRY_AFTER_S)},
            ) from exc

    return router
