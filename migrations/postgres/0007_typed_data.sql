-- The same as migrations/sqlite/0007, in PostgreSQL's words: PostgreSQL changes the
-- columns in place.
-- Typed data: what is unknown is NULL, never ''; and each meaning of an activity
-- event's old `detail` has a column of its own.

-- The number's shared allowance has a name, as the alerts' has ('alert'): a value,
-- not an absence, and the one a row draws on unless it names another. A device's own
-- is its id hash (64 hex digits), so no name collides.
UPDATE sms_sends SET allowance = 'shared' WHERE allowance = '';
UPDATE verifications SET allowance = 'shared' WHERE allowance = '';
UPDATE failed_attempts SET allowance = 'shared' WHERE allowance = '';
ALTER TABLE sms_sends ALTER COLUMN allowance SET DEFAULT 'shared';
ALTER TABLE verifications ALTER COLUMN allowance SET DEFAULT 'shared';
ALTER TABLE failed_attempts ALTER COLUMN allowance SET DEFAULT 'shared';

-- An alert is sent from no address: its send's `ip` is NULL.
ALTER TABLE sms_sends ALTER COLUMN ip DROP NOT NULL;
UPDATE sms_sends SET ip = NULL WHERE ip = '';

-- A session's device name (NULL when the User-Agent names nothing known), its
-- device id's hash (NULL only for sessions older than device ids), its country (NULL
-- when unknown) and its network (NULL when the address was unknown).
ALTER TABLE sessions ALTER COLUMN device DROP NOT NULL, ALTER COLUMN device DROP DEFAULT,
    ALTER COLUMN device_hash DROP NOT NULL, ALTER COLUMN device_hash DROP DEFAULT,
    ALTER COLUMN country DROP NOT NULL, ALTER COLUMN country DROP DEFAULT,
    ALTER COLUMN network DROP NOT NULL, ALTER COLUMN network DROP DEFAULT;
UPDATE sessions SET device = NULLIF(device, ''), device_hash = NULLIF(device_hash, ''),
    country = NULLIF(country, ''), network = NULLIF(network, '')
  WHERE device = '' OR device_hash = '' OR country = '' OR network = '';

ALTER TABLE known_devices ALTER COLUMN name DROP NOT NULL, ALTER COLUMN name DROP DEFAULT,
    ALTER COLUMN country DROP NOT NULL, ALTER COLUMN country DROP DEFAULT;
UPDATE known_devices SET name = NULLIF(name, ''), country = NULLIF(country, '')
  WHERE name = '' OR country = '';

-- An event's footprint, as a session's; and instead of `detail`, a column per
-- meaning, NULL where the kind has none:
--   novelty       a sign-in's, or the sign-in an alert told of ('first', 'known',
--                 'device', 'country', 'device,country');
--   ended_by      who ended a session ('sign_out', 'other_session', 'not_me');
--   locked_until  when the lock a wrong code made ends (unix seconds);
--   passkey_name  the name of the passkey added or removed, as it was then;
--   alert_about   what an alert sent told of ('sign_in', 'passkey');
--   failure       why an alert was not sent (the sender's reason).
ALTER TABLE security_events ALTER COLUMN device DROP NOT NULL, ALTER COLUMN device DROP DEFAULT,
    ALTER COLUMN country DROP NOT NULL, ALTER COLUMN country DROP DEFAULT,
    ALTER COLUMN network DROP NOT NULL, ALTER COLUMN network DROP DEFAULT,
    ADD COLUMN novelty TEXT, ADD COLUMN ended_by TEXT, ADD COLUMN locked_until BIGINT,
    ADD COLUMN passkey_name TEXT, ADD COLUMN alert_about TEXT, ADD COLUMN failure TEXT;
UPDATE security_events SET
    device = NULLIF(device, ''), country = NULLIF(country, ''), network = NULLIF(network, ''),
    novelty = CASE WHEN kind IN ('sign_in', 'passkey_sign_in')
                     OR (kind = 'alert_sent' AND detail <> 'passkey')
                   THEN NULLIF(detail, '') END,
    ended_by = CASE WHEN kind = 'session_ended' THEN NULLIF(detail, '') END,
    locked_until = CASE WHEN kind = 'locked' AND detail ~ '^[0-9]+$'
                        THEN CAST(detail AS BIGINT) END,
    passkey_name = CASE WHEN kind IN ('passkey_added', 'passkey_removed')
                        THEN NULLIF(detail, '') END,
    alert_about = CASE WHEN kind = 'alert_sent'
                       THEN CASE detail WHEN 'passkey' THEN 'passkey' ELSE 'sign_in' END END,
    failure = CASE WHEN kind = 'alert_failed' THEN NULLIF(detail, '') END;
ALTER TABLE security_events DROP COLUMN detail;
