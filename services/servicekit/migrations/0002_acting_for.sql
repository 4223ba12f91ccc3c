-- Who the current transaction acts for, as servicekit/rls.py sets it with set_config(..., true).
-- Row-level policies of every service schema read these; an unset value matches no policy.
-- OR REPLACE: schemas migrated before these moved here already hold identical definitions.
CREATE OR REPLACE FUNCTION app_tenant() RETURNS uuid
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT nullif(current_setting('app.tenant', true), '')::uuid $$;

CREATE OR REPLACE FUNCTION app_role() RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT coalesce(current_setting('app.role', true), '') $$;
