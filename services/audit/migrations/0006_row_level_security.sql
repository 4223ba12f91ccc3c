-- Row-level security on the read models: a query that forgets its tenant filter still sees only
-- what the caller's own reports may show (servicekit/rls.py sets app.tenant and app.role).
--   lender       its registration, its deals and answers, and the projects (with their scores)
--                it has a deal on: what its scorecard and CERF disclosure rest on
--   enterprise   its own projects: the owner check of its lineage
--   regulator    every row, read only
--   admin        every row, read only
--   system       every row: the ledger consumer and `rebuild-views`, never a request
-- The ledger, its head and the checkpoints stay without row security: they are one chain for
-- every tenant, walked whole by the append, the verification and the export, and a policy that
-- silently hid rows there could only make a broken chain look intact (docs/audit.md).

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['lenders', 'deals', 'responses']
    LOOP
        EXECUTE format('CREATE POLICY lender_own ON %I FOR SELECT'
                       ' USING (app_role() = ''lender'' AND lender_id = app_tenant())', t);
    END LOOP;
END
$$;

-- The EXISTS runs under the deals table's own policies: a lender's deals only.
CREATE POLICY lender_matched ON projects FOR SELECT
    USING (app_role() = 'lender'
        AND EXISTS (SELECT 1 FROM deals d WHERE d.project_id = projects.project_id));
CREATE POLICY lender_matched ON project_scores FOR SELECT
    USING (app_role() = 'lender'
        AND EXISTS (SELECT 1 FROM deals d WHERE d.project_id = project_scores.project_id));

CREATE POLICY enterprise_own ON projects FOR SELECT
    USING (app_role() = 'enterprise' AND enterprise_id = app_tenant());
CREATE POLICY enterprise_own ON project_scores FOR SELECT
    USING (app_role() = 'enterprise'
        AND EXISTS (SELECT 1 FROM projects p WHERE p.project_id = project_scores.project_id));

SELECT secure_tenant_table(t)
    FROM unnest(ARRAY['projects', 'project_scores', 'lenders', 'deals', 'responses']::regclass[]) t;
