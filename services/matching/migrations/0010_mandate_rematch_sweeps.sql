-- A mandate registered or changed is matched against every live project in chunks, each its own
-- transaction, instead of inside the consumer batch that brought the mandate event: over a
-- hundred thousand live projects one transaction held the consumer past its Kafka session, the
-- group took its partitions away, and the same batch ran again from the start, forever.
-- One row per mandate still to sweep: the version it was started for, and the last project id
-- a committed chunk covered (NULL: none yet). The chunk that covers the last project deletes it.
CREATE TABLE mandate_sweeps (
    mandate_id      uuid PRIMARY KEY,
    mandate_version integer NOT NULL,
    after_project   uuid,
    scanned         bigint NOT NULL DEFAULT 0,
    opened          bigint NOT NULL DEFAULT 0,
    started_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);

-- The service's own work queue: the service itself writes it, readers may look.
ALTER TABLE mandate_sweeps ENABLE ROW LEVEL SECURITY;
ALTER TABLE mandate_sweeps FORCE ROW LEVEL SECURITY;
CREATE POLICY readers ON mandate_sweeps FOR SELECT USING (app_role() IN ('regulator', 'admin'));
CREATE POLICY service ON mandate_sweeps
    USING (app_role() = 'system') WITH CHECK (app_role() = 'system');

-- A chunk locks the mandate's deals on its range of projects.
CREATE INDEX deals_by_mandate_project ON deals (mandate_id, project_id);
DROP INDEX deals_by_mandate;
