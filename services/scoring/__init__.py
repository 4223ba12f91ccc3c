"""GreenLink scoring: emission-reduction methodologies, factor sets, plausibility and ranking.

The pure domain lives here; `api`, `handlers`, `repository` wrap it with HTTP, Kafka and SQL.
Domain packages: `estimate` (methodologies, factor sets, crediting), `plausibility` (checks and
the learned peer model), `taxonomy` (tags and plan targets), `score` (the batch, the 0-100
formula, data quality, ranks); one module per project family in `families`. Entry points:
`scoring.score.batch.score_batch`, `scoring.score.ranking.rank`,
`scoring.plausibility.peer_model.train`, `scoring.estimate.factors.load_factor_sets`,
`scoring.estimate.catalogue.catalogue`.
"""
