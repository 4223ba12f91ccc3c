-- Row-level security: a query that forgets its tenant filter still sees only its tenant's rows.
--
-- Each transaction says who it acts for with set_config('app.tenant' / 'app.role', ..., true)
-- (servicekit/rls.py), read back by app_tenant() and app_role() (servicekit's plumbing
-- migrations). The services connect as a role that owns no table; FORCE makes the policies bind
-- the owner too. Without a setting a transaction sees and writes nothing.
--   enterprise   its own enterprise, projects, versions and intake jobs (read and write)
--   regulator    every row, read only
--   admin        every row, read only
--   system       every row: the service's own background work, never a request
-- Child tables without an enterprise column follow their parent: the EXISTS runs under the
-- parent's policies, so an enterprise sees a child row exactly when it sees the parent.

ALTER TABLE enterprises ENABLE ROW LEVEL SECURITY;
ALTER TABLE enterprises FORCE ROW LEVEL SECURITY;
CREATE POLICY enterprise_own ON enterprises
    USING (app_role() = 'enterprise' AND id = app_tenant())
    WITH CHECK (app_role() = 'enterprise' AND id = app_tenant());

ALTER TABLE projects ENABLE ROW LEVEL SECURITY;
ALTER TABLE projects FORCE ROW LEVEL SECURITY;
CREATE POLICY enterprise_own ON projects
    USING (app_role() = 'enterprise' AND enterprise_id = app_tenant())
    WITH CHECK (app_role() = 'enterprise' AND enterprise_id = app_tenant());

ALTER TABLE intake_jobs ENABLE ROW LEVEL SECURITY;
ALTER TABLE intake_jobs FORCE ROW LEVEL SECURITY;
CREATE POLICY enterprise_own ON intake_jobs
    USING (app_role() = 'enterprise' AND enterprise_id = app_tenant())
    WITH CHECK (app_role() = 'enterprise' AND enterprise_id = app_tenant());

ALTER TABLE project_versions ENABLE ROW LEVEL SECURITY;
ALTER TABLE project_versions FORCE ROW LEVEL SECURITY;
CREATE POLICY enterprise_own ON project_versions
    USING (app_role() = 'enterprise'
        AND EXISTS (SELECT 1 FROM projects p WHERE p.id = project_id))
    WITH CHECK (app_role() = 'enterprise'
        AND EXISTS (SELECT 1 FROM projects p WHERE p.id = project_id));

ALTER TABLE intake_rows ENABLE ROW LEVEL SECURITY;
ALTER TABLE intake_rows FORCE ROW LEVEL SECURITY;
CREATE POLICY enterprise_own ON intake_rows
    USING (app_role() = 'enterprise'
        AND EXISTS (SELECT 1 FROM intake_jobs j WHERE j.id = job_id))
    WITH CHECK (app_role() = 'enterprise'
        AND EXISTS (SELECT 1 FROM intake_jobs j WHERE j.id = job_id));

ALTER TABLE intake_errors ENABLE ROW LEVEL SECURITY;
ALTER TABLE intake_errors FORCE ROW LEVEL SECURITY;
CREATE POLICY enterprise_own ON intake_errors
    USING (app_role() = 'enterprise'
        AND EXISTS (SELECT 1 FROM intake_jobs j WHERE j.id = job_id))
    WITH CHECK (app_role() = 'enterprise'
        AND EXISTS (SELECT 1 FROM intake_jobs j WHERE j.id = job_id));

-- Readers and the service itself, the same on every tenant table.
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['enterprises', 'projects', 'project_versions', 'intake_jobs',
                             'intake_rows', 'intake_errors']
    LOOP
        EXECUTE format('CREATE POLICY readers ON %I FOR SELECT'
                       ' USING (app_role() IN (''regulator'', ''admin''))', t);
        EXECUTE format('CREATE POLICY service ON %I'
                       ' USING (app_role() = ''system'') WITH CHECK (app_role() = ''system'')', t);
    END LOOP;
END
$$;
