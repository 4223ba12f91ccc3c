-- Read model of registry projects: the latest version of each, as scoring needs it.
CREATE TABLE projects (
    project_id    uuid PRIMARY KEY,
    enterprise_id uuid NOT NULL,
    version       integer NOT NULL,
    status        text NOT NULL DEFAULT 'active',
    snapshot      jsonb NOT NULL,
    updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE factor_sets (
    id        text PRIMARY KEY,
    version   integer NOT NULL,
    body      jsonb NOT NULL,
    active    boolean NOT NULL DEFAULT false,
    loaded_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX one_active_factor_set ON factor_sets (active) WHERE active;

CREATE TABLE models (
    version       text PRIMARY KEY,
    body          bytea NOT NULL,
    training_rows integer NOT NULL,
    active        boolean NOT NULL DEFAULT false,
    trained_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX one_active_model ON models (active) WHERE active;

-- One score per project version, factor set and model; old scores stay readable.
CREATE TABLE scores (
    project_id      uuid NOT NULL,
    project_version integer NOT NULL,
    factor_set_id   text NOT NULL,
    model_version   text NOT NULL,
    enterprise_id   uuid NOT NULL,
    type            text NOT NULL,
    city            text NOT NULL,
    score           double precision,
    annual_tco2e    double precision,
    rejected        boolean NOT NULL DEFAULT false,
    unscorable      text,
    current         boolean NOT NULL DEFAULT true,
    record          jsonb,
    scored_at       timestamptz NOT NULL,
    PRIMARY KEY (project_id, project_version, factor_set_id, model_version)
);
CREATE INDEX scores_current ON scores (score DESC) WHERE current;
CREATE INDEX scores_by_project ON scores (project_id, scored_at DESC);
