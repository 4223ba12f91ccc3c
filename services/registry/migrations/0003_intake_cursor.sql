-- Bulk intake works through a job's staged rows by primary-key range from a cursor, so each
-- chunk's claim is an index range scan whatever the table's statistics say (see intake.py).
--   next_line  first line number not yet processed; the next chunk starts there
--   failure    why a job stopped for good, shown to its owner instead of a progress stuck at 0
ALTER TABLE intake_jobs ADD COLUMN next_line integer NOT NULL DEFAULT 0;
ALTER TABLE intake_jobs ADD COLUMN failure text;

-- Counting an enterprise's unfinished jobs (its limit on running jobs) reads only those.
CREATE INDEX intake_jobs_unfinished ON intake_jobs (enterprise_id)
    WHERE status IN ('queued', 'running');
