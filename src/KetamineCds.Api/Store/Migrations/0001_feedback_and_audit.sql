-- One migration set for SQLite and PostgreSQL: portable types only (TEXT, BIGINT, INTEGER, DOUBLE PRECISION),
-- times as Unix milliseconds (UTC), identifiers as text.
CREATE TABLE IF NOT EXISTS audit_invocation (
    id TEXT PRIMARY KEY,
    at_ms BIGINT NOT NULL,
    service_id TEXT NOT NULL,
    hook TEXT NOT NULL,
    hook_instance TEXT NOT NULL,
    issuer TEXT,
    pack TEXT NOT NULL,
    patient_hash TEXT,
    user_hash TEXT,
    status INTEGER NOT NULL,
    elapsed_ms DOUBLE PRECISION NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_audit_invocation_at ON audit_invocation (at_ms);

CREATE TABLE IF NOT EXISTS audit_card (
    card_uuid TEXT PRIMARY KEY,
    invocation_id TEXT NOT NULL,
    at_ms BIGINT NOT NULL,
    rule_id TEXT,
    rule_version TEXT,
    indicator TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_audit_card_rule ON audit_card (rule_id, at_ms);

CREATE TABLE IF NOT EXISTS feedback (
    id TEXT PRIMARY KEY,
    received_ms BIGINT NOT NULL,
    service_id TEXT NOT NULL,
    card_uuid TEXT NOT NULL,
    outcome TEXT NOT NULL,
    outcome_ms BIGINT NOT NULL,
    accepted_suggestions TEXT,
    reason_system TEXT,
    reason_code TEXT,
    reason_display TEXT,
    user_comment TEXT,
    known_card INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_feedback_card ON feedback (card_uuid);
CREATE INDEX IF NOT EXISTS ix_feedback_received ON feedback (received_ms);
