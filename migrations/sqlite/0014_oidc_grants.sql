-- What the OpenID provider grants (src/domain/oidc/): the consents an account gave
-- each app (and when it signed in there first and last), the authorization codes,
-- and the tokens. Codes and tokens are kept as SHA-256 hashes (hex), never as issued.
CREATE TABLE oidc_consents (
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    client_id  TEXT NOT NULL,
    scopes     TEXT NOT NULL,       -- consented: 'openid phone offline_access'
    first_at   INTEGER NOT NULL,    -- unix seconds: the first sign-in to the app
    last_at    INTEGER NOT NULL,    -- the last
    PRIMARY KEY (account_id, client_id)
);

-- A code lives a minute and is redeemed once; a second redemption revokes every
-- token issued from it (grant_id below).
CREATE TABLE oidc_codes (
    code_hash      TEXT PRIMARY KEY,
    client_id      TEXT NOT NULL,
    redirect_uri   TEXT NOT NULL,
    account_id     INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    scopes         TEXT NOT NULL,
    nonce          TEXT,
    code_challenge TEXT,            -- PKCE S256
    auth_time      INTEGER NOT NULL,
    method         TEXT NOT NULL,   -- how the session signed in: 'sms' or 'passkey'
    expires_at     INTEGER NOT NULL,
    used_at        INTEGER
);
CREATE INDEX oidc_codes_expires ON oidc_codes (expires_at);

-- Access tokens (minutes) and refresh tokens (rotated at each use). grant_id is
-- the hash of the code they descend from: reusing a rotated refresh token, or
-- replaying the code, revokes the whole family.
CREATE TABLE oidc_tokens (
    token_hash TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,       -- 'access' or 'refresh'
    grant_id   TEXT NOT NULL,
    client_id  TEXT NOT NULL,
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    scopes     TEXT NOT NULL,
    auth_time  INTEGER NOT NULL,
    method     TEXT NOT NULL,
    issued_at  INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER,             -- a refresh token, when it was rotated
    revoked_at INTEGER
);
CREATE INDEX oidc_tokens_grant ON oidc_tokens (grant_id);
CREATE INDEX oidc_tokens_account ON oidc_tokens (account_id, client_id);
CREATE INDEX oidc_tokens_expires ON oidc_tokens (expires_at);
