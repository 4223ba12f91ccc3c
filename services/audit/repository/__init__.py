"""Audit's SQL, one module per table family: the ledger, its checkpoints, the read model's
projections and the queries reports, lineage and listings run."""
