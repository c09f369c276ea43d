-- The same as migrations/sqlite/0004, in PostgreSQL's types.
-- Passkeys (WebAuthn discoverable credentials): the phishing-resistant way in.

-- How a session signed in: 'sms' (a code) or 'passkey'. Adding a passkey needs a
-- session that signed in by code within the last 10 minutes.
ALTER TABLE sessions ADD COLUMN method TEXT NOT NULL DEFAULT 'sms';

-- The account's WebAuthn user handle: 16 random bytes (as a UUID), given at its first
-- passkey, never the phone number.
ALTER TABLE accounts ADD COLUMN user_handle TEXT;
CREATE UNIQUE INDEX accounts_user_handle ON accounts (user_handle)
    WHERE user_handle IS NOT NULL;

-- The account's passkeys. `credential_id` is the credential's raw id in hex, unique
-- across accounts; `credential` is webauthn-rs's Passkey as JSON (the public key, the
-- signature counter and backup flags, updated after each use); `counter` is its
-- signature counter, so two uses of one counter value cannot both be accepted.
CREATE TABLE passkeys (
    id            BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id    BIGINT  NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    credential_id TEXT    NOT NULL UNIQUE,
    credential    TEXT    NOT NULL,
    counter       BIGINT  NOT NULL DEFAULT 0,
    name          TEXT    NOT NULL,
    created_at    BIGINT  NOT NULL,
    last_used_at  BIGINT
);
CREATE INDEX passkeys_account ON passkeys (account_id);

-- A WebAuthn ceremony under way: the challenge's state (webauthn-rs's, as JSON),
-- bound to the browser by the hash of a random id in its `pkc` cookie. It lives 5
-- minutes and is used once (`used_at`); the row stays an hour, so a late or repeated
-- answer is told "expired" or "already used", and so the starts of an address can be
-- counted (`ip`, as the per-address limits key it).
CREATE TABLE passkey_ceremonies (
    id_hash    TEXT    PRIMARY KEY,
    purpose    TEXT    NOT NULL,          -- 'register' or 'login'
    account_id BIGINT  REFERENCES accounts (id) ON DELETE CASCADE,
    state      TEXT    NOT NULL,
    ip         TEXT    NOT NULL,
    created_at BIGINT  NOT NULL,
    expires_at BIGINT  NOT NULL,
    used_at    BIGINT
);
CREATE INDEX passkey_ceremonies_ip ON passkey_ceremonies (ip, created_at);
CREATE INDEX passkey_ceremonies_created ON passkey_ceremonies (created_at);
