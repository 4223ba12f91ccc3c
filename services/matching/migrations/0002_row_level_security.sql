-- Row-level security: a query that forgets its tenant filter still sees only its tenant's rows.
--
-- Each transaction says who it acts for with set_config('app.tenant' / 'app.role', ..., true)
-- (servicekit/rls.py), read back by app_tenant() and app_role() (servicekit's plumbing
-- migrations). The services connect as a role that owns no table; FORCE makes the policies bind
-- the owner too. Without a setting a transaction sees and writes nothing.
--   lender       its own registration, mandates, their versions, deals, disbursements and feed
--                (read and write), and the scored projects it has a deal on (read only)
--   enterprise   its own projects, the deals on them a lender answered with interest, an offer
--                or money, and those lenders' registrations (read only)
--   regulator    every row, read only
--   admin        every row, read only
--   system       every row: the consumer's matching and read model, never a request
-- Child tables without a lender column follow their parent: the EXISTS runs under the parent's
-- policies, so a lender sees a child row exactly when it sees the parent.

-- Tables keyed by lender_id.
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['lenders', 'mandates', 'deals', 'feed']
    LOOP
        EXECUTE format('CREATE POLICY lender_own ON %I'
                       ' USING (app_role() = ''lender'' AND lender_id = app_tenant())'
                       ' WITH CHECK (app_role() = ''lender'' AND lender_id = app_tenant())', t);
    END LOOP;
END
$$;

CREATE POLICY lender_own ON mandate_versions
    USING (app_role() = 'lender'
        AND EXISTS (SELECT 1 FROM mandates m WHERE m.mandate_id = mandate_versions.mandate_id))
    WITH CHECK (app_role() = 'lender'
        AND EXISTS (SELECT 1 FROM mandates m WHERE m.mandate_id = mandate_versions.mandate_id));

CREATE POLICY lender_own ON disbursements
    USING (app_role() = 'lender'
        AND EXISTS (SELECT 1 FROM deals d WHERE d.deal_id = disbursements.deal_id))
    WITH CHECK (app_role() = 'lender'
        AND EXISTS (SELECT 1 FROM deals d WHERE d.deal_id = disbursements.deal_id));

CREATE POLICY lender_matched ON projects FOR SELECT
    USING (app_role() = 'lender'
        AND EXISTS (SELECT 1 FROM deals d WHERE d.project_id = projects.project_id));

-- What an enterprise may know: its projects and who answered them.
CREATE POLICY enterprise_own ON projects FOR SELECT
    USING (app_role() = 'enterprise' AND enterprise_id = app_tenant());

CREATE POLICY enterprise_answered ON deals FOR SELECT
    USING (app_role() = 'enterprise' AND enterprise_id = app_tenant()
        AND state IN ('interested', 'offered', 'disbursed'));

CREATE POLICY enterprise_answered ON lenders FOR SELECT
    USING (app_role() = 'enterprise'
        AND EXISTS (SELECT 1 FROM deals d
                    WHERE d.enterprise_id = app_tenant() AND d.lender_id = lenders.lender_id));

-- Readers and the service itself, the same on every tenant table.
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['lenders', 'mandates', 'mandate_versions', 'deals',
                             'disbursements', 'feed', 'projects']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY readers ON %I FOR SELECT'
                       ' USING (app_role() IN (''regulator'', ''admin''))', t);
        EXECUTE format('CREATE POLICY service ON %I'
                       ' USING (app_role() = ''system'') WITH CHECK (app_role() = ''system'')', t);
    END LOOP;
END
$$;
