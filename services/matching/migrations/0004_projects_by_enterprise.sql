-- An enterprise's reads of matching's project rows (its row-level policy is by enterprise_id)
-- find them without a scan of every scored project.
CREATE INDEX projects_by_enterprise ON projects (enterprise_id);
