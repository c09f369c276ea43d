//! The OpenID provider's steps: its keys as every instance holds them
//! (`keys.rs`), the authorization and the person's consent (`authorize.rs`), and
//! the tokens: the code's exchange, the refresh, the userinfo (`tokens.rs`), and
//! the logout an app asks for (`logout.rs`), and the apps an account signs in to
//! (`apps.rs`).
//! The protocol's pure rules are in `oidc/`; its HTTP in `server/http/oidc.rs`.

pub mod apps;
pub mod authorize;
pub mod keys;
pub mod logout;
pub mod tokens;

/// A new code or token: 256 random bits from the OS, in hex.
pub(crate) fn new_secret() -> String {
    crate::oidc::secret::draw()
}
