-- The same as migrations/sqlite/0006, in PostgreSQL.
-- Ending sessions (store/sessions.rs): the sessions one transaction ends are marked
-- with who ends them (sign_out, other_session, not_me; expired for the purge), what
-- they leave behind is kept from the marked rows, and the marked rows are deleted,
-- all in that transaction: a mark never outlives it, and every statement after the
-- mark is one text whichever sessions end.
ALTER TABLE sessions ADD COLUMN ending TEXT;
CREATE INDEX sessions_ending ON sessions (ending) WHERE ending IS NOT NULL;
