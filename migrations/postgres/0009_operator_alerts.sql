-- The same as migrations/sqlite/0009, in PostgreSQL's types.
-- The operator's alerts (OPERATOR_PHONES): one row for each event the operator was
-- told of (its word, e.g. 'new_lane_80'), so each event is told at most once a day
-- and all of them at most LIMIT_OPERATOR_ALERTS_PER_DAY times, across instances.
-- They are not SMS of the budget: sms_sends never holds them.
CREATE TABLE operator_alerts (
    id    BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event TEXT NOT NULL,
    at    BIGINT NOT NULL   -- unix seconds
);
CREATE INDEX operator_alerts_at ON operator_alerts (at);
