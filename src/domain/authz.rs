//! Forward-auth: whether the person behind a request that a reverse proxy is about
//! to pass to a protected site is signed in, well enough for that site's location
//! (its step-up), and who they are. The proxy asks before every request of the site;
//! `server/http/authz.rs` speaks its protocol.

use crate::server::state::AppState;
use crate::{
    domain::session,
    error::AppError,
    store::{LiveSession, SignInMethod},
};

/// What a protected location asks of a sign-in beyond there being one: a passkey's
/// (`method=passkey`), or one at most `max_age` seconds old (`max_age=<seconds>`, as
/// OpenID Connect's).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StepUp {
    pub passkey: bool,
    pub max_age: Option<u32>,
}

/// Who is signed in, as the identity headers tell it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// The account's public id (`Remote-User`): never its phone number.
    pub public_id: String,
    /// `+79991234567` (`Remote-Phone`).
    pub phone: String,
    /// How this session signed in (`Remote-Auth-Method`).
    pub method: SignInMethod,
}

/// Why the person must sign in (again) before the request may pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInFirst {
    /// No live session.
    NotSignedIn,
    /// The location asks for a passkey's sign-in; this one was by code.
    Passkey,
    /// The location asks for a sign-in more recent than this one.
    TooOld,
}

/// The answer to the proxy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Pass(Identity),
    SignIn(SignInFirst),
}

/// Whether `session` meets `step_up` at `now`.
pub fn judge(session: &LiveSession, step_up: StepUp, now: i64) -> Result<(), SignInFirst> {
    if step_up.passkey && session.method != SignInMethod::Passkey {
        return Err(SignInFirst::Passkey);
    }
    match step_up.max_age {
        Some(max_age) if now - session.signed_in_at > i64::from(max_age) => {
            Err(SignInFirst::TooOld)
        }
        _ => Ok(()),
    }
}

/// Decides at `now` for the session whose id the browser's cookie holds (the proxy
/// passes the cookies on) under the location's `step_up`. Nothing more of the
/// request is read: the proxy asks before every request of its site. A store that
/// fails is an error, so the proxy lets nothing through.
pub async fn decide(
    state: &AppState,
    session_id: Option<&str>,
    now: i64,
    step_up: StepUp,
) -> Result<Decision, AppError> {
    let session = match session_id {
        Some(id) => session::live_for_proxy(state, id, now).await?,
        None => None,
    };
    let Some(session) = session else {
        return Ok(Decision::SignIn(SignInFirst::NotSignedIn));
    };
    Ok(match judge(&session, step_up, now) {
        Ok(()) => Decision::Pass(Identity {
            phone: session.account.phone.e164().to_owned(),
            public_id: session.public_id,
            method: session.method,
        }),
        Err(why) => Decision::SignIn(why),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Account, AccountId};

    fn session(method: SignInMethod, signed_in_at: i64) -> LiveSession {
        LiveSession {
            account: Account {
                id: AccountId(7),
                phone: crate::phone::Phone::from_stored("+79991234567".into()),
                created_at: 0,
                last_sign_in_at: signed_in_at,
            },
            public_id: "5e".repeat(16),
            method,
            signed_in_at,
        }
    }

    #[test]
    fn any_live_session_passes_where_nothing_more_is_asked() {
        let now = 1_000_000;
        for method in [SignInMethod::Sms, SignInMethod::Passkey] {
            assert_eq!(judge(&session(method, 0), StepUp::default(), now), Ok(()));
        }
    }

    #[test]
    fn a_passkey_location_passes_only_a_passkey_sign_in() {
        let passkey = StepUp {
            passkey: true,
            max_age: None,
        };
        let now = 1_000_000;
        assert_eq!(
            judge(&session(SignInMethod::Sms, now), passkey, now),
            Err(SignInFirst::Passkey)
        );
        assert_eq!(
            judge(&session(SignInMethod::Passkey, now), passkey, now),
            Ok(())
        );
    }

    #[test]
    fn max_age_counts_from_the_sign_in_to_the_second() {
        let recent = |max_age| StepUp {
            passkey: false,
            max_age: Some(max_age),
        };
        let now = 1_000_000;
        let signed_in = session(SignInMethod::Sms, now - 300);
        assert_eq!(judge(&signed_in, recent(300), now), Ok(()));
        assert_eq!(
            judge(&signed_in, recent(299), now),
            Err(SignInFirst::TooOld)
        );
        assert_eq!(judge(&signed_in, recent(0), now), Err(SignInFirst::TooOld));
        assert_eq!(
            judge(&session(SignInMethod::Sms, now), recent(0), now),
            Ok(())
        );
    }

    #[test]
    fn the_passkey_is_asked_about_before_the_age() {
        let both = StepUp {
            passkey: true,
            max_age: Some(60),
        };
        let now = 1_000_000;
        assert_eq!(
            judge(&session(SignInMethod::Sms, 0), both, now),
            Err(SignInFirst::Passkey)
        );
        assert_eq!(
            judge(&session(SignInMethod::Passkey, 0), both, now),
            Err(SignInFirst::TooOld)
        );
    }
}
