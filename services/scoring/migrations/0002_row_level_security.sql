-- Row-level security: a query that forgets its tenant filter still sees only its tenant's rows.
--
-- Each transaction says who it acts for with set_config('app.tenant' / 'app.role', ..., true)
-- (servicekit/rls.py), read back by app_tenant() and app_role() (servicekit's plumbing
-- migrations). The services connect as a role that owns no table; FORCE makes the policies bind
-- the owner too. Without a setting a transaction sees and writes nothing.
--   enterprise   reads its own projects' scores and read-model rows; writes nothing
--   regulator    every row, read only
--   admin        every row, read only (its rescoring commands run as the service itself)
--   system       every row: the projects consumer and operators' rescoring, never a request
-- factor_sets and models hold no tenant data and stay plain, like outbox and processed_events.

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['projects', 'scores']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY enterprise_own ON %I FOR SELECT'
                       ' USING (app_role() = ''enterprise'' AND enterprise_id = app_tenant())', t);
        EXECUTE format('CREATE POLICY readers ON %I FOR SELECT'
                       ' USING (app_role() IN (''regulator'', ''admin''))', t);
        EXECUTE format('CREATE POLICY service ON %I'
                       ' USING (app_role() = ''system'') WITH CHECK (app_role() = ''system'')', t);
    END LOOP;
END
$$;
