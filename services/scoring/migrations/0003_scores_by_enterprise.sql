-- An enterprise's reads of its scores (its row-level policy is by enterprise_id) find them
-- without a scan of every score.
CREATE INDEX scores_by_enterprise ON scores (enterprise_id);
