//! What the OpenID provider's store keeps and answers: codes, consents, tokens,
//! and what redeeming a code or rotating a refresh token found.

use crate::{
    oidc::exchange::Presented,
    store::{
        batches::Batches,
        model::{AccountId, Footprint, SignInMethod},
    },
};

/// A code to keep, as its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCode<'a> {
    pub code_hash: &'a str,
    pub client_id: &'a str,
    pub redirect_uri: &'a str,
    pub account: AccountId,
    pub scopes: &'a str,
    pub nonce: Option<&'a str>,
    pub code_challenge: Option<&'a str>,
    pub auth_time: i64,
    pub method: SignInMethod,
    pub expires_at: i64,
}

/// The consent a code is issued under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Consent<'a> {
    /// The consent kept covers the request.
    Kept,
    /// The person consented just now: `scopes` are all they have given the app.
    Given(&'a str),
    /// A trusted app, which no one is asked about: `scopes` are what it asked for.
    Trusted(&'a str),
}

impl<'a> Consent<'a> {
    /// The scopes to keep as consented; `None` to keep those there are.
    pub(super) fn scopes(self) -> Option<&'a str> {
        match self {
            Consent::Kept => None,
            Consent::Given(scopes) | Consent::Trusted(scopes) => Some(scopes),
        }
    }
}

/// Where a person met an app, as the account's activity tells it: the app by its
/// name then, the browser by its footprint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AppVisit<'a> {
    pub app_name: &'a str,
    pub from: &'a Footprint,
}

/// What a code was issued for, read back when it is redeemed.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CodeGrant {
    pub client_id: String,
    pub redirect_uri: String,
    #[sqlx(rename = "account_id")]
    pub account: AccountId,
    pub scopes: String,
    pub nonce: Option<String>,
    pub code_challenge: Option<String>,
    pub auth_time: i64,
    pub method: SignInMethod,
    pub expires_at: i64,
}

/// What redeeming a code found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Redeemed {
    /// Redeemed now, for the first time, and the tokens issued from it kept; with
    /// the account's public id (`sub`) and phone number.
    First {
        grant: CodeGrant,
        public_id: String,
        phone: String,
    },
    /// Spent now, but not for this request (`oidc::exchange::check` says why): no
    /// token is issued.
    Refused(&'static str),
    /// Redeemed before: the tokens issued from it are revoked now.
    Again,
    Unknown,
}

/// Access or refresh.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Access,
    Refresh,
}

impl TokenKind {
    pub(super) fn word(self) -> &'static str {
        match self {
            Self::Access => "access",
            Self::Refresh => "refresh",
        }
    }
}

/// A live token and whom it is for.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TokenGrant {
    pub grant_id: String,
    pub client_id: String,
    #[sqlx(rename = "account_id")]
    pub account: AccountId,
    /// The account's public id (`sub`) and phone number.
    pub public_id: String,
    pub phone: String,
    pub scopes: String,
    pub auth_time: i64,
    pub method: SignInMethod,
    pub expires_at: i64,
}

/// An app the account signs in to, as the account page lists it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ConnectedApp {
    pub client_id: String,
    /// The scopes consented (`openid phone`).
    pub scopes: String,
    /// The first and the last sign-in to it, unix seconds.
    pub first_at: i64,
    pub last_at: i64,
}

/// What rotating a refresh token found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rotated {
    /// Used now for the first time; the tokens issued in its place are kept.
    First(TokenGrant),
    /// Used before: every token of its grant is revoked now.
    Reused,
    /// Unknown, expired, revoked, or another app's.
    Refused,
}

/// A token to keep, as its hash: issued from a code, or in the place of a rotated
/// refresh token, for the same grant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NextToken {
    pub token_hash: String,
    pub kind: TokenKind,
    pub expires_at: i64,
}

/// A code's exchange: the code's hash, what the app presented with it, the time,
/// and the tokens to keep if it is granted (the refresh token only for a grant
/// with offline access). Owned, so that SQLite's task of redemptions can take it.
/// It holds the PKCE verifier, a secret: never logged (no `Debug`).
#[derive(Clone, PartialEq, Eq)]
pub struct Redemption {
    pub code_hash: String,
    pub client_id: String,
    pub redirect_uri: String,
    pub verifier: Option<String>,
    pub now: i64,
    pub tokens: Vec<NextToken>,
}

impl Redemption {
    /// What the app presented.
    pub fn presented(&self) -> Presented<'_> {
        Presented {
            client_id: &self.client_id,
            redirect_uri: &self.redirect_uri,
            verifier: self.verifier.as_deref(),
        }
    }
}

/// The task that runs SQLite's redemptions in group-committed batches
/// (`redeem.rs`).
pub(in crate::store) type Redemptions = Batches<Redemption, Redeemed>;
