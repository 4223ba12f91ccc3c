-- The deal ranker (matching/ranking): requests to retrain it, each version trained with its
-- offline evaluation, and each lender's model in a version.
--   ranker_requests       one row per retrain request (an operator's or the schedule's);
--                         model_version is set once the request has been trained
--   ranker_versions       a trained version: how many answers it saw and its mean metrics
--   ranker_lender_models  per version and lender: the fitted numbers (null when the lender had
--                         too few answers of both kinds), the held-out evaluation (null when
--                         there was nothing to hold out) and whether it orders the lender's feed
CREATE TABLE ranker_requests (
    request_id    uuid PRIMARY KEY,
    cause         text NOT NULL,
    note          text NOT NULL DEFAULT '',
    requested_at  timestamptz NOT NULL,
    model_version integer
);
CREATE INDEX ranker_requests_pending ON ranker_requests (requested_at) WHERE model_version IS NULL;

CREATE TABLE ranker_versions (
    model_version integer PRIMARY KEY,
    request_id    uuid NOT NULL UNIQUE,
    answers       integer NOT NULL,
    summary       jsonb NOT NULL,
    trained_at    timestamptz NOT NULL
);

CREATE TABLE ranker_lender_models (
    model_version integer NOT NULL REFERENCES ranker_versions (model_version),
    lender_id     uuid NOT NULL,
    model         jsonb,
    evaluation    jsonb,
    orders_feed   boolean NOT NULL,
    PRIMARY KEY (model_version, lender_id)
);
CREATE INDEX ranker_lender_models_newest ON ranker_lender_models (lender_id, model_version DESC);

-- A lender's first answer to each deal, found without reading every feed entry.
CREATE INDEX feed_answers ON feed (deal_id, position) WHERE event_type = 'deal.responded.v1';

SELECT secure_tenant_table('ranker_requests');
SELECT secure_tenant_table('ranker_versions');
SELECT secure_tenant_table('ranker_lender_models');
CREATE POLICY lender_own ON ranker_lender_models FOR SELECT
    USING (app_role() = 'lender' AND lender_id = app_tenant());
