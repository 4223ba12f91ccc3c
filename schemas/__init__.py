"""GreenLink event contracts: the only code every service shares besides `servicekit`."""

from schemas.catalog import EVENT_MODELS, TOPIC_OF_EVENT, model_for
from schemas.envelope import Envelope, EventData
from schemas.topics import TOPICS, Topic, topic_named

__all__ = [
    "EVENT_MODELS",
    "TOPICS",
    "TOPIC_OF_EVENT",
    "Envelope",
    "EventData",
    "Topic",
    "model_for",
    "topic_named",
]
