"""Synthetic deals for the ranker's tests: matched payloads with the fields it reads, and
answers drawn from a lender's hidden preference."""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from matching.ranking.evaluation import Example
from matching.ranking.features import deal_features
from schemas.vocabulary import City, ProjectFamily

START = datetime(2026, 1, 1, tzinfo=UTC)


def matched_payload(rng: random.Random, families: Sequence[str] | None = None) -> dict[str, Any]:
    """A deal's matched payload: a project of some family, city and size, and fit parts."""
    family = rng.choice(list(families or [f.value for f in ProjectFamily]))
    score = rng.uniform(40, 95)
    parts = {
        "score": score / 100,
        "intensity": rng.uniform(0.05, 0.9),
        "ticket": rng.uniform(0.2, 1.0),
        "city": float(rng.random() < 0.4),
    }
    weights = {"score": 40.0, "intensity": 25.0, "ticket": 25.0, "city": 10.0}
    return {
        "project": {
            "project_name": f"{family} project",
            "family": family,
            "city": rng.choice([c.value for c in City]),
            "financing_need_cny": f"{10 ** rng.uniform(6, 9):.2f}",
            "annual_tco2e": 10 ** rng.uniform(2, 5),
            "data_quality_tier": rng.randint(1, 5),
        },
        "explanation": {"parts": [{"name": k, "value": v} for k, v in parts.items()]},
        "fit_score": sum(weights[k] * v for k, v in parts.items()),
    }


def answered_examples(
    lender_id: uuid.UUID,
    acts: Callable[[uuid.UUID, Mapping[str, Any]], bool],
    count: int,
    seed: int,
) -> list[Example]:
    """`count` deals answered one after another by a lender deciding with `acts`."""
    rng = random.Random(seed)
    examples = []
    for n in range(count):
        deal_id = uuid.UUID(int=rng.getrandbits(128))
        matched = matched_payload(rng)
        examples.append(
            Example(
                deal_id,
                lender_id,
                START + timedelta(hours=n),
                float(matched["fit_score"]),
                tuple(deal_features(matched)),
                acts(deal_id, matched["project"]),
            )
        )
    return examples
