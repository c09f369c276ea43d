//! RP-initiated logout (`/oidc/logout`, OpenID Connect RP-Initiated Logout 1.0):
//! an app sends the person here to sign out of sms-auth too. With an
//! `id_token_hint` that sms-auth signed for this browser's account (expired ones
//! too), the session ends at once; without one, the person is asked on
//! `/signout` (a link cannot sign anyone out). The browser goes back only to a
//! `post_logout_redirect_uri` the app registered, with `state`.

use std::str::FromStr;

use openidconnect::{
    core::{CoreIdToken, CoreIdTokenVerifier},
    ClientId, IssuerUrl, Nonce,
};
use url::Url;

use crate::{
    domain::{client::SetCookie, session::SESSION_COOKIE, token},
    error::AppError,
    server::state::AppState,
};

/// Where the person goes after the logout request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    /// Signed out (or never signed in): back to the app, or to sms-auth's start
    /// page when it named no address.
    Done(Option<Url>),
    /// Asked first, on `/signout`: the request did not prove which account it
    /// meant.
    Confirm,
    /// sms-auth's own error page: nothing may be followed.
    Refused(&'static str),
}

/// The answer, and the cookie to clear when the session ended.
pub struct LoggedOut {
    pub next: Next,
    pub cookie: Option<SetCookie>,
}

/// Decides the logout request `pairs` for the browser whose session id is
/// `session_id`, at `now`.
pub async fn logout(
    state: &AppState,
    session_id: Option<&str>,
    pairs: &[(String, String)],
    now: i64,
) -> Result<LoggedOut, AppError> {
    let refused = |why| {
        Ok(LoggedOut {
            next: Next::Refused(why),
            cookie: None,
        })
    };
    if crate::oidc::has_repeated(pairs) {
        return refused("a parameter is given twice");
    }
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    let hint = match get("id_token_hint") {
        Some(hint) => match hinted(state, hint) {
            Some(hint) => Some(hint),
            None => return refused("id_token_hint is not an ID token of this provider"),
        },
        None => None,
    };
    let client_id = match (get("client_id"), &hint) {
        (Some(id), Some(hint)) if id != hint.client_id => {
            return refused("client_id differs from the id_token_hint's audience");
        }
        (Some(id), _) => Some(id.to_owned()),
        (None, Some(hint)) => Some(hint.client_id.clone()),
        (None, None) => None,
    };
    let back = match get("post_logout_redirect_uri") {
        None => None,
        Some(uri) => {
            let client = client_id
                .as_deref()
                .and_then(|id| state.settings.oidc_clients.as_ref()?.get(id));
            match client {
                Some(client) if client.allows_post_logout_redirect(uri) => {
                    let mut url = Url::parse(uri).map_err(|_| AppError::Internal)?;
                    if let Some(state_param) = get("state") {
                        url.query_pairs_mut().append_pair("state", state_param);
                    }
                    Some(url)
                }
                _ => return refused("post_logout_redirect_uri is not one the app registered"),
            }
        }
    };
    let session = match session_id.filter(|id| token::is_well_formed(id)) {
        Some(id) => crate::domain::session::live_for_proxy(state, id, now)
            .await?
            .map(|session| (id, session)),
        None => None,
    };
    let Some((id, session)) = session else {
        return Ok(LoggedOut {
            next: Next::Done(back),
            cookie: None,
        });
    };
    if hint.is_none_or(|hint| hint.subject != session.public_id) {
        return Ok(LoggedOut {
            next: Next::Confirm,
            cookie: None,
        });
    }
    state.store.delete_session(&token::hash(id), now).await?;
    state.live_sessions.forget_all();
    Ok(LoggedOut {
        next: Next::Done(back),
        cookie: Some(SetCookie::clear(SESSION_COOKIE)),
    })
}

/// Whom an `id_token_hint` names, and for which app.
struct Hint {
    subject: String,
    client_id: String,
}

/// The hint's subject and audience, if a key sms-auth publishes signed it for
/// this issuer; its expiry does not matter (the spec asks to accept expired hints).
fn hinted(state: &AppState, hint: &str) -> Option<Hint> {
    let keys = state.oidc_keys.current()?;
    let issuer = IssuerUrl::new(state.settings.public_origin.as_str().to_owned()).ok()?;
    let verifier =
        CoreIdTokenVerifier::new_public_client(ClientId::new(String::new()), issuer, keys.jwks())
            .require_audience_match(false)
            .set_time_fn(|| chrono::DateTime::UNIX_EPOCH);
    let token = CoreIdToken::from_str(hint).ok()?;
    let claims = token.claims(&verifier, |_: Option<&Nonce>| Ok(())).ok()?;
    let audience = claims.audiences().first()?;
    Some(Hint {
        subject: claims.subject().as_str().to_owned(),
        client_id: audience.as_str().to_owned(),
    })
}
