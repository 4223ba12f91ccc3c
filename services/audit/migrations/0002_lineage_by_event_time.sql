-- Lineage reads a project's entries by event time: audit consumes several topics, so ledger
-- order is arrival order, and a score may arrive before the registration it answers.
CREATE INDEX ledger_project_timeline ON ledger (project_id, event_time, seq)
    WHERE project_id IS NOT NULL;
