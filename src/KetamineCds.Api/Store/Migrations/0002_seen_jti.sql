-- JWT ids seen, shared by every replica so a token replayed to another replica is refused too.
CREATE TABLE IF NOT EXISTS seen_jti (
    token_key TEXT PRIMARY KEY,
    expires_ms BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_seen_jti_expires ON seen_jti (expires_ms);
