"""Each lender's own deal feed on Kafka: a topic per lender that only that lender may read.

Kafka's ACLs authorize whole topics, not records, so a bank's principal can be confined to its
own deals only if they sit in a topic of their own. The matching service copies every record of
`greenlink.deals` (keyed by lender id) into `greenlink.lender.<lender_id>.deals` unchanged.
"""

from __future__ import annotations

import uuid

LENDER_FEED_PREFIX = "greenlink.lender."
LENDER_FEED_SUFFIX = ".deals"
LENDER_FEED_PARTITIONS = 1  # one lender's deals keep their order, as on greenlink.deals
LENDER_PRINCIPAL_PREFIX = "lender-"


def lender_feed_topic(lender_id: uuid.UUID) -> str:
    """The topic holding exactly this lender's deal events."""
    return f"{LENDER_FEED_PREFIX}{lender_id}{LENDER_FEED_SUFFIX}"


def lender_principal(lender_id: uuid.UUID) -> str:
    """The Kafka user name a lender connects as; its consumer groups start with it too."""
    return f"{LENDER_PRINCIPAL_PREFIX}{lender_id}"
