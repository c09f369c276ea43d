//! The device cookie: a long-lived random id a browser gets at its first sign-in, kept
//! by the store (hashed) for each account the browser has signed in to. A known
//! device has its own allowance of the per-phone limits, so a stranger cannot lock
//! the owner's own browsers out. No fingerprinting: the cookie is all there is.

use crate::server::{auth::token, http::request::RequestContext};
use crate::store::DEVICE_COOKIE_SECS;

pub const DEVICE_COOKIE: &str = "did";

/// This browser's device id, if it has a well-formed one.
fn id_of(request: &RequestContext) -> Option<String> {
    request
        .cookie(DEVICE_COOKIE)
        .filter(|id| token::is_well_formed(id))
}

/// The hash of this browser's device id, if it has one.
pub fn hash_of(request: &RequestContext) -> Option<String> {
    id_of(request).map(|id| token::hash(&id))
}

/// This browser's device id, a new one if it has none, with its hash: what a
/// sign-in makes known to the account.
pub fn id_for_sign_in(request: &RequestContext) -> (String, String) {
    let id = id_of(request).unwrap_or_else(token::new_id);
    let hash = token::hash(&id);
    (id, hash)
}

/// Hands (or renews) the device cookie after a sign-in.
pub fn remember(request: &RequestContext, id: String) {
    request.set_cookie(DEVICE_COOKIE, id, DEVICE_COOKIE_SECS);
}
