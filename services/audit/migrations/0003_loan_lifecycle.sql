-- A loan's later steps join the answers: repayments (with the day they were made) and offers
-- that closed (withdrawn by the lender, declined by the enterprise, or expired).
ALTER TABLE responses DROP CONSTRAINT responses_kind_check;
ALTER TABLE responses ADD CONSTRAINT responses_kind_check
    CHECK (kind IN ('interest', 'decline', 'offer', 'disbursed', 'repaid', 'offer_closed'));
ALTER TABLE responses ADD COLUMN repaid_on date;
DROP INDEX responses_financing;
CREATE INDEX responses_financing ON responses (kind, instrument)
    WHERE kind IN ('offer', 'disbursed', 'repaid');
