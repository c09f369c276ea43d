-- Typed data: what is unknown is NULL, never ''; and each meaning of an activity
-- event's old `detail` has a column of its own. SQLite cannot change a column's
-- constraints in place, so each table that changes is built anew beside the old one,
-- filled from it (ids, and the next id of an AUTOINCREMENT, kept), and put in its
-- place; its indexes are made again. No other table refers to these, and the
-- migration runs in one transaction.
--
-- The number's shared allowance has a name, as the alerts' has ('alert'): a value,
-- not an absence, and the one a row draws on unless it names another. A device's own
-- is its id hash (64 hex digits), so no name collides.

CREATE TABLE verifications_new (
    id_hash      TEXT    PRIMARY KEY,
    phone        TEXT    NOT NULL,
    code_digest  BLOB    NOT NULL,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    failed_tries INTEGER NOT NULL DEFAULT 0,
    consumed_at  INTEGER,
    allowance    TEXT    NOT NULL DEFAULT 'shared'
);
INSERT INTO verifications_new
SELECT id_hash, phone, code_digest, created_at, expires_at, failed_tries, consumed_at,
       CASE allowance WHEN '' THEN 'shared' ELSE allowance END
FROM verifications;
DROP TABLE verifications;
ALTER TABLE verifications_new RENAME TO verifications;
CREATE INDEX verifications_phone ON verifications (phone);
CREATE INDEX verifications_expires ON verifications (expires_at);

-- An alert is sent from no address: its send's `ip` is NULL.
CREATE TABLE sms_sends_new (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    phone     TEXT    NOT NULL,
    ip        TEXT,
    sent_at   INTEGER NOT NULL,
    allowance TEXT    NOT NULL DEFAULT 'shared'
);
INSERT INTO sms_sends_new
SELECT id, phone, NULLIF(ip, ''), sent_at,
       CASE allowance WHEN '' THEN 'shared' ELSE allowance END
FROM sms_sends;
DELETE FROM sqlite_sequence WHERE name = 'sms_sends_new';
INSERT INTO sqlite_sequence (name, seq)
SELECT 'sms_sends_new', seq FROM sqlite_sequence WHERE name = 'sms_sends';
DROP TABLE sms_sends;
ALTER TABLE sms_sends_new RENAME TO sms_sends;
CREATE INDEX sms_sends_phone ON sms_sends (phone, allowance, sent_at);
CREATE INDEX sms_sends_ip ON sms_sends (ip, sent_at);
CREATE INDEX sms_sends_time ON sms_sends (sent_at);

CREATE TABLE failed_attempts_new (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    phone     TEXT    NOT NULL,
    at        INTEGER NOT NULL,
    allowance TEXT    NOT NULL DEFAULT 'shared'
);
INSERT INTO failed_attempts_new
SELECT id, phone, at, CASE allowance WHEN '' THEN 'shared' ELSE allowance END
FROM failed_attempts;
DELETE FROM sqlite_sequence WHERE name = 'failed_attempts_new';
INSERT INTO sqlite_sequence (name, seq)
SELECT 'failed_attempts_new', seq FROM sqlite_sequence WHERE name = 'failed_attempts';
DROP TABLE failed_attempts;
ALTER TABLE failed_attempts_new RENAME TO failed_attempts;
CREATE INDEX failed_attempts_phone ON failed_attempts (phone, allowance, at);

-- A session's device name (NULL when the User-Agent names nothing known), its
-- device id's hash (NULL only for sessions older than device ids), its country (NULL
-- when unknown) and its network (NULL when the address was unknown).
CREATE TABLE sessions_new (
    id_hash      TEXT    PRIMARY KEY,
    account_id   INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    device       TEXT,
    device_hash  TEXT,
    country      TEXT,
    network      TEXT,
    novelty      TEXT    NOT NULL DEFAULT 'known',
    method       TEXT    NOT NULL DEFAULT 'sms',
    ending       TEXT
);
INSERT INTO sessions_new
SELECT id_hash, account_id, created_at, last_seen_at, NULLIF(device, ''),
       NULLIF(device_hash, ''), NULLIF(country, ''), NULLIF(network, ''), novelty, method,
       ending
FROM sessions;
DROP TABLE sessions;
ALTER TABLE sessions_new RENAME TO sessions;
CREATE INDEX sessions_account ON sessions (account_id);
CREATE INDEX sessions_ending ON sessions (ending) WHERE ending IS NOT NULL;

CREATE TABLE known_devices_new (
    account_id    INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    id_hash       TEXT    NOT NULL,
    first_seen_at INTEGER NOT NULL,
    last_seen_at  INTEGER NOT NULL,
    name          TEXT,
    country       TEXT,
    PRIMARY KEY (account_id, id_hash)
);
INSERT INTO known_devices_new
SELECT account_id, id_hash, first_seen_at, last_seen_at, NULLIF(name, ''), NULLIF(country, '')
FROM known_devices;
DROP TABLE known_devices;
ALTER TABLE known_devices_new RENAME TO known_devices;
CREATE INDEX known_devices_last_seen ON known_devices (last_seen_at);

-- An event's footprint, as a session's; and instead of `detail`, a column per
-- meaning, NULL where the kind has none:
--   novelty       a sign-in's, or the sign-in an alert told of ('first', 'known',
--                 'device', 'country', 'device,country');
--   ended_by      who ended a session ('sign_out', 'other_session', 'not_me');
--   locked_until  when the lock a wrong code made ends (unix seconds);
--   passkey_name  the name of the passkey added or removed, as it was then;
--   alert_about   what an alert sent told of ('sign_in', 'passkey');
--   failure       why an alert was not sent (the sender's reason).
CREATE TABLE security_events_new (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id   INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    at           INTEGER NOT NULL,
    kind         TEXT    NOT NULL,
    device       TEXT,
    country      TEXT,
    network      TEXT,
    send_id      INTEGER,
    novelty      TEXT,
    ended_by     TEXT,
    locked_until INTEGER,
    passkey_name TEXT,
    alert_about  TEXT,
    failure      TEXT
);
INSERT INTO security_events_new
SELECT id, account_id, at, kind, NULLIF(device, ''), NULLIF(country, ''), NULLIF(network, ''),
       send_id,
       CASE WHEN kind IN ('sign_in', 'passkey_sign_in')
              OR (kind = 'alert_sent' AND detail <> 'passkey')
            THEN NULLIF(detail, '') END,
       CASE WHEN kind = 'session_ended' THEN NULLIF(detail, '') END,
       CASE WHEN kind = 'locked' AND detail <> '' AND detail NOT GLOB '*[^0-9]*'
            THEN CAST(detail AS INTEGER) END,
       CASE WHEN kind IN ('passkey_added', 'passkey_removed') THEN NULLIF(detail, '') END,
       CASE WHEN kind = 'alert_sent'
            THEN CASE detail WHEN 'passkey' THEN 'passkey' ELSE 'sign_in' END END,
       CASE WHEN kind = 'alert_failed' THEN NULLIF(detail, '') END
FROM security_events;
DELETE FROM sqlite_sequence WHERE name = 'security_events_new';
INSERT INTO sqlite_sequence (name, seq)
SELECT 'security_events_new', seq FROM sqlite_sequence WHERE name = 'security_events';
DROP TABLE security_events;
ALTER TABLE security_events_new RENAME TO security_events;
CREATE INDEX security_events_account ON security_events (account_id, at);
CREATE INDEX security_events_at ON security_events (at);
CREATE INDEX security_events_send ON security_events (send_id) WHERE send_id IS NOT NULL;
