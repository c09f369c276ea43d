//! The live sessions forward-auth has just read, kept for the rest of the clock's
//! second: a proxy asks before every request of the site it protects (each image,
//! each XHR), and the same browser's session would be read from the store a hundred
//! times a page. A session ended on this instance (sign-out, "end", "not me", a new
//! sign-in replacing it) is forgotten at once; one ended on another instance passes
//! here for the rest of the second at most. Only sessions that live are kept, so no
//! stranger's guess fills it.

use std::{collections::HashMap, sync::Mutex};

use crate::store::LiveSession;

/// Sessions kept at most: past it, the ones of earlier seconds go first, and if
/// every one is of this second, all of them.
const CAPACITY: usize = 50_000;

#[derive(Default)]
pub struct LiveSessions {
    /// By the session's id hash: the session and the second it was read in.
    seen: Mutex<HashMap<String, (i64, LiveSession)>>,
}

impl LiveSessions {
    /// The session of `id_hash` if it was read in the second `now`.
    pub fn get(&self, id_hash: &str, now: i64) -> Option<LiveSession> {
        let seen = self.seen.lock().ok()?;
        seen.get(id_hash)
            .filter(|(read_at, _)| *read_at == now)
            .map(|(_, session)| session.clone())
    }

    /// Keeps `session`, read from the store in the second `now`.
    pub fn keep(&self, id_hash: &str, session: &LiveSession, now: i64) {
        let Ok(mut seen) = self.seen.lock() else {
            return;
        };
        if seen.len() >= CAPACITY {
            seen.retain(|_, (read_at, _)| *read_at == now);
            if seen.len() >= CAPACITY {
                seen.clear();
            }
        }
        seen.insert(id_hash.to_owned(), (now, session.clone()));
    }

    /// Forgets every session: one has ended on this instance.
    pub fn forget_all(&self) {
        if let Ok(mut seen) = self.seen.lock() {
            seen.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Account, AccountId, SignInMethod};

    fn session(public_id: &str) -> LiveSession {
        LiveSession {
            account: Account {
                id: AccountId(1),
                phone: crate::phone::Phone::from_stored("+79991234567".into()),
                created_at: 0,
                last_sign_in_at: 0,
            },
            public_id: public_id.to_owned(),
            method: SignInMethod::Sms,
            signed_in_at: 0,
        }
    }

    #[test]
    fn a_session_is_kept_for_the_second_it_was_read_in() {
        let sessions = LiveSessions::default();
        sessions.keep("a", &session("x"), 100);
        assert_eq!(
            sessions.get("a", 100).map(|s| s.public_id),
            Some("x".into())
        );
        assert!(sessions.get("a", 101).is_none());
        assert!(sessions.get("b", 100).is_none());
    }

    #[test]
    fn forgetting_drops_every_session() {
        let sessions = LiveSessions::default();
        sessions.keep("a", &session("x"), 100);
        sessions.keep("b", &session("y"), 100);
        sessions.forget_all();
        assert!(sessions.get("a", 100).is_none());
        assert!(sessions.get("b", 100).is_none());
    }

    #[test]
    fn a_full_cache_drops_the_earlier_seconds_first() {
        let sessions = LiveSessions::default();
        for n in 0..CAPACITY - 1 {
            sessions.keep(&n.to_string(), &session("old"), 100);
        }
        sessions.keep("now", &session("new"), 101);
        sessions.keep("next", &session("new"), 101);
        assert!(sessions.get("now", 101).is_some());
        assert!(sessions.get("next", 101).is_some());
        let left = sessions.seen.lock().map(|seen| seen.len()).unwrap_or(0);
        assert_eq!(left, 2);
    }
}
