-- The card policy's memory (README: Card policy): which findings were shown for which patient, user and draft order,
-- and which were overridden with a reason, so order-sign does not repeat order-select and replicas agree. Every key is
-- a keyed hash (the audit hash key) of the patient, user and draft order ids with the finding (rule@version and an
-- evidence digest): no identifier is stored in clear. One row per key, updated when the finding is shown again, so a
-- patient seen for years costs no more than a new one.
CREATE TABLE IF NOT EXISTS card_memory (
    user_key TEXT PRIMARY KEY,
    patient_key TEXT NOT NULL,
    draft_key TEXT NOT NULL,
    shown_ms BIGINT NOT NULL,
    overridden_ms BIGINT
);
CREATE INDEX IF NOT EXISTS ix_card_memory_patient_key ON card_memory (patient_key);
CREATE INDEX IF NOT EXISTS ix_card_memory_draft_key ON card_memory (draft_key);
CREATE INDEX IF NOT EXISTS ix_card_memory_shown ON card_memory (shown_ms);

-- Which memory row each card shown belongs to, for the feedback endpoint: an override names the card by its uuid.
CREATE TABLE IF NOT EXISTS card_memory_card (
    card_uuid TEXT PRIMARY KEY,
    user_key TEXT NOT NULL,
    shown_ms BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_card_memory_card_shown ON card_memory_card (shown_ms);

-- Cards the policy kept back are audited too (suppressed = 1), so the statistics can show the alert burden avoided.
ALTER TABLE audit_card ADD COLUMN suppressed INTEGER NOT NULL DEFAULT 0;
CREATE INDEX IF NOT EXISTS ix_audit_card_invocation ON audit_card (invocation_id);
