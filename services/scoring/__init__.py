"""GreenLink scoring: emission-reduction methodologies, factor sets, plausibility and ranking.

The pure domain lives here; `api`, `handlers`, `repository` wrap it with HTTP, Kafka and SQL.
Entry points: `scoring.calculate.score_batch`, `scoring.ranking.rank`, `scoring.model.train`,
`scoring.factors.load_factor_sets`, `scoring.methodology_catalogue.catalogue`; one module per
project family in `scoring.families`.
"""
