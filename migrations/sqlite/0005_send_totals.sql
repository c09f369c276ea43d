-- The day's count of sends, in two row reads however many there were: for each
-- second a send (code or alert) was made in, how many sends were made up to its end.
-- The sends after a time are the last total less the total at that time. A send adds
-- one to its second's total and to those after it; a released one takes it back.
CREATE TABLE sms_send_totals (
    second INTEGER PRIMARY KEY,   -- unix seconds
    total  INTEGER NOT NULL
);

-- The sends of the last day as they stand.
INSERT INTO sms_send_totals (second, total)
SELECT sent_at, SUM(COUNT(*)) OVER (ORDER BY sent_at) FROM sms_sends GROUP BY sent_at;
