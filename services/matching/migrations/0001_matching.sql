CREATE SEQUENCE mandate_revision;

CREATE TABLE lenders (
    lender_id     uuid PRIMARY KEY,
    seq           bigserial UNIQUE,
    name          text NOT NULL,
    kind          text NOT NULL,
    city          text NOT NULL,
    spec          jsonb NOT NULL,
    registered_at timestamptz NOT NULL,
    feed_position bigint NOT NULL DEFAULT 0
);

CREATE TABLE mandates (
    mandate_id  uuid PRIMARY KEY,
    seq         bigserial UNIQUE,
    lender_id   uuid NOT NULL REFERENCES lenders (lender_id),
    version     integer NOT NULL,
    closed      boolean NOT NULL DEFAULT false,
    snapshot    jsonb NOT NULL,
    revision    bigint NOT NULL DEFAULT nextval('mandate_revision'),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX mandates_by_lender ON mandates (lender_id, seq);
CREATE INDEX mandates_by_revision ON mandates (revision);

CREATE TABLE mandate_versions (
    mandate_id  uuid NOT NULL REFERENCES mandates (mandate_id),
    version     integer NOT NULL,
    event_type  text NOT NULL,
    snapshot    jsonb NOT NULL,
    recorded_at timestamptz NOT NULL,
    PRIMARY KEY (mandate_id, version, event_type)
);

-- Latest scored version of each project, as matching and allocation need it.
CREATE TABLE projects (
    project_id      uuid PRIMARY KEY,
    project_version integer NOT NULL,
    enterprise_id   uuid NOT NULL,
    withdrawn       boolean NOT NULL DEFAULT false,
    scored          jsonb NOT NULL,
    scored_at       timestamptz NOT NULL
);

CREATE TABLE deals (
    deal_id         uuid PRIMARY KEY,
    lender_id       uuid NOT NULL,
    mandate_id      uuid NOT NULL,
    mandate_version integer NOT NULL,
    project_id      uuid NOT NULL,
    project_version integer NOT NULL,
    enterprise_id   uuid NOT NULL,
    state           text NOT NULL,
    offer           jsonb,
    disbursed_cny   numeric(16, 2),
    matched         jsonb NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX deals_by_project ON deals (project_id);
CREATE INDEX deals_by_mandate ON deals (mandate_id);
CREATE INDEX deals_by_enterprise ON deals (enterprise_id);

CREATE TABLE disbursements (
    deal_id       uuid PRIMARY KEY REFERENCES deals (deal_id),
    mandate_id    uuid NOT NULL,
    enterprise_id uuid NOT NULL,
    city          text NOT NULL,
    family        text NOT NULL,
    amount_cny    numeric(16, 2) NOT NULL,
    disbursed_on  date NOT NULL
);
CREATE INDEX disbursements_by_mandate ON disbursements (mandate_id);

-- Each lender's feed: a dense position per lender, assigned under the lender row's lock,
-- so a cursor never skips an entry that commits late.
CREATE TABLE feed (
    lender_id  uuid NOT NULL,
    position   bigint NOT NULL,
    deal_id    uuid NOT NULL,
    event_type text NOT NULL,
    payload    jsonb NOT NULL,
    at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (lender_id, position)
);
