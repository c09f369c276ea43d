//! The application state: what every request may use, built once at start.

use std::{ops::Deref, path::Path, sync::Arc};

use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use secrecy::{ExposeSecret, SecretString};
use thiserror::Error;
use tokio_util::task::TaskTracker;

use crate::server::{
    config::{Config, ConfigError, PublicOrigin},
    geo::{GeoIp, DEFAULT_GEOIP_DB},
    http::{client_ip::TrustedProxies, metrics::Metrics},
};
use crate::{
    clock::{Clock, SystemClock},
    domain::oidc::keys::{KeyError, KeyRing},
    otp::Policy,
    sms::{DevOutbox, ExolveClient, SmsSender},
    store::{self, SessionLimits, Store},
};

/// Where development mode keeps the secret it generates for itself.
pub const DEV_SECRET_FILE: &str = "data/app-secret";

/// The rules and keys the sign-in runs by.
pub struct Settings {
    pub policy: Policy,
    pub sessions: SessionLimits,
    pub public_origin: PublicOrigin,
    /// Key for the codes' HMAC.
    pub secret: SecretString,
    /// Development without an Exolve key: SMS go to `/dev/outbox`.
    pub dev_outbox: bool,
    /// Proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: TrustedProxies,
    /// `COOKIE_DOMAIN`: the session and device cookies are for it; else host-only.
    pub cookie_domain: Option<crate::server::config::CookieDomain>,
    /// The country of an address; off without a database.
    pub geo: GeoIp,
    /// Whether the owner gets an SMS after a sign-in from a new device or country.
    pub alerts: bool,
    /// Who is told as the daily budget's lanes fill (`domain/operator.rs`).
    pub operator_phones: Vec<crate::phone::Phone>,
    /// The WebAuthn relying party of `public_origin`; `None` (no passkeys) when the
    /// origin is an IP address.
    pub passkeys: Option<webauthn_rs::Webauthn>,
    /// Development only: a second origin whose form posts are this site's own
    /// (`http://127.0.0.1:3000` beside `http://localhost:3000`).
    pub dev_alias: Option<PublicOrigin>,
    /// `OIDC_CLIENTS`: the apps the OpenID provider serves; `None`: no provider.
    pub oidc_clients: Option<crate::oidc::clients::Clients>,
    /// Where a form posted to sms-auth may be redirected besides the site itself, as
    /// Content-Security-Policy sources (`form-action`: a browser holds a form's
    /// redirects to it): the sites under `COOKIE_DOMAIN` (a sign-in returning to
    /// `rd`) and the apps' redirect URIs (a sign-in or consent going on to the app).
    pub form_returns: Option<String>,
}

impl Settings {
    /// The rules and keys of a configuration, with the secret it runs by
    /// (`APP_SECRET`, or development's own) and the country database it opened.
    pub fn from_config(config: &Config, secret: SecretString, geo: GeoIp) -> Self {
        Self {
            passkeys: crate::server::relying_party::relying_party(&config.public_origin),
            dev_alias: if config.production {
                None
            } else {
                config.public_origin.loopback_alias()
            },
            policy: config.policy.clone(),
            sessions: config.sessions,
            public_origin: config.public_origin.clone(),
            secret,
            dev_outbox: config.exolve.is_none(),
            trusted_proxies: config.trusted_proxies.clone(),
            cookie_domain: config.cookie_domain.clone(),
            geo,
            alerts: config.alerts,
            operator_phones: config.operator_phones.clone(),
            oidc_clients: config.oidc_clients.clone(),
            form_returns: form_returns(config),
        }
    }

    /// Whether `url` (an `Origin` or `Referer`) is this site.
    pub fn is_own_origin(&self, url: &str) -> bool {
        self.public_origin.is_origin_of(url)
            || self
                .dev_alias
                .as_ref()
                .is_some_and(|alias| alias.is_origin_of(url))
    }
}

/// Cloned into every request, several times (axum's state, the middleware, the
/// server functions' context): one `Arc`, so a clone is one counter increment. With
/// an `Arc` for each field, their clones and drops were ~2% of a code request's
/// profile.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

/// [`Settings::form_returns`] of a configuration.
fn form_returns(config: &Config) -> Option<String> {
    let mut sources: Vec<String> = config
        .cookie_domain
        .iter()
        .map(|domain| domain.csp_sources(&config.public_origin))
        .collect();
    if let Some(clients) = &config.oidc_clients {
        sources.extend(clients.origins().iter().cloned());
    }
    (!sources.is_empty()).then(|| sources.join(" "))
}

/// What [`AppState`] shares; its fields read as the state's own (`state.store`).
pub struct Shared {
    pub leptos_options: LeptosOptions,
    pub store: Arc<dyn Store>,
    pub sms: Arc<dyn SmsSender>,
    pub clock: Arc<dyn Clock>,
    pub settings: Settings,
    pub metrics: Arc<Metrics>,
    /// Work a request leaves behind (the owner's alerts): shutdown waits for it, and
    /// so can tests.
    pub tasks: TaskTracker,
    /// The sessions forward-auth read this second (`domain/live_sessions.rs`).
    pub live_sessions: crate::domain::live_sessions::LiveSessions,
    /// The OpenID provider's signing keys, read by [`AppState::start_oidc`].
    pub oidc_keys: KeyRing,
}

impl Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

#[derive(Debug, Error)]
pub enum StartError {
    #[error("configuration: {0}")]
    Config(#[from] ConfigError),
    #[error("Leptos settings (LEPTOS_* or Cargo.toml): {0}")]
    Leptos(String),
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("APP_SECRET: could not read or create {DEV_SECRET_FILE}: {0}")]
    Secret(std::io::Error),
    #[error("OpenID provider's signing keys: {0}")]
    OidcKeys(KeyError),
    #[error("GEOIP_DB: {path}: {reason}")]
    GeoIp { path: String, reason: String },
    #[error("HTTP client: {0}")]
    Http(#[from] reqwest::Error),
    #[error("could not listen on {addr}: {source}")]
    Bind {
        addr: String,
        source: std::io::Error,
    },
}

impl AppState {
    /// Connects and migrates the store and picks the SMS sender the configuration asks for.
    pub async fn from_config(
        config: Config,
        leptos_options: LeptosOptions,
    ) -> Result<Self, StartError> {
        let store = store::connect(&config.database_url.0, config.database_max_connections).await?;
        let clock: Arc<dyn Clock> = Arc::new(SystemClock);
        let secret = secret_of(&config)?;
        let geo = open_geoip(config.geoip_db.as_deref())?;
        let settings = Settings::from_config(&config, secret, geo);
        let sms: Arc<dyn SmsSender> = match config.exolve {
            Some(exolve) => Arc::new(ExolveClient::new(
                &exolve.api_url,
                exolve.api_key,
                exolve.sender,
                exolve.timeout,
            )?),
            None => Arc::new(DevOutbox::new(store.clone(), clock.clone())),
        };
        let state = Self::new(leptos_options, store, sms, clock, settings);
        state.start_oidc().await?;
        Ok(state)
    }

    pub fn new(
        leptos_options: LeptosOptions,
        store: Arc<dyn Store>,
        sms: Arc<dyn SmsSender>,
        clock: Arc<dyn Clock>,
        settings: Settings,
    ) -> Self {
        Self(Arc::new(Shared {
            leptos_options,
            store,
            sms,
            clock,
            settings,
            metrics: Arc::new(Metrics::new()),
            tasks: TaskTracker::new(),
            live_sessions: Default::default(),
            oidc_keys: KeyRing::default(),
        }))
    }

    /// With apps registered (`OIDC_CLIENTS`), reads the provider's signing keys,
    /// making the first one on the first start; without, does nothing.
    pub async fn start_oidc(&self) -> Result<(), StartError> {
        if self.settings.oidc_clients.is_none() {
            return Ok(());
        }
        self.oidc_keys
            .load(self.store.as_ref(), self.secret(), self.clock.now())
            .await
            .map_err(StartError::OidcKeys)
    }

    pub fn secret(&self) -> &[u8] {
        self.settings.secret.expose_secret().as_bytes()
    }
}

/// What leptos_axum's page handlers take from the state.
impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// What the metrics middleware takes from the state.
impl FromRef<AppState> for Arc<Metrics> {
    fn from_ref(state: &AppState) -> Self {
        state.metrics.clone()
    }
}

/// The country database `GEOIP_DB` names, which must open; without the variable the
/// one the bootstrap installs, and none (logged once) when it is not there.
fn open_geoip(named: Option<&Path>) -> Result<GeoIp, StartError> {
    let path = named.unwrap_or(Path::new(DEFAULT_GEOIP_DB));
    if named.is_none() && !path.exists() {
        tracing::warn!(
            file = DEFAULT_GEOIP_DB,
            "no country database (run scripts/bootstrap.sh or set GEOIP_DB): \
             country signals are off"
        );
        return Ok(GeoIp::off());
    }
    let geo = GeoIp::open(path).map_err(|reason| StartError::GeoIp {
        path: path.display().to_string(),
        reason,
    })?;
    tracing::info!(file = %path.display(), "country database loaded (IP Geolocation by DB-IP)");
    Ok(geo)
}

/// The secret the app runs by: `APP_SECRET`, or development's own.
pub fn secret_of(config: &Config) -> Result<SecretString, StartError> {
    match config.app_secret.clone() {
        Some(secret) => Ok(secret),
        None => dev_secret(Path::new(DEV_SECRET_FILE)).map_err(StartError::Secret),
    }
}

/// Reads the development secret, creating it (owner-only) on first start.
fn dev_secret(path: &Path) -> std::io::Result<SecretString> {
    if let Ok(existing) = std::fs::read_to_string(path) {
        if existing.trim().len() >= 32 {
            return Ok(SecretString::from(existing.trim().to_owned()));
        }
    }
    if let Some(folder) = path.parent() {
        std::fs::create_dir_all(folder)?;
    }
    let secret = format!(
        "{}{}",
        crate::domain::token::new_id(),
        crate::domain::token::new_id()
    );
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    std::io::Write::write_all(&mut options.open(path)?, secret.as_bytes())?;
    tracing::info!(file = %path.display(), "development mode: generated APP_SECRET");
    Ok(SecretString::from(secret))
}
