-- A carbon-asset pledge loan lends against expected carbon credits: it counts as an overlapping
-- instrument only for a score that carries `expected_issuance` (schemas/eligibility.py), beside
-- the carbon-reduction-facility rule of migration 0006. The generated column is rebuilt with
-- both rules.
ALTER TABLE projects DROP COLUMN eligible_instruments;
ALTER TABLE projects
    ADD COLUMN eligible_instruments jsonb
        GENERATED ALWAYS AS (
            (CASE WHEN scored->'taxonomy'->>'carbon_reduction_facility_field' = 'not_eligible'
                THEN (scored->'instruments') - 'carbon_reduction_facility_loan'
                ELSE scored->'instruments'
            END)
            - (CASE WHEN coalesce(jsonb_typeof(scored->'expected_issuance'), 'null') = 'null'
                THEN 'carbon_asset_pledge_loan'
                ELSE ''
            END)
        ) STORED;
