"""The topic registry: every topic, its partitions, its key and its dead-letter twin."""

from __future__ import annotations

from dataclasses import dataclass


def dead_letter_twin(topic: str) -> str:
    """Dead-letter topic for records of `topic` that consumers could not accept."""
    return f"{topic}.dlq"


@dataclass(frozen=True)
class Topic:
    """A Kafka topic and the rule for keying its records."""

    name: str
    partitions: int
    key: str
    description: str

    @property
    def dlq(self) -> str:
        return dead_letter_twin(self.name)


ENTERPRISES = Topic(
    "greenlink.enterprises", 6, "enterprise_id", "Enterprise registrations and changes."
)
PROJECTS = Topic(
    "greenlink.projects", 12, "project_id", "Project registrations, new versions, withdrawals."
)
SCORES = Topic("greenlink.scores", 12, "project_id", "Emission-reduction scores per version.")
MANDATES = Topic("greenlink.mandates", 6, "lender_id", "Lenders and their financing mandates.")
DEALS = Topic(
    "greenlink.deals",
    12,
    "lender_id",
    "Deals matched to lenders, withdrawn and answered; offers closed and loans repaid.",
)

RANKER = Topic(
    "greenlink.ranker",
    1,
    "request_id",
    "Requests to retrain the deal ranker from lenders' answers, and the versions trained.",
)

CHECKPOINTS = Topic(
    "greenlink.ledger-checkpoints",
    1,
    "key_id",
    "Signed heads of the audit ledger's hash chain, written by audit for readers outside the"
    " platform to keep.",
)

TOPICS: tuple[Topic, ...] = (
    ENTERPRISES,
    PROJECTS,
    SCORES,
    MANDATES,
    DEALS,
    RANKER,
    CHECKPOINTS,
)


def topic_named(name: str) -> Topic:
    """Look a topic up by name; unknown names are a programming error."""
    for topic in TOPICS:
        if topic.name == name:
            return topic
    raise KeyError(name)
