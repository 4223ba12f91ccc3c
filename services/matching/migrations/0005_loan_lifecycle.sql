-- The loan lifecycle: offers reserve mandate capacity until drawn, withdrawn, declined or
-- expired; a deal draws several tranches up to its offer; repayments lower what is owed.
--   reserved_cny       the undrawn part of a live offer, held against the mandate's capacity
--   disbursed_cny      everything drawn so far (the sum of the tranches)
--   repaid_cny         principal repaid so far; outstanding = disbursed - repaid
--   offer_open         the offer still holds capacity and may be drawn on
--   offer_valid_until  the last day (in China) the offer may be drawn on; the expiry sweep
--                      closes open offers past it
-- city and family are the project's, kept as columns so a mandate's exposure is one query.
ALTER TABLE deals
    ADD COLUMN reserved_cny numeric(16, 2) NOT NULL DEFAULT 0,
    ADD COLUMN repaid_cny numeric(16, 2) NOT NULL DEFAULT 0,
    ADD COLUMN offer_open boolean NOT NULL DEFAULT false,
    ADD COLUMN offer_valid_until date,
    ADD COLUMN city text GENERATED ALWAYS AS (matched->'project'->>'city') STORED,
    ADD COLUMN family text GENERATED ALWAYS AS (matched->'project'->>'family') STORED;

-- Offers made before reservations existed hold their amount from now on.
SELECT set_config('app.role', 'system', true);
UPDATE deals SET offer_open = true, reserved_cny = (offer->>'amount_cny')::numeric
WHERE state = 'offered' AND offer IS NOT NULL;

CREATE INDEX deals_committed ON deals (mandate_id)
    WHERE reserved_cny > 0 OR disbursed_cny > 0;
CREATE INDEX deals_open_offers ON deals (offer_valid_until) WHERE offer_open;

-- Tranches: one row per disbursement, numbered per deal.
ALTER TABLE disbursements ADD COLUMN tranche integer NOT NULL DEFAULT 1;
ALTER TABLE disbursements DROP CONSTRAINT disbursements_pkey;
ALTER TABLE disbursements ADD PRIMARY KEY (deal_id, tranche);

CREATE TABLE repayments (
    deal_id     uuid NOT NULL REFERENCES deals (deal_id),
    number      integer NOT NULL,
    mandate_id  uuid NOT NULL,
    amount_cny  numeric(16, 2) NOT NULL CHECK (amount_cny > 0),
    repaid_on   date NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (deal_id, number)
);

CREATE POLICY lender_own ON repayments
    USING (app_role() = 'lender'
        AND EXISTS (SELECT 1 FROM deals d WHERE d.deal_id = repayments.deal_id))
    WITH CHECK (app_role() = 'lender'
        AND EXISTS (SELECT 1 FROM deals d WHERE d.deal_id = repayments.deal_id));
ALTER TABLE repayments ENABLE ROW LEVEL SECURITY;
ALTER TABLE repayments FORCE ROW LEVEL SECURITY;
CREATE POLICY readers ON repayments FOR SELECT USING (app_role() IN ('regulator', 'admin'));
CREATE POLICY service ON repayments
    USING (app_role() = 'system') WITH CHECK (app_role() = 'system');

-- An enterprise sees the deals a lender answered with interest, an offer or money, including
-- the offers it declined, those that ended, and the loans' tranches and repayments.
DROP POLICY enterprise_answered ON deals;
CREATE POLICY enterprise_answered ON deals FOR SELECT
    USING (app_role() = 'enterprise' AND enterprise_id = app_tenant()
        AND state NOT IN ('matched', 'declined', 'withdrawn'));
CREATE POLICY enterprise_answered ON disbursements FOR SELECT
    USING (app_role() = 'enterprise'
        AND EXISTS (SELECT 1 FROM deals d WHERE d.deal_id = disbursements.deal_id));
CREATE POLICY enterprise_answered ON repayments FOR SELECT
    USING (app_role() = 'enterprise'
        AND EXISTS (SELECT 1 FROM deals d WHERE d.deal_id = repayments.deal_id));
