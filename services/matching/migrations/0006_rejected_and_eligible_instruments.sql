-- A score with any `reject` flag (physically impossible, or no reduction) is never live: it
-- reaches no feed, re-match or allocation plan. `eligible_instruments` are the instruments the
-- project asked for that its taxonomy allows (schemas/eligibility.py): a carbon-reduction-facility
-- loan needs a facility field, so it does not count as overlapping for a `not_eligible` project.
ALTER TABLE projects
    ADD COLUMN rejected boolean
        GENERATED ALWAYS AS (coalesce(scored->'flags' @> '[{"severity": "reject"}]', false)) STORED,
    ADD COLUMN eligible_instruments jsonb
        GENERATED ALWAYS AS (
            CASE WHEN scored->'taxonomy'->>'carbon_reduction_facility_field' = 'not_eligible'
                THEN (scored->'instruments') - 'carbon_reduction_facility_loan'
                ELSE scored->'instruments'
            END
        ) STORED;
