//! What an account knows of the browsers and countries it signs in from: a device
//! and a country are known while a session from them lives, and remembered after it
//! ends (`sessions::REMEMBER`). A sign-in's novelty, and the allowance a
//! code request draws on, are decided on them.

/// Whether the device `device_hash` (`''` for none) is known to the account
/// `account`: it holds a session of the account, or is remembered after its last one.
pub(super) fn device_known(account: &str, device_hash: &str) -> String {
    format!(
        "({device_hash} <> '' AND (
           EXISTS (SELECT 1 FROM sessions ks
                   WHERE ks.account_id = {account} AND ks.device_hash = {device_hash})
        OR EXISTS (SELECT 1 FROM known_devices kd
                   WHERE kd.account_id = {account} AND kd.id_hash = {device_hash})))"
    )
}

/// Whether the account `account` signed in from `country` since `since`: a live
/// session from there, or one remembered after it ended.
pub(super) fn country_known(account: &str, country: &str, since: &str) -> String {
    format!(
        "(EXISTS (SELECT 1 FROM sessions ks
                  WHERE ks.account_id = {account} AND ks.country = {country}
                    AND ks.created_at > {since})
       OR EXISTS (SELECT 1 FROM account_countries kc
                  WHERE kc.account_id = {account} AND kc.country = {country}
                    AND kc.last_seen_at > {since}))"
    )
}

/// What is new about a sign-in to the account `account` (an `accounts` row, after
/// the sign-in counted itself in `sign_ins`) from `device_hash` and `country`, as a
/// session keeps it and its activity event tells it: `first` (nothing to compare
/// with), a device it does not know and/or a country it has not signed in from since
/// `since` (`Novelty::session_key`), else `known`.
pub(super) fn novelty_key(account: &str, device_hash: &str, country: &str, since: &str) -> String {
    let new_device = format!(
        "NOT {}",
        device_known(&format!("{account}.id"), device_hash)
    );
    let new_country = format!(
        "({country} <> '' AND NOT {})",
        country_known(&format!("{account}.id"), country, since)
    );
    format!(
        "CASE WHEN {account}.sign_ins = 1 THEN 'first'
              WHEN {new_device} AND {new_country} THEN 'device,country'
              WHEN {new_device} THEN 'device'
              WHEN {new_country} THEN 'country'
              ELSE 'known' END"
    )
}

