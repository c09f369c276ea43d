//! The OpenID Connect provider's pure parts: the registered apps (`clients.rs`),
//! their secrets (`secret.rs`), the discovery document (`discovery.rs`), the signing keys (`keys.rs`) and how the store
//! keeps them sealed (`seal.rs`). No HTTP and no SQL: the endpoints are in
//! `server/http/oidc.rs`, the keys' rows in `store/oidc_keys.rs`.

pub mod authorize;
pub mod client_auth;
pub mod clients;
pub mod discovery;
pub mod error;
pub mod exchange;
pub mod keys;
pub mod pkce;
pub mod scopes;
pub mod seal;
pub mod secret;

/// The provider's endpoints (docs/oidc.md), under `PUBLIC_ORIGIN`, the issuer.
pub const DISCOVERY_PATH: &str = "/.well-known/openid-configuration";
pub const AUTHORIZE_PATH: &str = "/oidc/authorize";
pub const TOKEN_PATH: &str = "/oidc/token";
pub const USERINFO_PATH: &str = "/oidc/userinfo";
pub const JWKS_PATH: &str = "/oidc/jwks";
pub const END_SESSION_PATH: &str = "/oidc/logout";

/// How long an authorization code lives (RFC 6749 §4.1.2 asks for at most 10 minutes).
pub const CODE_SECS: i64 = 60;
/// How long an ID token is valid.
pub const ID_TOKEN_SECS: i64 = 600;
/// How long an access token opens `/userinfo`.
pub const ACCESS_TOKEN_SECS: i64 = 600;
/// How long a refresh token may wait for its use (each use issues a new one).
pub const REFRESH_TOKEN_SECS: i64 = 30 * 24 * 3600;
/// How long a new key is published before it signs: longer than the instances
/// take to reload their keys (`KEY_RELOAD_SECS`), so that no relying party meets
/// a token signed by a key that the JWKS it fetched does not hold.
pub const KEY_PUBLISHED_AHEAD_SECS: i64 = 120;
/// How often an instance reads the keys again (another may have rotated them).
pub const KEY_RELOAD_SECS: u64 = 60;
/// How long a retired key stays published: past the expiry of the last token
/// it signed, with a day's margin for an `id_token_hint` at sign-out.
pub const RETIRED_KEY_PUBLISHED_SECS: i64 = 24 * 3600;

/// Whether a parameter is given more than once (RFC 6749 §3.1: a request with a
/// repeated parameter is refused). One pass over the parameters: a 16 KiB body
/// holds thousands of them.
pub fn has_repeated(pairs: &[(String, String)]) -> bool {
    let mut seen = std::collections::HashSet::with_capacity(pairs.len());
    pairs.iter().any(|(name, _)| !seen.insert(name.as_str()))
}

#[cfg(test)]
mod tests {
    fn pairs(names: &[&str]) -> Vec<(String, String)> {
        names
            .iter()
            .map(|n| (n.to_string(), String::new()))
            .collect()
    }

    #[test]
    fn a_repeated_parameter_is_found_wherever_it_is() {
        assert!(!super::has_repeated(&pairs(&[])));
        assert!(!super::has_repeated(&pairs(&["code", "state", "scope"])));
        assert!(super::has_repeated(&pairs(&["code", "state", "code"])));
        assert!(super::has_repeated(&pairs(&["a", "a"])));
        let many: Vec<String> = (0..4000).map(|i| i.to_string()).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        assert!(!super::has_repeated(&pairs(&many)));
    }
}
