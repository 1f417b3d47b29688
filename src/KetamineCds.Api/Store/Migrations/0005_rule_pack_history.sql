-- The history of live rule packs (README: Rule changes and sign-off): every pack that went live on any replica, when,
-- what made it live (start-up, file change, admin request), the pack it replaced, each rule's version and content
-- hash, and what it changed over the pack's test cases. The first question of an incident review is "what did the
-- service know when it showed this card?"; the audit names rule@version, this table names the pack around it. It
-- holds no patient data and is kept past the audit's retention: a governance record, a few rows a month.
CREATE TABLE IF NOT EXISTS rule_pack_history (
    id TEXT PRIMARY KEY,
    at_ms BIGINT NOT NULL,
    replica TEXT NOT NULL,
    made_by TEXT NOT NULL,
    old_pack TEXT,
    old_hash TEXT,
    new_pack TEXT NOT NULL,
    new_hash TEXT NOT NULL,
    rules TEXT NOT NULL,
    impact TEXT
);
CREATE INDEX IF NOT EXISTS ix_rule_pack_history_at ON rule_pack_history (at_ms);
