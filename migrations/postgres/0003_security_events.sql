-- The same as migrations/sqlite/0003, in PostgreSQL's types.
-- Telling the owner: where sessions come from, the countries an account signs in
-- from, one alert per (account, device), and the account's security activity.

-- How many times each account signed in: 1 after the sign-in that created it, so
-- the sign-in statement itself tells a first sign-in (which alerts nobody) from others.
ALTER TABLE accounts ADD COLUMN sign_ins BIGINT NOT NULL DEFAULT 1;

-- Where a session signed in from: the country (ISO 3166-1 alpha-2, '' when unknown)
-- and the network (the /24 or /48, never the whole address); and what was new about
-- its sign-in: 'first' (it created the account), 'known', or 'device', 'country',
-- 'device,country'. A live session is its own sign-in's activity event; the event is
-- written when the session ends (see store::sql::remember_sessions).
ALTER TABLE sessions ADD COLUMN country TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN network TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN novelty TEXT NOT NULL DEFAULT 'known';
-- A known device's name and the country it was last seen in, kept after its sessions end.
ALTER TABLE known_devices ADD COLUMN name TEXT NOT NULL DEFAULT '';
ALTER TABLE known_devices ADD COLUMN country TEXT NOT NULL DEFAULT '';

-- The countries each account signed in from, with the last time, kept as its
-- sessions end (a live session's country is known from its row): the new-country
-- rule looks 180 days back, and the purge forgets a country after that.
CREATE TABLE account_countries (
    account_id   BIGINT  NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    country      TEXT    NOT NULL,
    last_seen_at BIGINT  NOT NULL,
    PRIMARY KEY (account_id, country)
);
CREATE INDEX account_countries_last_seen ON account_countries (last_seen_at);

-- One new-sign-in alert per (account, device), ever: a row here claims it. "Not me"
-- on a session removes its device's row, so the device's next sign-in alerts again.
CREATE TABLE device_alerts (
    account_id  BIGINT  NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    device_hash TEXT    NOT NULL,
    at          BIGINT  NOT NULL,
    PRIMARY KEY (account_id, device_hash)
);

-- The account's security activity, kept 90 days. Never a code, a session id, a
-- device id or a whole address: `network` is the client's /24 (IPv4) or /48 (IPv6).
-- `send_id` ties a 'code_sent' event to its sms_sends row, so an SMS the sender
-- surely did not send leaves no event.
CREATE TABLE security_events (
    id         BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id BIGINT  NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    at         BIGINT  NOT NULL,
    kind       TEXT    NOT NULL,
    device     TEXT    NOT NULL DEFAULT '',
    country    TEXT    NOT NULL DEFAULT '',
    network    TEXT    NOT NULL DEFAULT '',
    detail     TEXT    NOT NULL DEFAULT '',
    send_id    BIGINT
);
CREATE INDEX security_events_account ON security_events (account_id, at);
CREATE INDEX security_events_at ON security_events (at);
CREATE INDEX security_events_send ON security_events (send_id) WHERE send_id IS NOT NULL;
