"""The deal ranker learns each lender's undisclosed preferences from its answers, is judged on
the newest answers it never saw, and orders a feed only where it beat the fixed weights."""

from __future__ import annotations

import dataclasses
import random
import uuid
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching.ranking.evaluation import HELD_OUT_SHARE, evaluate_lender, train_ranker
from matching.ranking.explained import explain, ranked_deals
from matching.ranking.features import FEATURE_NAMES, feature_matrix
from matching.ranking.metrics import auc, ndcg_at_k
from matching.ranking.model import LenderModel
from matching.ranking.ordering import feed_order
from schemas.ranking import LenderEvaluation
from seeds.lender_preferences import PREFERENCES, acts_on
from tests.support.ranker_samples import answered_examples, matched_payload

pytestmark = pytest.mark.unit


def _seeded(lender_id: uuid.UUID, count: int = 240, seed: int = 7) -> Any:
    return answered_examples(
        lender_id, lambda deal, project: acts_on(lender_id, deal, project), count, seed
    )


@pytest.mark.parametrize("lender_id", sorted(PREFERENCES, key=str))
def test_the_ranker_recovers_a_seeded_lenders_preferences_on_held_out_answers(
    lender_id: uuid.UUID,
) -> None:
    model, evaluation = evaluate_lender(lender_id, _seeded(lender_id))
    assert model is not None and evaluation is not None
    assert evaluation.held_out_answers == round(240 * HELD_OUT_SHARE)
    assert evaluation.ndcg10_learned > evaluation.ndcg10_fixed
    assert evaluation.auc_learned is not None and evaluation.auc_fixed is not None
    assert evaluation.auc_learned > evaluation.auc_fixed
    assert evaluation.beats_fixed
    # The families the lender favours or shuns get coefficients of that sign.
    coef = dict(zip(FEATURE_NAMES, model.coef, strict=True))
    for family, weight in PREFERENCES[lender_id].families.items():
        assert np.sign(coef[f"family_{family}"]) == np.sign(weight), family


def test_a_lender_answering_by_the_fixed_fit_gets_a_model_that_does_not_order_its_feed() -> None:
    """Answers that follow the fixed fit exactly leave the model nothing to add."""
    lender_id = uuid.uuid4()
    examples = answered_examples(lender_id, lambda deal, project: True, 200, 11)
    by_fit = [dataclasses.replace(e, acted=e.fit_score > 60) for e in examples]
    _, evaluation = evaluate_lender(lender_id, by_fit)
    assert evaluation is not None
    assert not evaluation.beats_fixed
    assert feed_order(evaluation, force_learned=False, production=True) == "fixed"


def test_lenders_with_too_few_answers_or_one_kind_of_answer_get_no_model() -> None:
    few, one_kind = uuid.uuid4(), uuid.uuid4()
    examples = [
        *answered_examples(few, lambda d, p: p["family"] == "carbon_sink", 10, 1),
        *answered_examples(one_kind, lambda d, p: True, 100, 2),
    ]
    trained = train_ranker(examples)
    assert trained.models == {} and trained.evaluations == []
    assert trained.answers == 110


def _evaluation(ndcg: tuple[float, float], aucs: tuple[float, float]) -> LenderEvaluation:
    learned_wins = ndcg[0] > ndcg[1] and aucs[0] > aucs[1]
    return LenderEvaluation(
        lender_id=uuid.uuid4(),
        train_answers=70,
        held_out_answers=30,
        ndcg10_learned=ndcg[0],
        ndcg10_fixed=ndcg[1],
        auc_learned=aucs[0],
        auc_fixed=aucs[1],
        beats_fixed=learned_wins,
    )


unit = st.floats(0, 1)


@settings(max_examples=200, deadline=None)
@given(ndcg=st.tuples(unit, unit), aucs=st.tuples(unit, unit), force=st.booleans())
def test_in_production_the_learned_model_never_orders_a_feed_before_it_beats_the_fixed_weights(
    ndcg: tuple[float, float], aucs: tuple[float, float], force: bool
) -> None:
    evaluation = _evaluation(ndcg, aucs)
    order = feed_order(evaluation, force_learned=force, production=True)
    assert (order == "learned") == (ndcg[0] > ndcg[1] and aucs[0] > aucs[1])
    assert feed_order(None, force_learned=force, production=True) == "fixed"


def test_ndcg_at_10_rewards_acted_deals_first_and_auc_needs_both_outcomes() -> None:
    acted = np.array([True, False, False, True])
    assert ndcg_at_k(np.array([4.0, 1.0, 2.0, 3.0]), acted) == pytest.approx(1.0)
    assert ndcg_at_k(np.array([1.0, 4.0, 3.0, 2.0]), acted) < 1.0
    assert ndcg_at_k(np.array([1.0, 2.0]), np.array([False, False])) == 0.0
    assert auc(np.array([4.0, 1.0, 2.0, 3.0]), acted) == pytest.approx(1.0)
    assert auc(np.array([1.0, 2.0]), np.array([True, True])) is None


def test_a_deals_learned_explanation_sums_to_its_chance_and_names_the_strongest_features() -> None:
    lender_id = sorted(PREFERENCES, key=str)[0]
    model, _ = evaluate_lender(lender_id, _seeded(lender_id))
    assert model is not None
    stored = LenderModel.from_json(lender_id, model.to_json())
    assert stored == model
    payloads = [matched_payload(random.Random(n)) for n in range(5)]
    explained = explain(model, 3, True, payloads)
    x = feature_matrix(payloads)
    for i, one in enumerate(explained):
        full = model.intercept + model.terms(x[i : i + 1])[0].sum()
        assert one.probability == pytest.approx(1 / (1 + np.exp(-full)))
        strengths = [abs(c.contribution) for c in one.contributions]
        assert strengths == sorted(strengths, reverse=True) and len(strengths) <= 6
        assert {c.feature for c in one.contributions} <= set(FEATURE_NAMES)


def test_a_ranked_feed_follows_the_learned_chance_only_when_told_to() -> None:
    lender_id = sorted(PREFERENCES, key=str)[0]
    model, _ = evaluate_lender(lender_id, _seeded(lender_id))
    assert model is not None
    payloads = [matched_payload(random.Random(n)) for n in range(8)]
    rows = [
        {"deal_id": uuid.UUID(int=n), "project_id": uuid.UUID(int=100 + n), "matched": p}
        for n, p in enumerate(payloads)
    ]
    learned = explain(model, 1, True, payloads)
    by_model = ranked_deals(rows, learned, "learned")
    assert [d.learned_rank for d in by_model] == list(range(1, 9))
    chances = [d.learned.probability for d in by_model if d.learned]
    assert chances == sorted(chances, reverse=True)
    by_fit = ranked_deals(rows, learned, "fixed")
    assert [d.fixed_rank for d in by_fit] == list(range(1, 9))
    assert [d.fit_score for d in by_fit] == sorted((d.fit_score for d in by_fit), reverse=True)
