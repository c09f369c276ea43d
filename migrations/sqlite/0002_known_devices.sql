-- Known devices: browsers that have signed in to an account (the long-lived device
-- cookie's id, kept only as a SHA-256). A known device has its own allowance of the
-- per-phone limits, so a stranger who burns the number's allowance cannot lock the
-- owner out. A device is known while it holds a session of the account
-- (sessions.device_hash), and by a row of known_devices after its last session ends
-- (written as the session goes), so a sign-in writes no more rows than before.
ALTER TABLE sessions ADD COLUMN device_hash TEXT NOT NULL DEFAULT '';
CREATE TABLE known_devices (
    account_id    INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    id_hash       TEXT    NOT NULL,
    first_seen_at INTEGER NOT NULL,
    last_seen_at  INTEGER NOT NULL,
    PRIMARY KEY (account_id, id_hash)
);
CREATE INDEX known_devices_last_seen ON known_devices (last_seen_at);

-- Whose allowance a send, a code and a wrong guess drew on: '' for the number's
-- shared one, else the known device's id hash.
ALTER TABLE sms_sends ADD COLUMN allowance TEXT NOT NULL DEFAULT '';
ALTER TABLE verifications ADD COLUMN allowance TEXT NOT NULL DEFAULT '';
ALTER TABLE failed_attempts ADD COLUMN allowance TEXT NOT NULL DEFAULT '';
DROP INDEX sms_sends_phone;
CREATE INDEX sms_sends_phone ON sms_sends (phone, allowance, sent_at);
DROP INDEX failed_attempts_phone;
CREATE INDEX failed_attempts_phone ON failed_attempts (phone, allowance, at);
