//! The authorization (`/oidc/authorize`) and the consent: who is signed in, well
//! enough for the app's request, whether they let the app know them, and the code
//! that answers it.

use url::Url;

use crate::{
    domain::{session, token},
    error::AppError,
    oidc::{
        authorize::{self, code_url, AuthRequest, Back, Refused},
        clients::Client,
        error::ErrorCode,
        scopes::Scopes,
        AUTHORIZE_PATH, CODE_SECS,
    },
    server::state::AppState,
    store::{
        oidc_grants::{AppVisit, Consent, NewCode},
        Footprint, LiveSession,
    },
};

/// Where the person goes next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    /// Back to the app: a code, or a refusal.
    ToApp(Url),
    /// To sign in, then back to this path (`/oidc/authorize?…`).
    SignIn(String),
    /// To be asked (`/oidc/consent?…`, the same query).
    Consent(String),
    /// sms-auth's own error page: nothing may be sent to the app.
    Refused(&'static str),
}

/// What the consent screen shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentView {
    pub app_name: String,
    pub scopes: Scopes,
    /// The request, for the form's hidden fields.
    pub pairs: Vec<(&'static str, String)>,
}

/// The person's answer on the consent screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    Allow,
    Deny,
}

/// Decides the authorization request `pairs` for the browser whose session id is
/// `session_id`, which comes `from` there, at `now`.
pub async fn authorize(
    state: &AppState,
    session_id: Option<&str>,
    from: &Footprint,
    pairs: &[(String, String)],
    now: i64,
) -> Result<Next, AppError> {
    let (request, client) = match read(state, pairs) {
        Ok(read) => read,
        Err(next) => return Ok(next),
    };
    let session = live_session(state, session_id, now).await?;
    let session = match session {
        Some(session) if request.accepts_sign_in(session.signed_in_at, now) => session,
        _ if request.prompt.none => {
            return Ok(back(
                state,
                &request,
                ErrorCode::LoginRequired,
                "the person must sign in",
            ));
        }
        other => {
            let again = request.after_sign_in(other.map(|session| session.signed_in_at));
            return Ok(Next::SignIn(path_of(AUTHORIZE_PATH, &again)));
        }
    };
    let visit = AppVisit {
        app_name: &client.name,
        from,
    };
    if client.trusted {
        let consent = Consent::Trusted(request.scopes.as_str());
        return grant(state, &request, &session, consent, visit, now).await;
    }
    let consented = state
        .store
        .consent(session.account.id, &client.id)
        .await?
        .and_then(|scopes| Scopes::parse(&scopes));
    let covered = consented.is_some_and(|given| given.covers(request.scopes));
    if covered && !request.prompt.consent {
        return grant(state, &request, &session, Consent::Kept, visit, now).await;
    }
    Ok(if request.prompt.none {
        back(
            state,
            &request,
            ErrorCode::ConsentRequired,
            "the person has not consented",
        )
    } else {
        Next::Consent(path_of(CONSENT_PATH, &request))
    })
}

/// The consent screen's path.
pub const CONSENT_PATH: &str = "/oidc/consent";

/// What the consent screen of the request `pairs` shows; `Err` with where to go
/// instead when it is not a request to ask about.
pub fn consent_view(state: &AppState, pairs: &[(String, String)]) -> Result<ConsentView, Next> {
    let (request, client) = read(state, pairs)?;
    Ok(ConsentView {
        app_name: client.name.clone(),
        scopes: request.scopes,
        pairs: request.pairs(),
    })
}

/// The person's `answer` to the request `pairs`, posted from the consent screen
/// by a browser that comes `from` there.
pub async fn consent(
    state: &AppState,
    session_id: Option<&str>,
    from: &Footprint,
    pairs: &[(String, String)],
    answer: Answer,
    now: i64,
) -> Result<Next, AppError> {
    let (request, client) = match read(state, pairs) {
        Ok(read) => read,
        Err(next) => return Ok(next),
    };
    let session = live_session(state, session_id, now)
        .await?
        .filter(|session| request.accepts_sign_in(session.signed_in_at, now));
    let Some(session) = session else {
        return Ok(Next::SignIn(path_of(AUTHORIZE_PATH, &request)));
    };
    match answer {
        Answer::Deny => Ok(back(
            state,
            &request,
            ErrorCode::AccessDenied,
            "the person said no",
        )),
        Answer::Allow => {
            let before = state
                .store
                .consent(session.account.id, &request.client_id)
                .await?
                .and_then(|scopes| Scopes::parse(&scopes))
                .unwrap_or_default();
            let given = Scopes {
                phone: before.phone || request.scopes.phone,
                offline_access: before.offline_access || request.scopes.offline_access,
            };
            let visit = AppVisit {
                app_name: &client.name,
                from,
            };
            let consent = Consent::Given(given.as_str());
            grant(state, &request, &session, consent, visit, now).await
        }
    }
}

/// The checked request and its app, or where to go instead.
fn read<'s>(
    state: &'s AppState,
    pairs: &[(String, String)],
) -> Result<(AuthRequest, &'s Client), Next> {
    let Some(clients) = &state.settings.oidc_clients else {
        return Err(Next::Refused("no OpenID provider"));
    };
    authorize::parse(pairs, clients).map_err(|refused| match refused {
        Refused::Page(why) => Next::Refused(why),
        Refused::Back(back) => to_app(state, &back),
    })
}

/// The browser's live session.
async fn live_session(
    state: &AppState,
    session_id: Option<&str>,
    now: i64,
) -> Result<Option<LiveSession>, AppError> {
    match session_id.filter(|id| token::is_well_formed(id)) {
        Some(id) => session::live_for_proxy(state, id, now).await,
        None => Ok(None),
    }
}

/// Issues a code for `request` to the signed-in `session` under `consent`,
/// recording the sign-in to the app (`visit`).
async fn grant(
    state: &AppState,
    request: &AuthRequest,
    session: &LiveSession,
    consent: Consent<'_>,
    visit: AppVisit<'_>,
    now: i64,
) -> Result<Next, AppError> {
    let code = super::new_secret();
    let code_hash = token::hash(&code);
    let new = NewCode {
        code_hash: &code_hash,
        client_id: &request.client_id,
        redirect_uri: &request.redirect_uri,
        account: session.account.id,
        scopes: request.scopes.as_str(),
        nonce: request.nonce.as_deref(),
        code_challenge: request.code_challenge.as_deref(),
        auth_time: session.signed_in_at,
        method: session.method,
        expires_at: now + CODE_SECS,
    };
    state.store.grant_code(&new, consent, visit, now).await?;
    let issuer = state.settings.public_origin.as_str();
    code_url(request, &code, issuer)
        .map(Next::ToApp)
        .ok_or_else(|| {
            // Registered URIs are parsed at start: unreachable.
            tracing::error!(
                client = request.client_id,
                "a registered redirect URI did not parse"
            );
            AppError::Internal
        })
}

fn back(
    state: &AppState,
    request: &AuthRequest,
    code: ErrorCode,
    description: &'static str,
) -> Next {
    to_app(state, &Back::new(request, code, description))
}

fn to_app(state: &AppState, back: &Back) -> Next {
    match back.url(state.settings.public_origin.as_str()) {
        Some(url) => Next::ToApp(url),
        None => Next::Refused("the redirect URI does not parse"),
    }
}

/// `path?<the request>`.
fn path_of(path: &str, request: &AuthRequest) -> String {
    let query = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(request.pairs())
        .finish();
    format!("{path}?{query}")
}
