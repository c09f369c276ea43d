-- The same as migrations/sqlite/0013, in PostgreSQL's types.
-- The OpenID provider's signing keys (src/oidc/keys.rs), every instance's: each
-- RSA key's PKCS#8 sealed under a key derived from APP_SECRET (src/oidc/seal.rs).
-- `current` is 1 on the one key made to sign and NULL on those retired, so that
-- two instances starting at once cannot both make a first key. A retired key
-- stays published until the tokens it signed have expired.
CREATE TABLE oidc_keys (
    kid        TEXT PRIMARY KEY,
    sealed     BYTEA NOT NULL,
    created_at BIGINT NOT NULL,   -- unix seconds
    retired_at BIGINT,            -- unix seconds
    current    INTEGER UNIQUE CHECK (current = 1)
);
