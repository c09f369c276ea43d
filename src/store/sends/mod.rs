//! Sends: the code SMS and the owner's alerts, counted per phone, per address and
//! per day; reserved before they go (`batch.rs`), released when they could not go.

mod batch;
pub(super) mod history;
pub(super) mod job;
pub(super) mod standing;

use async_trait::async_trait;
use sqlx::{ColumnIndex, Database, Executor, IntoArguments};

pub(super) use self::batch::run;
pub(super) use self::history::{DAY_WINDOW, SENDS_KEPT_SECS};
use self::{history::COUNT_SEND, job::SendJob};
use super::{
    engine::{Bind, Column, Conn, Db, Engine},
    model::{
        AccountId, AlertClaim, Allowance, BudgetSpend, Footprint, NewVerification, SendTicket,
        Standing, COUNTRY_MEMORY_SECS,
    },
    rows::{count, StandingOf},
};
use crate::{
    error::AppError,
    otp::{Lane, Limit, Policy},
    phone::Phone,
};

#[async_trait]
pub trait SendStore: Send + Sync + 'static {
    /// What the store knows of `phone`'s account for a browser with this device id
    /// hash, from `from`, as of `now`; and the
    /// history a code SMS to the phone from the address `ip` would be decided on.
    /// Read beside the writer: a request it shows past a limit is refused without
    /// waiting for the writer (counts only grow until the writer decides).
    async fn standing(
        &self,
        phone: &Phone,
        device_hash: Option<&str>,
        from: &Footprint,
        ip: &str,
        now: i64,
        policy: &Policy,
    ) -> Result<Standing, AppError>;

    /// Counts one SMS of the code `code` (to its phone, on its allowance) from `ip`,
    /// at its creation time, if the policy allows it then, and stores the code,
    /// killing the live code it replaces: one step, decided with the other requests
    /// waiting for the writer (`batch.rs`). The account's activity (if the phone has
    /// one) records the code sent. Callers refuse first what `standing` refuses.
    async fn reserve_code(
        &self,
        code: NewVerification<'_>,
        ip: &str,
        from: &Footprint,
        policy: &Policy,
    ) -> Result<SendTicket, AppError>;

    /// Uncounts an SMS that was never sent, and its activity event.
    async fn release_sms(&self, ticket: SendTicket) -> Result<(), AppError>;

    /// Claims an alert to the account's owner, if the account's daily cap and the
    /// service's budget allow one now: counted like a code SMS in the budget, not in
    /// the phone's own caps. About a sign-in from the device `device_hash`, it is the
    /// one alert about that device, ever.
    async fn claim_alert(
        &self,
        account_id: AccountId,
        phone: &Phone,
        device_hash: Option<&str>,
        now: i64,
        policy: &Policy,
    ) -> Result<AlertClaim, AppError>;

    /// The SMS of the budget's day before `now`, all and the new numbers' lane.
    async fn budget_spend(&self, now: i64) -> Result<BudgetSpend, AppError>;

    /// When the last SMS on `allowance` went to this phone, if within the last day.
    async fn last_sms_to(
        &self,
        phone: &Phone,
        allowance: &Allowance,
        now: i64,
    ) -> Result<Option<i64>, AppError>;
}

/// What an alert to an account about a device is decided on: whether the device was
/// alerted about, the alerts to the phone, and the sends of the service since the
/// budget's day began (the running totals, as `store/rules.rs` spells the count).
/// Binds: $1 the account, $2 the device's hash (NULL for none), $3 the phone, $4
/// the alerts' allowance, $5 since.
pub(super) const ALERT_HISTORY: &str = "SELECT
       EXISTS (SELECT 1 FROM device_alerts WHERE account_id = $1 AND device_hash = $2),
       (SELECT COUNT(*) FROM sms_sends WHERE phone = $3 AND allowance = $4 AND sent_at > $5),
       (COALESCE((SELECT total FROM sms_send_totals ORDER BY second DESC LIMIT 1), 0)
        - COALESCE((SELECT total FROM sms_send_totals WHERE second <= $5
                    ORDER BY second DESC LIMIT 1), 0))";

/// The sends made after $1, all and the new numbers' lane (the running totals, as
/// `store/rules.rs` spells the count).
pub(super) const BUDGET_SPEND: &str = "SELECT
       (COALESCE((SELECT total FROM sms_send_totals ORDER BY second DESC LIMIT 1), 0)
        - COALESCE((SELECT total FROM sms_send_totals WHERE second <= $1
                    ORDER BY second DESC LIMIT 1), 0)),
       (COALESCE((SELECT new_total FROM sms_send_totals ORDER BY second DESC LIMIT 1), 0)
        - COALESCE((SELECT new_total FROM sms_send_totals WHERE second <= $1
                    ORDER BY second DESC LIMIT 1), 0))";

/// Uncounts the send $1 from the running totals, and from its lane's (before its row
/// goes).
pub(super) const UNCOUNT_SEND: &str = "UPDATE sms_send_totals SET total = total - 1,
       new_total = new_total - (SELECT CASE WHEN lane = 'new' THEN 1 ELSE 0 END
                                FROM sms_sends WHERE id = $1)
     WHERE second >= (SELECT sent_at FROM sms_sends WHERE id = $1)";

/// The allowance alerts are counted under in `sms_sends`: neither the number's
/// shared one (`shared`) nor a device's (a 64-digit hash), so alerts count in the
/// daily budget but never in a phone's own caps; and from no address (`ip` NULL).
/// They go to accounts' owners: spent from the trusted lane (the column's default).
pub(super) const ALERT_ALLOWANCE: &str = "alert";

#[async_trait]
impl<E> SendStore for E
where
    E: Engine,
    for<'c> &'c mut Conn<E>: Executor<'c, Database = Db<E>>,
    for<'q> <Db<E> as Database>::Arguments<'q>: IntoArguments<'q, Db<E>>,
    i64: Column<Db<E>>,
    bool: Column<Db<E>>,
    for<'q> &'q str: Bind<'q, Db<E>>,
    for<'q> Option<&'q str>: Bind<'q, Db<E>>,
    usize: ColumnIndex<<Db<E> as Database>::Row>,
{
    async fn standing(
        &self,
        phone: &Phone,
        device_hash: Option<&str>,
        from: &Footprint,
        ip: &str,
        now: i64,
        policy: &Policy,
    ) -> Result<Standing, AppError> {
        let row = self
            .standing_row(StandingOf {
                phone: phone.e164().to_owned(),
                device_hash: device_hash.map(str::to_owned),
                country: from.country.clone(),
                country_since: now - COUNTRY_MEMORY_SECS,
                ip: ip.to_owned(),
                now,
                per_phone: i64::from(policy.limit(Limit::SmsPerPhonePerHour)),
                per_ip: i64::from(policy.limit(Limit::SmsPerIpPerHour)),
                failures: i64::from(policy.limit(Limit::PhoneFailuresPerHour)),
            })
            .await?;
        Ok(row.into())
    }

    async fn reserve_code(
        &self,
        code: NewVerification<'_>,
        ip: &str,
        from: &Footprint,
        policy: &Policy,
    ) -> Result<SendTicket, AppError> {
        batch::reserve(
            self.sends(),
            SendJob {
                phone: code.phone.e164().to_owned(),
                allowance: code.allowance.key().to_owned(),
                ip: ip.to_owned(),
                lane: code.lane,
                guard: code.guard.cloned(),
                now: code.created_at,
                from: from.clone(),
                policy: policy.clone(),
                id_hash: code.id_hash.to_owned(),
                replaces: code.replaces.map(str::to_owned),
                code_digest: code.code_digest.to_vec(),
                expires_at: code.expires_at,
            },
        )
        .await
    }

    async fn release_sms(&self, ticket: SendTicket) -> Result<(), AppError> {
        let mut tx = self.decision().await?;
        // The running totals are written by reservations, which take this
        // turn too: a release between their read and their write is not lost.
        Self::serialize_sends(&mut tx).await?;
        sqlx::query("DELETE FROM security_events WHERE send_id = $1")
            .bind(ticket.0)
            .execute(&mut *tx)
            .await?;
        sqlx::query(UNCOUNT_SEND)
            .bind(ticket.0)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM sms_sends WHERE id = $1")
            .bind(ticket.0)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn claim_alert(
        &self,
        account_id: AccountId,
        phone: &Phone,
        device_hash: Option<&str>,
        now: i64,
        policy: &Policy,
    ) -> Result<AlertClaim, AppError> {
        let mut tx = self.decision().await?;
        Self::serialize_sends(&mut tx).await?;
        let (alerted, alerts_today, sent_today): (bool, i64, i64) = sqlx::query_as(ALERT_HISTORY)
            .bind(account_id)
            .bind(device_hash)
            .bind(phone.e164())
            .bind(ALERT_ALLOWANCE)
            .bind(now - DAY_WINDOW)
            .fetch_one(&mut *tx)
            .await?;
        let refused = if alerted {
            Some(AlertClaim::AlreadyAlerted)
        } else if alerts_today >= i64::from(policy.limit(Limit::AlertsPerAccountPerDay)) {
            Some(AlertClaim::DailyCap)
        } else if sent_today >= i64::from(policy.limit(Limit::SmsPerDay)) {
            Some(AlertClaim::Budget)
        } else {
            None
        };
        if let Some(refused) = refused {
            return Ok(refused);
        }
        if let Some(device_hash) = device_hash {
            sqlx::query(
                "INSERT INTO device_alerts (account_id, device_hash, at) VALUES ($1, $2, $3)",
            )
            .bind(account_id)
            .bind(device_hash)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO sms_sends (phone, ip, sent_at, allowance) VALUES ($1, NULL, $2, $3)
             RETURNING id",
        )
        .bind(phone.e164())
        .bind(now)
        .bind(ALERT_ALLOWANCE)
        .fetch_one(&mut *tx)
        .await?;
        for statement in COUNT_SEND.iter() {
            sqlx::query(statement)
                .bind(now)
                .bind(Lane::Trusted.key())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(AlertClaim::Granted(SendTicket(id)))
    }

    async fn budget_spend(&self, now: i64) -> Result<BudgetSpend, AppError> {
        let (all, new): (i64, i64) = sqlx::query_as(BUDGET_SPEND)
            .bind(now - DAY_WINDOW)
            .fetch_one(self.reader())
            .await?;
        Ok(BudgetSpend {
            all: count(all),
            new: count(new),
        })
    }

    async fn last_sms_to(
        &self,
        phone: &Phone,
        allowance: &Allowance,
        now: i64,
    ) -> Result<Option<i64>, AppError> {
        Ok(sqlx::query_scalar(
            "SELECT MAX(sent_at) FROM sms_sends
             WHERE phone = $1 AND allowance = $2 AND sent_at > $3",
        )
        .bind(phone.e164())
        .bind(allowance.key())
        .bind(now - Policy::LAST_SENT_WINDOW)
        .fetch_one(self.reader())
        .await?)
    }
}
