//! `sms-auth oidc-secret` and `sms-auth oidc-key rotate`: the OpenID provider's
//! commands, run beside the server with its configuration.

use secrecy::ExposeSecret;

use crate::{
    clock::{Clock, SystemClock},
    domain::oidc::keys as oidc_keys,
    oidc::{secret, secret::SecretHash, KEY_PUBLISHED_AHEAD_SECS},
    server::{config::Config, state::secret_of},
    store,
};

pub const USAGE: &str = "usage:
  sms-auth oidc-secret       draw a new client secret: give the secret to the app, put its hash in OIDC_CLIENTS
  sms-auth oidc-key rotate   make a new signing key; it signs once every instance has published it";

/// Runs the command the words after `sms-auth` name (`oidc-secret`, `oidc-key
/// rotate`): the lines to print, or why not.
pub async fn run(words: &[&str]) -> Result<Vec<String>, String> {
    match words {
        ["oidc-secret"] => {
            let secret = secret::draw();
            Ok(vec![
                format!("secret (give it to the app; sms-auth keeps only its hash): {secret}"),
                "in the app's [[clients]] entry of OIDC_CLIENTS:".to_owned(),
                format!("secret_sha256 = \"{}\"", SecretHash::of(&secret).to_hex()),
            ])
        }
        ["oidc-key", "rotate"] => {
            let config = Config::from_env().map_err(|e| e.to_string())?;
            let secret = secret_of(&config).map_err(|e| e.to_string())?;
            let store = store::connect(&config.database_url.0, 1)
                .await
                .map_err(|e| format!("database: {e}"))?;
            let kid = oidc_keys::rotate(
                store.as_ref(),
                secret.expose_secret().as_bytes(),
                SystemClock.now(),
            )
            .await
            .map_err(|e| e.to_string())?;
            tracing::warn!(kid, "OpenID provider: signing key rotated");
            Ok(vec![format!(
                "new signing key {kid}: published within a minute, signing in {} s; \
                 the previous key stays published for a day",
                KEY_PUBLISHED_AHEAD_SECS
            )])
        }
        _ => Err(USAGE.to_owned()),
    }
}
