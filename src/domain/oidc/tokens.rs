//! The token endpoint and userinfo: a code exchanged once for tokens (bound to its
//! app, its redirect URI and its PKCE challenge), a refresh token rotated at each
//! use (its reuse revokes its grant), and the claims an access token opens.

use std::time::Duration;

use chrono::{DateTime, Utc};
use openidconnect::{
    core::{
        CoreIdToken, CoreIdTokenClaims, CoreIdTokenFields, CoreJwsSigningAlgorithm,
        CoreTokenResponse, CoreTokenType, CoreUserInfoClaims,
    },
    AccessToken, Audience, AuthenticationMethodReference, EmptyAdditionalClaims,
    EmptyExtraTokenFields, EndUserPhoneNumber, IssuerUrl, Nonce, RefreshToken, Scope,
    StandardClaims, SubjectIdentifier,
};

use crate::{
    domain::token,
    error::AppError,
    oidc::{
        clients::{Client, ClientAuth},
        error::{ErrorCode, OAuthError},
        scopes::Scopes,
        ACCESS_TOKEN_SECS, ID_TOKEN_SECS, REFRESH_TOKEN_SECS,
    },
    server::state::AppState,
    store::{
        oidc_grants::{NextToken, Redeemed, Redemption, Rotated, TokenGrant, TokenKind},
        SignInMethod,
    },
};

/// How the app named itself at the token endpoint (`client_secret_basic`,
/// `client_secret_post`, or `none` for a public app).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    pub client_id: String,
    pub secret: Option<String>,
}

/// The token endpoint's answer: tokens, or a refusal.
pub type Answer = Result<CoreTokenResponse, OAuthError>;

const fn refuse(code: ErrorCode, description: &'static str) -> OAuthError {
    OAuthError::new(code, description)
}

/// Answers a token request (`form`: its parameters) from the app `credentials`
/// names, at `now`.
pub async fn token(
    state: &AppState,
    credentials: &Credentials,
    form: &[(String, String)],
    now: i64,
) -> Result<Answer, AppError> {
    let client = match authenticate(state, credentials) {
        Ok(client) => client,
        Err(refused) => return Ok(Err(refused)),
    };
    if crate::oidc::has_repeated(form) {
        return Ok(Err(refuse(
            ErrorCode::InvalidRequest,
            "a parameter is given twice",
        )));
    }
    match param(form, "grant_type") {
        Some("authorization_code") => exchange(state, client, form, now).await,
        Some("refresh_token") => refresh(state, client, form, now).await,
        None => Ok(Err(refuse(
            ErrorCode::InvalidRequest,
            "grant_type is missing",
        ))),
        Some(_) => Ok(Err(refuse(
            ErrorCode::UnsupportedGrantType,
            "authorization_code or refresh_token",
        ))),
    }
}

/// The value of the parameter `name`.
fn param<'f>(form: &'f [(String, String)], name: &str) -> Option<&'f str> {
    form.iter()
        .find(|(n, _)| n == name)
        .map(|(_, value)| value.as_str())
}

/// The registered app `credentials` name, if they prove it.
fn authenticate<'s>(
    state: &'s AppState,
    credentials: &Credentials,
) -> Result<&'s Client, OAuthError> {
    let unknown = refuse(ErrorCode::InvalidClient, "unknown client or wrong secret");
    let client = state
        .settings
        .oidc_clients
        .as_ref()
        .and_then(|clients| clients.get(&credentials.client_id))
        .ok_or(unknown)?;
    match (&client.auth, &credentials.secret) {
        (ClientAuth::Secret(hash), Some(secret)) if hash.matches(secret) => Ok(client),
        (ClientAuth::Public, None) => Ok(client),
        (ClientAuth::Public, Some(_)) => Err(refuse(
            ErrorCode::InvalidClient,
            "a public client authenticates with none",
        )),
        (ClientAuth::Secret(_), _) => Err(unknown),
    }
}

async fn exchange(
    state: &AppState,
    client: &Client,
    form: &[(String, String)],
    now: i64,
) -> Result<Answer, AppError> {
    let (Some(code), Some(redirect_uri)) = (param(form, "code"), param(form, "redirect_uri"))
    else {
        return Ok(Err(refuse(
            ErrorCode::InvalidRequest,
            "code and redirect_uri are required",
        )));
    };
    let invalid = |description| Ok(Err(refuse(ErrorCode::InvalidGrant, description)));
    // Drawn before the code is read: kept in the step that spends it, the refresh
    // token only for a grant with offline access.
    let issued = Issued::draw();
    let redemption = Redemption {
        code_hash: token::hash(code),
        client_id: client.id.clone(),
        redirect_uri: redirect_uri.to_owned(),
        verifier: param(form, "code_verifier").map(str::to_owned),
        now,
        tokens: issued.next(now),
    };
    let redeemed = state.store.redeem_code(redemption).await?;
    let (grant, public_id, phone) = match redeemed {
        Redeemed::First {
            grant,
            public_id,
            phone,
        } => (grant, public_id, phone),
        Redeemed::Refused(why) => return invalid(why),
        Redeemed::Unknown => return invalid("unknown code"),
        Redeemed::Again => {
            tracing::warn!(
                client = client.id,
                "OpenID provider: a code redeemed twice; its tokens are revoked"
            );
            return invalid("the code was used before: the tokens issued from it are revoked");
        }
    };
    let scopes = Scopes::parse(&grant.scopes).unwrap_or_default();
    let subject = Subject {
        public_id,
        phone,
        auth_time: grant.auth_time,
        method: grant.method,
    };
    respond(
        state,
        client,
        &subject,
        scopes,
        grant.nonce.as_deref(),
        issued,
        now,
    )
    .map(Ok)
}

async fn refresh(
    state: &AppState,
    client: &Client,
    form: &[(String, String)],
    now: i64,
) -> Result<Answer, AppError> {
    let Some(presented) = param(form, "refresh_token") else {
        return Ok(Err(refuse(
            ErrorCode::InvalidRequest,
            "refresh_token is required",
        )));
    };
    // Only a grant with offline access has a refresh token: its rotation keeps
    // the next one.
    let issued = Issued::draw();
    let next = issued.next(now);
    let grant: TokenGrant = match state
        .store
        .rotate_refresh(&token::hash(presented), &client.id, now, &next)
        .await?
    {
        Rotated::First(grant) => grant,
        Rotated::Refused => {
            return Ok(Err(refuse(
                ErrorCode::InvalidGrant,
                "unknown, expired or revoked refresh token",
            )));
        }
        Rotated::Reused => {
            tracing::warn!(
                client = client.id,
                "OpenID provider: a refresh token reused; its grant is revoked"
            );
            return Ok(Err(refuse(
                ErrorCode::InvalidGrant,
                "the refresh token was used before: its grant is revoked",
            )));
        }
    };
    let scopes = Scopes::parse(&grant.scopes).unwrap_or_default();
    let subject = Subject {
        public_id: grant.public_id,
        phone: grant.phone,
        auth_time: grant.auth_time,
        method: grant.method,
    };
    respond(state, client, &subject, scopes, None, issued, now).map(Ok)
}

/// The claims the access token `bearer` opens at `now`: `sub`, and with the
/// `phone` scope the number and that it is verified.
pub async fn userinfo(
    state: &AppState,
    bearer: &str,
    now: i64,
) -> Result<Result<CoreUserInfoClaims, OAuthError>, AppError> {
    let Some(grant) = state
        .store
        .live_token(&token::hash(bearer), TokenKind::Access, now)
        .await?
    else {
        return Ok(Err(refuse(
            ErrorCode::InvalidToken,
            "unknown, expired or revoked access token",
        )));
    };
    let scopes = Scopes::parse(&grant.scopes).unwrap_or_default();
    Ok(Ok(CoreUserInfoClaims::new(
        standard_claims(&grant.public_id, &grant.phone, scopes),
        EmptyAdditionalClaims {},
    )))
}

/// Whom tokens are issued for, and how they signed in.
struct Subject {
    public_id: String,
    phone: String,
    auth_time: i64,
    method: SignInMethod,
}

/// Tokens drawn for one answer: an access token, and a refresh token with
/// offline access.
struct Issued {
    access: String,
    access_hash: String,
    refresh: String,
    refresh_hash: String,
}

impl Issued {
    /// An access token and a refresh token, drawn before the store decides: the
    /// refresh token is kept and given only for a grant with offline access.
    fn draw() -> Self {
        let (access, refresh) = (super::new_secret(), super::new_secret());
        Self {
            access_hash: token::hash(&access),
            refresh_hash: token::hash(&refresh),
            access,
            refresh,
        }
    }

    /// The tokens as the store keeps them, issued at `now`.
    fn next(&self, now: i64) -> Vec<NextToken> {
        vec![
            NextToken {
                token_hash: self.access_hash.clone(),
                kind: TokenKind::Access,
                expires_at: now + ACCESS_TOKEN_SECS,
            },
            NextToken {
                token_hash: self.refresh_hash.clone(),
                kind: TokenKind::Refresh,
                expires_at: now + REFRESH_TOKEN_SECS,
            },
        ]
    }
}

fn standard_claims(
    public_id: &str,
    phone: &str,
    scopes: Scopes,
) -> StandardClaims<openidconnect::core::CoreGenderClaim> {
    let claims = StandardClaims::new(SubjectIdentifier::new(public_id.to_owned()));
    if scopes.phone {
        claims
            .set_phone_number(Some(EndUserPhoneNumber::new(phone.to_owned())))
            .set_phone_number_verified(Some(true))
    } else {
        claims
    }
}

/// RFC 8176: `sms` for a code; `hwk` and `user` (a hardware key, verified by its
/// owner) for a passkey.
fn amr(method: SignInMethod) -> Vec<AuthenticationMethodReference> {
    let words: &[&str] = match method {
        SignInMethod::Sms => &["sms"],
        SignInMethod::Passkey => &["hwk", "user"],
    };
    words
        .iter()
        .map(|w| AuthenticationMethodReference::new((*w).to_owned()))
        .collect()
}

fn at(seconds: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(seconds, 0).unwrap_or_default()
}

/// The answer: the tokens, and an ID token signed by the key that signs now.
fn respond(
    state: &AppState,
    client: &Client,
    subject: &Subject,
    scopes: Scopes,
    nonce: Option<&str>,
    issued: Issued,
    now: i64,
) -> Result<CoreTokenResponse, AppError> {
    let issuer =
        IssuerUrl::new(state.settings.public_origin.as_str().to_owned()).map_err(|error| {
            tracing::error!(%error, "OpenID provider: PUBLIC_ORIGIN is no issuer URL");
            AppError::Internal
        })?;
    let claims = CoreIdTokenClaims::new(
        issuer,
        vec![Audience::new(client.id.clone())],
        at(now + ID_TOKEN_SECS),
        at(now),
        standard_claims(&subject.public_id, &subject.phone, scopes),
        EmptyAdditionalClaims {},
    )
    .set_auth_time(Some(at(subject.auth_time)))
    .set_nonce(nonce.map(|nonce| Nonce::new(nonce.to_owned())))
    .set_auth_method_refs(Some(amr(subject.method)));
    let keys = state.oidc_keys.current();
    let Some(signer) = keys.as_ref().and_then(|keys| keys.signer(now)) else {
        tracing::error!("OpenID provider: no signing key");
        return Err(AppError::Internal);
    };
    let access = AccessToken::new(issued.access);
    let id_token = CoreIdToken::new(
        claims,
        signer,
        CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
        Some(&access),
        None,
    )
    .map_err(|error| {
        tracing::error!(%error, "OpenID provider: an ID token could not be signed");
        AppError::Internal
    })?;
    let mut response = CoreTokenResponse::new(
        access,
        CoreTokenType::Bearer,
        CoreIdTokenFields::new(Some(id_token), EmptyExtraTokenFields {}),
    );
    response.set_expires_in(Some(&Duration::from_secs(ACCESS_TOKEN_SECS.unsigned_abs())));
    response.set_refresh_token(
        scopes
            .offline_access
            .then(|| RefreshToken::new(issued.refresh)),
    );
    response.set_scopes(Some(
        scopes
            .as_str()
            .split(' ')
            .map(|scope| Scope::new(scope.to_owned()))
            .collect(),
    ));
    Ok(response)
}
