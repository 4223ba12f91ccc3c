-- The ledger: one row per accepted event, sealed by hash = SHA-256(prev_hash || body).
-- `body` holds the exact canonical bytes that were hashed; the other columns index it.
CREATE TABLE ledger (
    seq         bigint      PRIMARY KEY CHECK (seq > 0),
    event_id    uuid        NOT NULL UNIQUE,
    type        text        NOT NULL,
    subject     text        NOT NULL,
    project_id  uuid,
    event_time  timestamptz NOT NULL,
    appended_at timestamptz NOT NULL DEFAULT now(),
    prev_hash   bytea       NOT NULL CHECK (octet_length(prev_hash) = 32),
    hash        bytea       NOT NULL CHECK (octet_length(hash) = 32),
    body        bytea       NOT NULL
);
CREATE INDEX ledger_by_project ON ledger (project_id, seq) WHERE project_id IS NOT NULL;
CREATE INDEX ledger_by_subject ON ledger (subject, seq);
CREATE INDEX ledger_by_type ON ledger (type, seq);
CREATE INDEX ledger_by_time ON ledger (event_time, seq);

-- The chain head: locking this row serialises appends, so there is exactly one chain.
CREATE TABLE ledger_head (
    singleton  boolean     PRIMARY KEY DEFAULT true CHECK (singleton),
    seq        bigint      NOT NULL,
    hash       bytea       NOT NULL CHECK (octet_length(hash) = 32),
    updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO ledger_head (seq, hash) VALUES (0, decode(repeat('00', 32), 'hex'));

-- Checkpoints: the head as it stood, every N entries or when an operator asks.
CREATE TABLE checkpoints (
    id           bigserial   PRIMARY KEY,
    seq          bigint      NOT NULL CHECK (seq >= 0),
    hash         bytea       NOT NULL CHECK (octet_length(hash) = 32),
    reason       text        NOT NULL CHECK (reason IN ('periodic', 'requested')),
    requested_by text,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX checkpoints_by_seq ON checkpoints (seq);

CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '%.% is append-only: % refused', TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER ledger_append_only BEFORE UPDATE OR DELETE ON ledger
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER ledger_no_truncate BEFORE TRUNCATE ON ledger
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
CREATE TRIGGER checkpoints_append_only BEFORE UPDATE OR DELETE ON checkpoints
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER checkpoints_no_truncate BEFORE TRUNCATE ON checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
CREATE TRIGGER ledger_head_kept BEFORE DELETE ON ledger_head
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER ledger_head_no_truncate BEFORE TRUNCATE ON ledger_head
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();

REVOKE UPDATE, DELETE, TRUNCATE ON ledger, checkpoints FROM PUBLIC;
REVOKE UPDATE, DELETE, TRUNCATE ON ledger, checkpoints FROM CURRENT_USER;
REVOKE DELETE, TRUNCATE ON ledger_head FROM PUBLIC;
REVOKE DELETE, TRUNCATE ON ledger_head FROM CURRENT_USER;

-- Read models, written in the same transaction as the ledger append.
CREATE TABLE projects (
    project_id         uuid          PRIMARY KEY,
    enterprise_id      uuid          NOT NULL,
    version            integer       NOT NULL,
    name               text          NOT NULL,
    type               text          NOT NULL,
    family             text          NOT NULL,
    city               text          NOT NULL,
    county             text,
    capex_cny          numeric(16,2) NOT NULL,
    financing_need_cny numeric(16,2) NOT NULL,
    status             text          NOT NULL DEFAULT 'active',
    updated_at         timestamptz   NOT NULL
);
CREATE INDEX projects_by_enterprise ON projects (enterprise_id);

CREATE TABLE project_scores (
    project_id      uuid             PRIMARY KEY,
    project_version integer          NOT NULL,
    score           double precision NOT NULL,
    annual_tco2e    double precision NOT NULL,
    capex_cny       numeric(16,2)    NOT NULL,
    category_code   text,
    category        text,
    crf_field       text,
    icma_category   text,
    scored_at       timestamptz      NOT NULL
);

CREATE TABLE lenders (
    lender_id     uuid        PRIMARY KEY,
    name          text        NOT NULL,
    kind          text        NOT NULL,
    city          text        NOT NULL,
    registered_at timestamptz NOT NULL
);

CREATE TABLE deals (
    deal_id           uuid             PRIMARY KEY,
    ledger_seq        bigint           NOT NULL,
    lender_id         uuid             NOT NULL,
    mandate_id        uuid             NOT NULL,
    project_id        uuid             NOT NULL,
    project_version   integer          NOT NULL,
    enterprise_id     uuid             NOT NULL,
    city              text             NOT NULL,
    county            text,
    family            text             NOT NULL,
    capex_cny         numeric(16,2)    NOT NULL,
    annual_tco2e      double precision NOT NULL,
    category_code     text,
    crf_field         text,
    fit_score         double precision NOT NULL,
    matched_at        timestamptz      NOT NULL,
    withdrawn_at      timestamptz,
    withdrawal_reason text
);
CREATE INDEX deals_by_lender ON deals (lender_id, matched_at);
CREATE INDEX deals_by_project ON deals (project_id);

CREATE TABLE responses (
    event_id      uuid          PRIMARY KEY,
    ledger_seq    bigint        NOT NULL,
    deal_id       uuid          NOT NULL,
    lender_id     uuid          NOT NULL,
    mandate_id    uuid          NOT NULL,
    project_id    uuid          NOT NULL,
    enterprise_id uuid          NOT NULL,
    city          text          NOT NULL,
    family        text          NOT NULL,
    kind          text          NOT NULL CHECK (kind IN ('interest', 'decline', 'offer', 'disbursed')),
    instrument    text,
    amount_cny    numeric(16,2),
    rate_percent  numeric(7,4),
    tenor_months  integer,
    disbursed_on  date,
    reason        text,
    responded_at  timestamptz   NOT NULL
);
CREATE INDEX responses_by_deal ON responses (deal_id, responded_at);
CREATE INDEX responses_by_lender ON responses (lender_id, kind);
CREATE INDEX responses_financing ON responses (kind, instrument) WHERE kind IN ('offer', 'disbursed');

-- Events the ledger holds but a read model could not take; replaying the views fixes them.
CREATE TABLE view_gaps (
    event_id   uuid        PRIMARY KEY,
    ledger_seq bigint      NOT NULL,
    type       text        NOT NULL,
    error      text        NOT NULL,
    noted_at   timestamptz NOT NULL DEFAULT now()
);
