//! Redeeming a code: spent once, checked against what the app presents, and its
//! tokens kept, in one transaction. A second redemption revokes every token the
//! code issued (RFC 6749 §4.1.2).
//!
//! On SQLite the token endpoint's writes queue for the one writer, and handing it
//! from one request to the next cost more than the redemption's own statements
//! (p99 62 ms at 64 clients). So SQLite runs the redemptions waiting together in
//! one transaction, one commit for all of them (`run`, as its sign-ins do:
//! `batches.rs`); each redemption's statements still decide it alone, so two
//! redemptions of one code in a batch give tokens once and revoke them after.
//! PostgreSQL runs each in its own transaction, side by side.

use sqlx::{ColumnIndex, Database, Executor, IntoArguments, Pool};

use super::model::{CodeGrant, NextToken, Redeemed, Redemption, TokenKind};
use crate::{
    oidc::{
        exchange::{self, Issued},
        scopes::Scopes,
    },
    store::{
        batches::{drain, Queue},
        engine::{Bind, Column, Conn, Db, Engine},
        model::{AccountId, SignInMethod},
    },
};

/// Marks the code $1 redeemed at $2 if it was not, returning what it grants.
const REDEEM: &str = "UPDATE oidc_codes SET used_at = $2 WHERE code_hash = $1 AND used_at IS NULL
     RETURNING client_id, redirect_uri, account_id, scopes, nonce, code_challenge, auth_time,
         method, expires_at";

/// A token of the grant of the code $5: binds its hash, kind, issued_at, expires_at.
const ISSUE_FROM_CODE: &str = "INSERT INTO oidc_tokens (token_hash, kind, grant_id, client_id,
         account_id, scopes, auth_time, method, issued_at, expires_at)
     SELECT $1, $2, code_hash, client_id, account_id, scopes, auth_time, method, $3, $4
     FROM oidc_codes WHERE code_hash = $5";

/// Revokes, at $2, every token of the grant $1.
pub(super) const REVOKE_GRANT: &str =
    "UPDATE oidc_tokens SET revoked_at = $2 WHERE grant_id = $1 AND revoked_at IS NULL";

/// Runs the redemptions of `queue` in batches on `writer`, each batch one
/// transaction (SQLite's: see the module's note).
pub(in crate::store) async fn run<E>(writer: Pool<E::Db>, queue: Queue<Redemption, Redeemed>)
where
    E: Engine,
    for<'c> &'c mut Conn<E>: Executor<'c, Database = Db<E>>,
    for<'q> <Db<E> as Database>::Arguments<'q>: IntoArguments<'q, Db<E>>,
    i64: Column<Db<E>>,
    String: Column<Db<E>>,
    Option<String>: Column<Db<E>>,
    AccountId: Column<Db<E>>,
    SignInMethod: sqlx::Type<Db<E>> + for<'r> sqlx::Decode<'r, Db<E>>,
    for<'q> &'q str: Bind<'q, Db<E>>,
    usize: ColumnIndex<<Db<E> as Database>::Row>,
    for<'r> CodeGrant: sqlx::FromRow<'r, <Db<E> as Database>::Row>,
{
    drain(queue, |redemptions| {
        let writer = writer.clone();
        async move {
            let answers = batch::<E>(&writer, &redemptions).await;
            (redemptions, answers)
        }
    })
    .await;
}

/// The redemptions as one transaction, each one's answer in order.
async fn batch<E>(
    writer: &Pool<E::Db>,
    redemptions: &[Redemption],
) -> Result<Vec<Redeemed>, sqlx::Error>
where
    E: Engine,
    for<'c> &'c mut Conn<E>: Executor<'c, Database = Db<E>>,
    for<'q> <Db<E> as Database>::Arguments<'q>: IntoArguments<'q, Db<E>>,
    i64: Column<Db<E>>,
    String: Column<Db<E>>,
    Option<String>: Column<Db<E>>,
    AccountId: Column<Db<E>>,
    SignInMethod: sqlx::Type<Db<E>> + for<'r> sqlx::Decode<'r, Db<E>>,
    for<'q> &'q str: Bind<'q, Db<E>>,
    usize: ColumnIndex<<Db<E> as Database>::Row>,
    for<'r> CodeGrant: sqlx::FromRow<'r, <Db<E> as Database>::Row>,
{
    let mut tx = E::begin(writer).await?;
    let mut answers = Vec::with_capacity(redemptions.len());
    for redemption in redemptions {
        answers.push(on::<E>(&mut tx, redemption).await?);
    }
    tx.commit().await?;
    Ok(answers)
}

/// Redeems `redemption` on `tx`, which the caller commits (whatever the answer:
/// a code refused stays spent, so a stolen one is not tried twice).
pub(super) async fn on<E>(
    tx: &mut Conn<E>,
    redemption: &Redemption,
) -> Result<Redeemed, sqlx::Error>
where
    E: Engine,
    for<'c> &'c mut Conn<E>: Executor<'c, Database = Db<E>>,
    for<'q> <Db<E> as Database>::Arguments<'q>: IntoArguments<'q, Db<E>>,
    i64: Column<Db<E>>,
    String: Column<Db<E>>,
    Option<String>: Column<Db<E>>,
    AccountId: Column<Db<E>>,
    SignInMethod: sqlx::Type<Db<E>> + for<'r> sqlx::Decode<'r, Db<E>>,
    for<'q> &'q str: Bind<'q, Db<E>>,
    usize: ColumnIndex<<Db<E> as Database>::Row>,
    for<'r> CodeGrant: sqlx::FromRow<'r, <Db<E> as Database>::Row>,
{
    let code_hash = redemption.code_hash.as_str();
    let now = redemption.now;
    let grant: Option<CodeGrant> = sqlx::query_as(REDEEM)
        .bind(code_hash)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
    let Some(grant) = grant else {
        let known: Option<String> =
            sqlx::query_scalar("SELECT client_id FROM oidc_codes WHERE code_hash = $1")
                .bind(code_hash)
                .fetch_optional(&mut *tx)
                .await?;
        if known.is_none() {
            return Ok(Redeemed::Unknown);
        }
        sqlx::query(REVOKE_GRANT)
            .bind(code_hash)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        return Ok(Redeemed::Again);
    };
    let issued = Issued {
        client_id: &grant.client_id,
        redirect_uri: &grant.redirect_uri,
        code_challenge: grant.code_challenge.as_deref(),
        expires_at: grant.expires_at,
    };
    let subject: Option<(String, String)> =
        sqlx::query_as("SELECT public_id, phone FROM accounts WHERE id = $1")
            .bind(grant.account)
            .fetch_optional(&mut *tx)
            .await?;
    let checked = exchange::check(issued, redemption.presented(), now)
        .and_then(|()| subject.ok_or("the account no longer exists"));
    let (public_id, phone) = match checked {
        Ok(subject) => subject,
        Err(why) => return Ok(Redeemed::Refused(why)),
    };
    let offline = Scopes::parse(&grant.scopes).is_some_and(|scopes| scopes.offline_access);
    let kept = redemption
        .tokens
        .iter()
        .filter(|token| token.kind == TokenKind::Access || offline);
    keep::<E>(tx, ISSUE_FROM_CODE, code_hash, kept, now).await?;
    Ok(Redeemed::First {
        grant,
        public_id,
        phone,
    })
}

/// Keeps `tokens`, issued at `now` for the grant of `from` (a code's hash for
/// `ISSUE_FROM_CODE`, a rotated refresh token's for `ISSUE_NEXT`).
pub(super) async fn keep<'t, E>(
    tx: &mut Conn<E>,
    statement: &'static str,
    from: &str,
    tokens: impl Iterator<Item = &'t NextToken>,
    now: i64,
) -> Result<(), sqlx::Error>
where
    E: Engine,
    for<'c> &'c mut Conn<E>: Executor<'c, Database = Db<E>>,
    for<'q> <Db<E> as Database>::Arguments<'q>: IntoArguments<'q, Db<E>>,
    i64: Column<Db<E>>,
    for<'q> &'q str: Bind<'q, Db<E>>,
{
    for token in tokens {
        sqlx::query(statement)
            .bind(token.token_hash.as_str())
            .bind(token.kind.word())
            .bind(now)
            .bind(token.expires_at)
            .bind(from)
            .execute(&mut *tx)
            .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{
        model::Footprint,
        oidc_grants::{AppVisit, Consent, NewCode, OidcGrantStore},
        sqlite::SqliteStore,
    };

    const NOW: i64 = 1_800_000_000;

    fn redemption(token: &str) -> Redemption {
        Redemption {
            code_hash: "code-hash".to_owned(),
            client_id: "grafana".to_owned(),
            redirect_uri: "https://g.test/cb".to_owned(),
            verifier: None,
            now: NOW + 1,
            tokens: vec![NextToken {
                token_hash: token.to_owned(),
                kind: TokenKind::Access,
                expires_at: NOW + 600,
            }],
        }
    }

    /// Two redemptions of one code in one SQLite batch: the first gets its tokens,
    /// the second finds the code spent and revokes them, as two batches would.
    #[tokio::test]
    async fn a_code_redeemed_twice_in_one_batch_gives_tokens_once_and_revokes_them() {
        let dir = tempfile::tempdir().expect("dir");
        let url = format!("sqlite://{}/t.db?mode=rwc", dir.path().display());
        let store = SqliteStore::connect(&url).await.expect("store");
        let account: AccountId = sqlx::query_scalar(
            "INSERT INTO accounts (phone, created_at, last_sign_in_at, sign_ins, public_id)
             VALUES ('+79991112233', 0, 0, 1, 'p') RETURNING id",
        )
        .fetch_one(store.writer())
        .await
        .expect("account");
        let code = NewCode {
            code_hash: "code-hash",
            client_id: "grafana",
            redirect_uri: "https://g.test/cb",
            account,
            scopes: "openid",
            nonce: None,
            code_challenge: None,
            auth_time: NOW,
            method: SignInMethod::Sms,
            expires_at: NOW + 60,
        };
        let visit = AppVisit {
            app_name: "Grafana",
            from: &Footprint::default(),
        };
        store
            .grant_code(&code, Consent::Trusted("openid"), visit, NOW)
            .await
            .expect("code");

        let answers = batch::<SqliteStore>(store.writer(), &[redemption("a"), redemption("b")])
            .await
            .expect("batch");
        assert!(matches!(answers[0], Redeemed::First { .. }), "{answers:?}");
        assert_eq!(answers[1], Redeemed::Again);
        for token in ["a", "b"] {
            let live = store
                .live_token(token, TokenKind::Access, NOW + 2)
                .await
                .expect("read");
            assert_eq!(live, None, "token {token}");
        }
        let kept: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM oidc_tokens")
            .fetch_one(store.writer())
            .await
            .expect("count");
        assert_eq!(kept, 1, "the first redemption's token, revoked");
    }
}
