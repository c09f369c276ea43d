//! A code request's standing, read before it waits for its turn: what the phone's
//! account knows of the browser and its country, the allowance it draws on, and the
//! history of a send to the phone.

/// A code request's standing, one row with or without an account: whether the
/// phone's account knows the browser's device (a live session from it, or remembered
/// after its last one) and has signed in from the country since a time; the
/// allowance the browser draws on (the device's own once the account knows it, else
/// the number's shared one, `shared`); and the history of a send to the phone on that
/// allowance (the last SMS, the sends of the hour to the phone and from the address,
/// of the day, and the phone's lock), each count stopping at its limit. The rules it
/// shares with other statements are spelt in `store/rules.rs`.
///
/// Binds: $1 the phone, $2 the device's hash (NULL for none), $3 the country, $4
/// countries known since, $5 the address, $6 now, $7 the limit per phone, $8 per
/// address, $9 of wrong codes.
pub(in crate::store) const STANDING: &str = "WITH account AS (
       SELECT a.id,
              ($2 IS NOT NULL AND (
                 EXISTS (SELECT 1 FROM sessions ks
                         WHERE ks.account_id = a.id AND ks.device_hash = $2)
                 OR EXISTS (SELECT 1 FROM known_devices kd
                            WHERE kd.account_id = a.id AND kd.id_hash = $2))) AS device_known,
              (EXISTS (SELECT 1 FROM sessions ks
                       WHERE ks.account_id = a.id AND ks.country = $3
                         AND ks.created_at > $4)
               OR EXISTS (SELECT 1 FROM account_countries kc
                          WHERE kc.account_id = a.id AND kc.country = $3
                            AND kc.last_seen_at > $4)) AS country_known
       FROM accounts a WHERE a.phone = $1),
     chosen AS (
       SELECT CASE WHEN EXISTS (SELECT 1 FROM account WHERE device_known) THEN $2
                   ELSE 'shared' END AS allowance_key)
     SELECT account.id AS account_id,
            COALESCE(account.country_known, FALSE) AS country_known,
            chosen.allowance_key,
            (SELECT MAX(sent_at) FROM sms_sends
             WHERE phone = $1 AND allowance = chosen.allowance_key AND sent_at > ($6 - 86400))
              AS last_sent,
            (SELECT COUNT(*) FROM
               (SELECT 1 FROM sms_sends
                WHERE phone = $1 AND allowance = chosen.allowance_key AND sent_at > ($6 - 3600)
                LIMIT $7) AS p) AS to_phone,
            (SELECT COUNT(*) FROM
               (SELECT 1 FROM sms_sends WHERE ip = $5 AND sent_at > ($6 - 3600)
                LIMIT $8) AS i) AS from_ip,
            (COALESCE((SELECT total FROM sms_send_totals ORDER BY second DESC LIMIT 1), 0)
             - COALESCE((SELECT total FROM sms_send_totals WHERE second <= ($6 - 86400)
                         ORDER BY second DESC LIMIT 1), 0)) AS of_day,
            (COALESCE((SELECT new_total FROM sms_send_totals ORDER BY second DESC LIMIT 1), 0)
             - COALESCE((SELECT new_total FROM sms_send_totals WHERE second <= ($6 - 86400)
                         ORDER BY second DESC LIMIT 1), 0)) AS of_day_new,
            (SELECT f.at + 3600 FROM failed_attempts f
             WHERE f.phone = $1 AND f.allowance = chosen.allowance_key AND f.at > ($6 - 3600)
             ORDER BY f.at DESC LIMIT 1 OFFSET $9 - 1) AS locked_until
     FROM chosen LEFT JOIN account ON TRUE";
