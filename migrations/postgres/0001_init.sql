-- The same tables as migrations/sqlite, in PostgreSQL's types. Times are unix seconds.

-- Accounts: created by the first verified code for a phone, opened by later ones.
CREATE TABLE accounts (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    phone           TEXT   NOT NULL UNIQUE,   -- E.164, +79991234567
    created_at      BIGINT NOT NULL,
    last_sign_in_at BIGINT NOT NULL
);

-- Pending and used codes. The id is kept only as a SHA-256 of the cookie's value,
-- the code only as HMAC-SHA256(APP_SECRET, verification id || code).
CREATE TABLE verifications (
    id_hash      TEXT   PRIMARY KEY,
    phone        TEXT   NOT NULL,
    code_digest  BYTEA  NOT NULL,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    failed_tries BIGINT NOT NULL DEFAULT 0,
    consumed_at  BIGINT
);
CREATE INDEX verifications_phone ON verifications (phone);
CREATE INDEX verifications_expires ON verifications (expires_at);

-- One row per SMS handed to the sender: cooldown, hourly caps and the daily budget.
CREATE TABLE sms_sends (
    id      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    phone   TEXT   NOT NULL,
    ip      TEXT   NOT NULL,
    sent_at BIGINT NOT NULL
);
CREATE INDEX sms_sends_phone ON sms_sends (phone, sent_at);
CREATE INDEX sms_sends_ip ON sms_sends (ip, sent_at);
CREATE INDEX sms_sends_time ON sms_sends (sent_at);

-- One row per wrong code, per phone across codes: the hourly lock.
CREATE TABLE failed_attempts (
    id    BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    phone TEXT   NOT NULL,
    at    BIGINT NOT NULL
);
CREATE INDEX failed_attempts_phone ON failed_attempts (phone, at);

-- Server-side sessions; the cookie's id is kept only as a SHA-256.
CREATE TABLE sessions (
    id_hash      TEXT   PRIMARY KEY,
    account_id   BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    device       TEXT   NOT NULL DEFAULT ''   -- "Chrome, Android", from the User-Agent
);
CREATE INDEX sessions_account ON sessions (account_id);

-- Development only: SMS captured instead of sent.
CREATE TABLE dev_outbox (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    destination TEXT   NOT NULL,
    text        TEXT   NOT NULL,
    created_at  BIGINT NOT NULL
);
