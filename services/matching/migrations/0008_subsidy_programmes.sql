-- Policy instruments: subsidy programmes loaded from their dated, sourced rule table, and what
-- each tranche and repayment earned from them.
--   subsidy_programmes   one row per programme: its rules (JSON, each row with its source), its
--                        budget and what has been granted so far, in integer fen. The CHECK is
--                        the last word on "never overspent": a grant that would pass the budget
--                        fails its whole transaction. Public policy data with counters, not a
--                        tenant's rows, so no row-level security: only the service writes it,
--                        under the row's lock, in the transaction that moves the loan.
--   subsidy_claims       one row per movement and programme: earned by the rule, granted by
--                        the budget; keyed so a movement can earn from a programme once.
CREATE TABLE subsidy_programmes (
    programme_id   text PRIMARY KEY,
    name           text NOT NULL,
    name_zh        text NOT NULL,
    kind           text NOT NULL,
    claimant       text NOT NULL,
    valid_from     date NOT NULL,
    valid_to       date,
    source         text NOT NULL,
    illustrative   boolean NOT NULL,
    rules          jsonb NOT NULL,
    budget_fen     bigint NOT NULL CHECK (budget_fen > 0),
    granted_fen    bigint NOT NULL DEFAULT 0,
    loaded_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT never_overspent CHECK (granted_fen >= 0 AND granted_fen <= budget_fen)
);

CREATE TABLE subsidy_claims (
    seq            bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    deal_id        uuid NOT NULL REFERENCES deals (deal_id),
    movement       text NOT NULL CHECK (movement IN ('disbursement', 'repayment')),
    number         integer NOT NULL,
    programme_id   text NOT NULL REFERENCES subsidy_programmes (programme_id),
    lender_id      uuid NOT NULL,
    enterprise_id  uuid NOT NULL,
    project_id     uuid NOT NULL,
    claimant       text NOT NULL,
    movement_on    date NOT NULL,
    earned_fen     bigint NOT NULL CHECK (earned_fen > 0),
    granted_fen    bigint NOT NULL CHECK (granted_fen >= 0 AND granted_fen <= earned_fen),
    event          jsonb NOT NULL,
    recorded_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (deal_id, movement, number, programme_id)
);
CREATE INDEX subsidy_claims_by_programme ON subsidy_claims (programme_id);
CREATE INDEX subsidy_claims_by_enterprise ON subsidy_claims (enterprise_id, seq);

-- A lender records the claims its loans earn and reads them; an enterprise reads only what it
-- may claim itself (a lender's refinancing is the lender's); regulators read all.
SELECT secure_tenant_table('subsidy_claims');
CREATE POLICY lender_own ON subsidy_claims
    USING (app_role() = 'lender' AND lender_id = app_tenant())
    WITH CHECK (app_role() = 'lender' AND lender_id = app_tenant());
CREATE POLICY enterprise_claims ON subsidy_claims FOR SELECT
    USING (app_role() = 'enterprise' AND enterprise_id = app_tenant()
        AND claimant = 'enterprise');
