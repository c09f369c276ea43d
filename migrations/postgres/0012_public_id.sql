-- The same as migrations/sqlite/0012, in PostgreSQL's terms.
-- Each account's public id: random and stable, what the sites behind sms-auth know
-- the account by (forward-auth's Remote-User). Never the phone number, nor the row
-- id, which would tell how many accounts there are. 32 hex digits. The default is
-- drawn for each row: the accounts there are now, and every new one.
ALTER TABLE accounts
    ADD COLUMN public_id TEXT NOT NULL DEFAULT replace(gen_random_uuid()::text, '-', '');
CREATE UNIQUE INDEX accounts_public_id ON accounts (public_id);
