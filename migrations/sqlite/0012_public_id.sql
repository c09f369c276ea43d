-- Each account's public id: random and stable, what the sites behind sms-auth know
-- the account by (forward-auth's Remote-User). Never the phone number, nor the row
-- id, which would tell how many accounts there are. 32 hex digits.
ALTER TABLE accounts ADD COLUMN public_id TEXT;
UPDATE accounts SET public_id = lower(hex(randomblob(16)));
CREATE UNIQUE INDEX accounts_public_id ON accounts (public_id);
-- A new account draws its own: SQLite cannot give an added column a random default.
-- (Only a created row fires it; the sign-in's changes() does not count its write.)
CREATE TRIGGER accounts_public_id AFTER INSERT ON accounts WHEN NEW.public_id IS NULL
BEGIN
    UPDATE accounts SET public_id = lower(hex(randomblob(16))) WHERE id = NEW.id;
END;
