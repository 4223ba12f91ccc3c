-- The facts a mandate re-match tests, kept beside each stored score as plain columns. A
-- re-match reads every live project; pulling these out of the large `scored` document each
-- time would de-TOAST it once per field, which at 200,000 projects takes seconds.
ALTER TABLE projects
    ADD COLUMN family text
        GENERATED ALWAYS AS (scored->>'family') STORED,
    ADD COLUMN city text
        GENERATED ALWAYS AS (scored->>'city') STORED,
    ADD COLUMN instruments jsonb
        GENERATED ALWAYS AS (scored->'instruments') STORED,
    ADD COLUMN financing_need_cny numeric
        GENERATED ALWAYS AS ((scored->>'financing_need_cny')::numeric) STORED,
    ADD COLUMN capex_cny numeric
        GENERATED ALWAYS AS ((scored->>'capex_cny')::numeric) STORED,
    ADD COLUMN tenor_months integer
        GENERATED ALWAYS AS ((scored->>'tenor_months')::integer) STORED,
    ADD COLUMN score double precision
        GENERATED ALWAYS AS ((scored->>'score')::double precision) STORED,
    ADD COLUMN annual_tco2e double precision
        GENERATED ALWAYS AS ((scored->>'annual_tco2e')::double precision) STORED,
    ADD COLUMN tco2e_per_10k_cny double precision
        GENERATED ALWAYS AS ((scored->>'tco2e_per_10k_cny')::double precision) STORED,
    ADD COLUMN abatement_cost_cny_per_tco2e numeric
        GENERATED ALWAYS AS ((scored->>'abatement_cost_cny_per_tco2e')::numeric) STORED,
    ADD COLUMN high_energy_high_emission boolean
        GENERATED ALWAYS AS (
            coalesce((scored->>'high_energy_high_emission')::boolean, false)
            OR coalesce((scored->'taxonomy'->>'high_energy_high_emission')::boolean, false)
        ) STORED,
    ADD COLUMN plausibility_flagged boolean
        GENERATED ALWAYS AS (coalesce(jsonb_array_length(scored->'flags'), 0) > 0) STORED;
