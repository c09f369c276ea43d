-- The conversion guard (src/otp/guard.rs): codes sent to new numbers and first
-- sign-ins, counted per scope ('range:+79001234': a number less its last 3 digits;
-- 'country:7': a calling code) in buckets of a minute (span 60, for the hour) and of
-- an hour (span 3600, for the day). A count is one commutative increment, so sends
-- (in the reservations' turn) and sign-ins (in their own) never wait for each other
-- and are exact across instances; a window is read in at most 60 or 25 rows.
CREATE TABLE guard_counts (
    scope    TEXT NOT NULL,
    span     INTEGER NOT NULL CHECK (span IN (60, 3600)),
    start    INTEGER NOT NULL,   -- unix seconds, a multiple of span
    sent     INTEGER NOT NULL DEFAULT 0,
    verified INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (scope, span, start)
);
CREATE INDEX guard_counts_start ON guard_counts (start);

-- Each challenged scope's last challenge: its level (15 min, 1 h, 4 h, 12 h) and
-- its end, kept a day past it so the next trip knows it repeats. `by` says who
-- imposed it: 'guard' (its counts tripped) or 'operator' (`sms-auth guard`). A scope
-- the operator lifted is not judged until `exempt_until`.
CREATE TABLE guard_challenges (
    scope        TEXT PRIMARY KEY,
    level        INTEGER NOT NULL,
    until        INTEGER NOT NULL,   -- unix seconds
    imposed_at   INTEGER NOT NULL,   -- unix seconds
    by           TEXT NOT NULL CHECK (by IN ('guard', 'operator')),
    exempt_until INTEGER NOT NULL DEFAULT 0   -- unix seconds
);
CREATE INDEX guard_challenges_until ON guard_challenges (until);

-- The operator's commands (`sms-auth guard impose|lift`), as a record: what was done
-- to which scope, when, and until when.
CREATE TABLE guard_actions (
    id     INTEGER PRIMARY KEY,
    scope  TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('impose', 'lift')),
    until  INTEGER NOT NULL,   -- unix seconds
    at     INTEGER NOT NULL    -- unix seconds
);
CREATE INDEX guard_actions_at ON guard_actions (at);
