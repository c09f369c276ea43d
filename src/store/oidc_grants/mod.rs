//! What the OpenID provider grants: consents, authorization codes and tokens,
//! each code and token kept as its hash. Redeeming a code and rotating a refresh
//! token are single statements, so two instances never both succeed; a second
//! redemption, or the reuse of a rotated refresh token, revokes the tokens of its
//! grant (RFC 6749 §4.1.2, RFC 9700 §4.14.2).

use async_trait::async_trait;
use sqlx::{ColumnIndex, Database, Executor, IntoArguments};

use self::redeem::{keep, REVOKE_GRANT};
use super::{
    activity,
    engine::{Bind, Column, Conn, Db, Engine},
    model::{AccountId, EventDetail, EventKind, SignInMethod, Word},
};
use crate::error::AppError;

pub(in crate::store) mod model;
pub(super) mod redeem;

pub use model::{
    AppVisit, CodeGrant, ConnectedApp, Consent, NewCode, NextToken, Redeemed, Redemption, Rotated,
    TokenGrant, TokenKind,
};

#[async_trait]
pub trait OidcGrantStore: Send + Sync + 'static {
    /// The scopes `account` consented to for `client_id`, if it did.
    async fn consent(
        &self,
        account: AccountId,
        client_id: &str,
    ) -> Result<Option<String>, AppError>;

    /// Keeps `code`, and records the account's sign-in to the app at `now` (its
    /// first, or its last), under `consent`, in its activity too (with the consent,
    /// when the person just gave it).
    async fn grant_code(
        &self,
        code: &NewCode<'_>,
        consent: Consent<'_>,
        visit: AppVisit<'_>,
        now: i64,
    ) -> Result<(), AppError>;

    /// Redeems the code of `redemption`, once, for the app that presents it,
    /// keeping its tokens: one step, so that a code is spent for good exactly when
    /// its tokens are kept, or its request refused.
    async fn redeem_code(&self, redemption: Redemption) -> Result<Redeemed, AppError>;

    /// The live (unexpired at `now`, unrevoked, unrotated) token of `token_hash`.
    async fn live_token(
        &self,
        token_hash: &str,
        kind: TokenKind,
        now: i64,
    ) -> Result<Option<TokenGrant>, AppError>;

    /// The apps `account` signs in to, the most recent first.
    async fn connected_apps(&self, account: AccountId) -> Result<Vec<ConnectedApp>, AppError>;

    /// Forgets `account`'s consent to `client_id` and revokes, at `now`, every
    /// token it issued the app for the account: the app asks again next time. The
    /// activity tells it, if the app was connected.
    async fn disconnect_app(
        &self,
        account: AccountId,
        client_id: &str,
        visit: AppVisit<'_>,
        now: i64,
    ) -> Result<(), AppError>;

    /// Uses the refresh token of `token_hash`, issued to `client_id`, at `now`,
    /// once, keeping `next` (the tokens issued in its place) in the same step.
    async fn rotate_refresh(
        &self,
        token_hash: &str,
        client_id: &str,
        now: i64,
        next: &[NextToken],
    ) -> Result<Rotated, AppError>;
}

const GRANT_CODE: &str = "INSERT INTO oidc_codes (code_hash, client_id, redirect_uri, account_id,
         scopes, nonce, code_challenge, auth_time, method, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";

/// The account's sign-in to an app: binds account, client, scopes consented (or
/// NULL to keep those there are, or 'openid' for a first trusted sign-in), now.
const SIGNED_IN_TO_APP: &str =
    "INSERT INTO oidc_consents (account_id, client_id, scopes, first_at, last_at)
     VALUES ($1, $2, COALESCE($3, 'openid'), $4, $4)
     ON CONFLICT (account_id, client_id) DO UPDATE
     SET scopes = COALESCE($3, oidc_consents.scopes), last_at = $4";

/// The live token $1 of kind $2 at $3, with its account's public id and phone.
const LIVE_TOKEN: &str = "SELECT t.grant_id, t.client_id, t.account_id, a.public_id, a.phone,
         t.scopes, t.auth_time, t.method, t.expires_at
     FROM oidc_tokens t JOIN accounts a ON a.id = t.account_id
     WHERE t.token_hash = $1 AND t.kind = $2 AND t.expires_at > $3
       AND t.used_at IS NULL AND t.revoked_at IS NULL";

/// Marks the live refresh token $1 used at $2, returning its grant.
const ROTATE: &str = "UPDATE oidc_tokens SET used_at = $2
     WHERE token_hash = $1 AND kind = 'refresh' AND expires_at > $2
       AND used_at IS NULL AND revoked_at IS NULL
     RETURNING grant_id";

/// A token for the grant of the token $5: binds its hash, kind, issued_at, expires_at.
const ISSUE_NEXT: &str =
    "INSERT INTO oidc_tokens (token_hash, kind, grant_id, client_id, account_id,
         scopes, auth_time, method, issued_at, expires_at)
     SELECT $1, $2, grant_id, client_id, account_id, scopes, auth_time, method, $3, $4
     FROM oidc_tokens WHERE token_hash = $5";

#[async_trait]
impl<E> OidcGrantStore for E
where
    E: Engine,
    for<'c> &'c mut Conn<E>: Executor<'c, Database = Db<E>>,
    for<'q> <Db<E> as Database>::Arguments<'q>: IntoArguments<'q, Db<E>>,
    i64: Column<Db<E>>,
    Option<i64>: Column<Db<E>>,
    String: Column<Db<E>>,
    Option<String>: Column<Db<E>>,
    AccountId: Column<Db<E>>,
    SignInMethod: sqlx::Type<Db<E>> + for<'r> sqlx::Decode<'r, Db<E>>,
    for<'q> &'q str: Bind<'q, Db<E>>,
    for<'q> Option<&'q str>: Bind<'q, Db<E>>,
    usize: ColumnIndex<<Db<E> as Database>::Row>,
    for<'r> CodeGrant: sqlx::FromRow<'r, <Db<E> as Database>::Row>,
    for<'r> ConnectedApp: sqlx::FromRow<'r, <Db<E> as Database>::Row>,
    for<'r> TokenGrant: sqlx::FromRow<'r, <Db<E> as Database>::Row>,
{
    async fn consent(
        &self,
        account: AccountId,
        client_id: &str,
    ) -> Result<Option<String>, AppError> {
        Ok(sqlx::query_scalar(
            "SELECT scopes FROM oidc_consents WHERE account_id = $1 AND client_id = $2",
        )
        .bind(account)
        .bind(client_id)
        .fetch_optional(self.reader())
        .await?)
    }

    async fn grant_code(
        &self,
        code: &NewCode<'_>,
        consent: Consent<'_>,
        visit: AppVisit<'_>,
        now: i64,
    ) -> Result<(), AppError> {
        let mut tx = self.decision().await?;
        sqlx::query(SIGNED_IN_TO_APP)
            .bind(code.account)
            .bind(code.client_id)
            .bind(consent.scopes())
            .bind(now)
            .execute(&mut *tx)
            .await?;
        sqlx::query(GRANT_CODE)
            .bind(code.code_hash)
            .bind(code.client_id)
            .bind(code.redirect_uri)
            .bind(code.account)
            .bind(code.scopes)
            .bind(code.nonce)
            .bind(code.code_challenge)
            .bind(code.auth_time)
            .bind(code.method.word())
            .bind(code.expires_at)
            .execute(&mut *tx)
            .await?;
        if let Consent::Given(_) = consent {
            told::<E>(&mut tx, code.account, EventKind::AppConsent, visit, now).await?;
        }
        told::<E>(&mut tx, code.account, EventKind::AppSignIn, visit, now).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn redeem_code(&self, redemption: Redemption) -> Result<Redeemed, AppError> {
        if let Some(redemptions) = self.redemptions() {
            return Ok(redemptions.run(redemption).await?);
        }
        let mut tx = self.decision().await?;
        let redeemed = redeem::on::<E>(&mut tx, &redemption).await?;
        tx.commit().await?;
        Ok(redeemed)
    }

    async fn live_token(
        &self,
        token_hash: &str,
        kind: TokenKind,
        now: i64,
    ) -> Result<Option<TokenGrant>, AppError> {
        Ok(sqlx::query_as(LIVE_TOKEN)
            .bind(token_hash)
            .bind(kind.word())
            .bind(now)
            .fetch_optional(self.reader())
            .await?)
    }

    async fn connected_apps(&self, account: AccountId) -> Result<Vec<ConnectedApp>, AppError> {
        Ok(sqlx::query_as(
            "SELECT client_id, scopes, first_at, last_at FROM oidc_consents
             WHERE account_id = $1 ORDER BY last_at DESC, client_id",
        )
        .bind(account)
        .fetch_all(self.reader())
        .await?)
    }

    async fn disconnect_app(
        &self,
        account: AccountId,
        client_id: &str,
        visit: AppVisit<'_>,
        now: i64,
    ) -> Result<(), AppError> {
        let mut tx = self.decision().await?;
        let forgotten =
            sqlx::query("DELETE FROM oidc_consents WHERE account_id = $1 AND client_id = $2")
                .bind(account)
                .bind(client_id)
                .execute(&mut *tx)
                .await?;
        if E::rows_affected(&forgotten) > 0 {
            told::<E>(&mut tx, account, EventKind::AppDisconnected, visit, now).await?;
        }
        sqlx::query(
            "UPDATE oidc_tokens SET revoked_at = $3
             WHERE account_id = $1 AND client_id = $2 AND revoked_at IS NULL",
        )
        .bind(account)
        .bind(client_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn rotate_refresh(
        &self,
        token_hash: &str,
        client_id: &str,
        now: i64,
        next: &[NextToken],
    ) -> Result<Rotated, AppError> {
        let mut tx = self.decision().await?;
        let live: Option<TokenGrant> = sqlx::query_as(LIVE_TOKEN)
            .bind(token_hash)
            .bind(TokenKind::Refresh.word())
            .bind(now)
            .fetch_optional(&mut *tx)
            .await?;
        if let Some(grant) = live.filter(|grant| grant.client_id == client_id) {
            let rotated: Option<String> = sqlx::query_scalar(ROTATE)
                .bind(token_hash)
                .bind(now)
                .fetch_optional(&mut *tx)
                .await?;
            if rotated.is_none() {
                return Ok(Rotated::Refused);
            }
            keep::<E>(&mut tx, ISSUE_NEXT, token_hash, next.iter(), now).await?;
            tx.commit().await?;
            return Ok(Rotated::First(grant));
        }
        // Reused: a rotated token presented again, by its app or by a thief.
        let reused: Option<String> = sqlx::query_scalar(
            "SELECT grant_id FROM oidc_tokens
             WHERE token_hash = $1 AND kind = 'refresh' AND used_at IS NOT NULL",
        )
        .bind(token_hash)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(grant) = reused else {
            return Ok(Rotated::Refused);
        };
        sqlx::query(REVOKE_GRANT)
            .bind(grant.as_str())
            .bind(now)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Rotated::Reused)
    }
}

/// Tells, in `account`'s activity, the event `kind` of the app `visit` names.
async fn told<E>(
    tx: &mut Conn<E>,
    account: AccountId,
    kind: EventKind,
    visit: AppVisit<'_>,
    now: i64,
) -> Result<(), sqlx::Error>
where
    E: Engine,
    for<'c> &'c mut Conn<E>: Executor<'c, Database = Db<E>>,
    for<'q> <Db<E> as Database>::Arguments<'q>: IntoArguments<'q, Db<E>>,
    i64: Column<Db<E>>,
    Option<i64>: Column<Db<E>>,
    for<'q> &'q str: Bind<'q, Db<E>>,
    for<'q> Option<&'q str>: Bind<'q, Db<E>>,
{
    let detail = EventDetail {
        app: Some(visit.app_name.to_owned()),
        ..EventDetail::default()
    };
    activity::record::<E, _>(&mut *tx, account, kind, visit.from, &detail, now).await
}
