"""Which model validates each event type, and on which topic each type travels."""

from __future__ import annotations

from schemas.deals import (
    DealMatched,
    DealOfferClosed,
    DealRepaid,
    DealResponded,
    DealWithdrawn,
)
from schemas.enterprise import EnterpriseRegistered
from schemas.envelope import EventData
from schemas.ledger import LedgerCheckpointed
from schemas.lending import LenderRegistered, MandateClosed, MandateRegistered, MandateUpdated
from schemas.project import ProjectRegistered, ProjectUpdated, ProjectWithdrawn
from schemas.ranking import RankerRetrainRequested, RankerTrained
from schemas.scoring import ProjectScored
from schemas.subsidies import SubsidyEarned
from schemas.topics import (
    CHECKPOINTS,
    DEALS,
    ENTERPRISES,
    MANDATES,
    PROJECTS,
    RANKER,
    SCORES,
    Topic,
)

_BY_TOPIC: dict[Topic, tuple[type[EventData], ...]] = {
    ENTERPRISES: (EnterpriseRegistered,),
    PROJECTS: (ProjectRegistered, ProjectUpdated, ProjectWithdrawn),
    SCORES: (ProjectScored,),
    MANDATES: (LenderRegistered, MandateRegistered, MandateUpdated, MandateClosed),
    DEALS: (
        DealMatched,
        DealWithdrawn,
        DealResponded,
        DealOfferClosed,
        DealRepaid,
        SubsidyEarned,
    ),
    RANKER: (RankerRetrainRequested, RankerTrained),
    CHECKPOINTS: (LedgerCheckpointed,),
}

EVENT_MODELS: dict[str, type[EventData]] = {
    model.event_type: model for models in _BY_TOPIC.values() for model in models
}
TOPIC_OF_EVENT: dict[str, Topic] = {
    model.event_type: topic for topic, models in _BY_TOPIC.items() for model in models
}


def model_for(event_type: str) -> type[EventData]:
    """The model of a known event type; KeyError names an unknown one (a dead-letter case)."""
    try:
        return EVENT_MODELS[event_type]
    except KeyError:
        raise KeyError(f"unknown event type {event_type!r}") from None
