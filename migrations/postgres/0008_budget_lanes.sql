-- The same as migrations/sqlite/0008, in PostgreSQL's types.
-- The daily budget's lanes: each send names the lane it was spent from ('new': a
-- code to a number never signed in with; 'trusted': a code to a number that has an
-- account, or an owner's alert), and the running totals count the new lane's sends
-- beside all sends, so its day is read in two rows as the whole budget's is.
ALTER TABLE sms_sends ADD COLUMN lane TEXT NOT NULL DEFAULT 'trusted'
    CHECK (lane IN ('trusted', 'new'));
ALTER TABLE sms_send_totals ADD COLUMN new_total BIGINT NOT NULL DEFAULT 0;

-- The sends of the last day as they stand: a code to a number that has no account
-- yet was a new number's.
UPDATE sms_sends SET lane = 'new'
WHERE allowance <> 'alert' AND phone NOT IN (SELECT phone FROM accounts);
UPDATE sms_send_totals SET new_total = r.running
FROM (SELECT t.second,
             SUM((SELECT COUNT(*) FROM sms_sends s
                  WHERE s.lane = 'new' AND s.sent_at = t.second))
               OVER (ORDER BY t.second) AS running
      FROM sms_send_totals t) AS r
WHERE r.second = sms_send_totals.second;
