-- The row-level security every tenant table shares: enabled and forced (the owner is bound too),
-- readable by regulators and admins, read and written by the service itself. A service adds its
-- tenants' own policies beside it (docs/security.md).
CREATE OR REPLACE FUNCTION secure_tenant_table(target regclass) RETURNS void
    LANGUAGE plpgsql
    AS $$
BEGIN
    EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', target);
    EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', target);
    EXECUTE format('CREATE POLICY readers ON %s FOR SELECT'
                   ' USING (app_role() IN (''regulator'', ''admin''))', target);
    EXECUTE format('CREATE POLICY service ON %s'
                   ' USING (app_role() = ''system'') WITH CHECK (app_role() = ''system'')', target);
END
$$;
