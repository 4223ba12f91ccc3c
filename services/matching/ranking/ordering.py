"""Which order a lender's open deals are shown in: learned only where it has earned it.

The learned order replaces the fixed-weight order for a lender only when the lender's
held-out answers were ranked better by it (NDCG@10 and AUC both higher). Until then the model
runs in shadow: its order is logged beside the fixed one. Development may force the learned
order for a demo; production never does, whatever it is told.
"""

from __future__ import annotations

from typing import Literal

from schemas.ranking import LenderEvaluation

OrderedBy = Literal["learned", "fixed"]


def feed_order(
    evaluation: LenderEvaluation | None, *, force_learned: bool, production: bool
) -> OrderedBy:
    """`learned` when the model beat the fixed weights for this lender (or a development
    setting forces it), else `fixed`."""
    if evaluation is not None and evaluation.beats_fixed:
        return "learned"
    if force_learned and not production:
        return "learned"
    return "fixed"
