-- The carbon-reduction-facility field is called CERF everywhere else (schemas, seeds, docs);
-- the read model's columns take the same name. A rename keeps the rows: no replay needed.
ALTER TABLE project_scores RENAME COLUMN crf_field TO cerf_field;
ALTER TABLE deals RENAME COLUMN crf_field TO cerf_field;
