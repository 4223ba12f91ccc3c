-- Checkpoints are signed with the audit service's Ed25519 key over the statement described in
-- audit/checkpoint.py, and taken on a timer too ('interval'). Rows from before signing stay as
-- they are (unsigned); every new row must carry its signature.
ALTER TABLE checkpoints
    ADD COLUMN signed_at timestamptz,
    ADD COLUMN key_id    text,
    ADD COLUMN signature bytea CHECK (signature IS NULL OR octet_length(signature) = 64);
ALTER TABLE checkpoints DROP CONSTRAINT checkpoints_reason_check;
ALTER TABLE checkpoints ADD CONSTRAINT checkpoints_reason_check
    CHECK (reason IN ('periodic', 'interval', 'requested'));
ALTER TABLE checkpoints ADD CONSTRAINT checkpoints_signed
    CHECK (signature IS NOT NULL AND signed_at IS NOT NULL AND key_id IS NOT NULL) NOT VALID;
CREATE INDEX checkpoints_latest_signed ON checkpoints (id DESC) WHERE signature IS NOT NULL;
