-- Idempotency-Key (servicekit/idempotency.py): one row per (caller scope, key). A request leases
-- the row, its state change sets effect_committed in its own transaction, and the response it
-- answered with is kept for replay until the key expires (docs/operations.md).
CREATE TABLE IF NOT EXISTS idempotency_keys (
    scope            text        NOT NULL,
    key              text        NOT NULL,
    lease            uuid        NOT NULL,
    leased_at        timestamptz NOT NULL DEFAULT now(),
    created_at       timestamptz NOT NULL DEFAULT now(),
    effect_committed boolean     NOT NULL DEFAULT false,
    fingerprint      bytea,
    status           integer,
    content_type     text,
    location         text,
    body             bytea,
    PRIMARY KEY (scope, key)
);
CREATE INDEX IF NOT EXISTS idempotency_keys_created ON idempotency_keys (created_at);
