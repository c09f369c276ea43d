//! Configuration from the environment (and an optional `.env`), read once at start.
//! A wrong value stops the start with one line naming the variable.

use std::{fmt, path::PathBuf, time::Duration};

use secrecy::SecretString;
use thiserror::Error;
use url::{Origin, Url};

use crate::server::http::client_ip::TrustedProxies;
use crate::{
    oidc::clients::Clients,
    otp::{Limit, Limits, Policy},
    phone::Phone,
    store::SessionLimits,
};

#[derive(Debug, Error, PartialEq, Eq)]
#[error("{var}: {expected}")]
pub struct ConfigError {
    pub var: &'static str,
    pub expected: String,
}

impl ConfigError {
    fn new(var: &'static str, expected: impl Into<String>) -> Self {
        Self {
            var,
            expected: expected.into(),
        }
    }
}

/// Where real SMS go. Absent in development without a key: the dev outbox is used.
#[derive(Debug)]
pub struct ExolveConfig {
    pub api_url: String,
    pub api_key: SecretString,
    pub sender: String,
    pub timeout: Duration,
}

/// The site's public origin, e.g. `https://auth.example.ru`: the one place where
/// URLs are compared with the site (the `url` crate parses every one of them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicOrigin {
    /// The origin as a URL with the path `/`: the base that local paths resolve against.
    root: Url,
    origin: Origin,
    /// `https://auth.example.ru`, hosts in their ASCII form.
    text: String,
}

impl PublicOrigin {
    /// An http(s) origin: a scheme, a host and an optional port; a trailing `/` is allowed,
    /// no user, path, query or fragment.
    pub fn parse(value: &str) -> Option<Self> {
        let root = Url::parse(value.trim()).ok()?;
        let bare = matches!(root.scheme(), "http" | "https")
            && root.host().is_some()
            && root.username().is_empty()
            && root.password().is_none()
            && root.path() == "/"
            && root.query().is_none()
            && root.fragment().is_none()
            && !value.trim().ends_with("//");
        if !bare {
            return None;
        }
        let origin = root.origin();
        Some(Self {
            text: origin.ascii_serialization(),
            origin,
            root,
        })
    }

    /// Whether `url` (an `Origin` header, or a `Referer` with its path) is this site:
    /// the same scheme, host and port, default ports and IDN hosts normalised.
    pub fn is_origin_of(&self, url: &str) -> bool {
        Url::parse(url).is_ok_and(|url| url.origin() == self.origin)
    }

    /// Where a browser may be sent back to after an action: `next` resolved as a
    /// browser would resolve it on this site, kept only when it stays on this origin;
    /// anything else is the site's root. The answer is absolute, so no `Location`
    /// built from it can be read as another host.
    pub fn local_url(&self, next: &str) -> Url {
        match self.root.join(next) {
            Ok(url) if url.origin() == self.origin => url,
            _ => self.root.clone(),
        }
    }

    /// Where a sign-in may return to (`rd`, the page a protected site sent the
    /// person from): resolved as a browser would resolve it on this site, followed
    /// only when it is https (or http while this site is), carries no user or
    /// password, and is this origin or a host under `domain` (`COOKIE_DOMAIN`: any
    /// port there, as its cookies go to every port). Anything else is `None`: the
    /// caller goes to its own page instead.
    pub fn return_to(&self, rd: &str, domain: Option<&CookieDomain>) -> Option<Url> {
        let url = self.root.join(rd).ok()?;
        let scheme_ok = url.scheme() == "https" || (url.scheme() == "http" && !self.is_https());
        let bare = url.username().is_empty() && url.password().is_none();
        let ours = url.origin() == self.origin
            || matches!(
                (url.host(), domain),
                (Some(url::Host::Domain(host)), Some(domain)) if domain.covers(host)
            );
        (scheme_ok && bare && ours).then_some(url)
    }

    /// `https://auth.example.ru`
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// `auth.example.ru`: the WebOTP `@host` line.
    pub fn host(&self) -> &str {
        self.root.host_str().unwrap_or_default()
    }

    /// Whether the host is an IP address (which WebAuthn refuses as relying party).
    pub fn is_ip(&self) -> bool {
        matches!(
            self.root.host(),
            Some(url::Host::Ipv4(_) | url::Host::Ipv6(_))
        )
    }

    /// The same site as `http://127.0.0.1` when the host is `localhost`: in
    /// development, a newcomer may type either address.
    pub fn loopback_alias(&self) -> Option<PublicOrigin> {
        if self.root.host_str() != Some("localhost") {
            return None;
        }
        let mut alias = self.root.clone();
        alias.set_host(Some("127.0.0.1")).ok()?;
        PublicOrigin::parse(alias.as_str())
    }

    /// Cookies get `Secure` when the site is served over https.
    pub fn is_https(&self) -> bool {
        self.root.scheme() == "https"
    }
}

/// `COOKIE_DOMAIN`: the domain the session and device cookies are set for, so that
/// the sites under it carry them to their proxy (forward-auth): `example.ru`, in its
/// ASCII form. Never a public suffix (`ru`, `co.uk`, `github.io`), and
/// `PUBLIC_ORIGIN`'s host is it or under it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CookieDomain(String);

impl CookieDomain {
    /// `value` as a cookie domain of the site `origin`; else why not.
    pub fn parse(value: &str, origin: &PublicOrigin) -> Result<Self, String> {
        // The old form's leading dot means the same.
        let value = value.trim();
        let value = value.strip_prefix('.').unwrap_or(value);
        let domain = match url::Host::parse(value) {
            Ok(url::Host::Domain(domain)) if !domain.ends_with('.') => domain,
            Ok(_) => return Err("a domain name like example.ru, not an address".to_owned()),
            Err(_) => return Err("a domain name like example.ru".to_owned()),
        };
        if psl::domain_str(&domain).is_none() {
            return Err(format!(
                "{domain} is a public suffix (like ru, co.uk, github.io): a cookie for it \
                 would reach every site under it, and browsers refuse it; name your own \
                 domain, like example.{domain}"
            ));
        }
        let domain = Self(domain);
        if !domain.covers(origin.host()) {
            return Err(format!(
                "PUBLIC_ORIGIN's host ({}) must be {} or under it",
                origin.host(),
                domain.0
            ));
        }
        Ok(domain)
    }

    /// `example.ru`: the cookies' `Domain`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether `host` (ASCII, as the `url` crate gives it) is the domain or under it.
    pub fn covers(&self, host: &str) -> bool {
        host.strip_suffix(&self.0)
            .is_some_and(|rest| rest.is_empty() || rest.ends_with('.'))
    }

    /// The domain and every host under it, on any port, as Content-Security-Policy
    /// sources of `origin`'s scheme (an `http` source matches https too): where a
    /// form posted to sms-auth may be redirected (a sign-in returning to `rd`).
    pub fn csp_sources(&self, origin: &PublicOrigin) -> String {
        let scheme = if origin.is_https() { "https" } else { "http" };
        format!("{scheme}://{0}:* {scheme}://*.{0}:*", self.0)
    }
}

/// A database URL whose `Debug` shows no part of a password.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl(pub String);

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match Url::parse(&self.0) {
            Ok(mut url) => {
                if url.password().is_some() && url.set_password(Some("***")).is_err() {
                    return f.write_str("DatabaseUrl(<hidden>)");
                }
                write!(f, "DatabaseUrl({url})")
            }
            Err(_) => f.write_str("DatabaseUrl(<unparsable>)"),
        }
    }
}

#[derive(Debug)]
pub struct Config {
    pub production: bool,
    pub exolve: Option<ExolveConfig>,
    pub database_url: DatabaseUrl,
    /// Pool size per instance (PostgreSQL; SQLite keeps its own).
    pub database_max_connections: u32,
    pub trusted_proxies: TrustedProxies,
    /// Required in production; generated once into `data/` in development.
    pub app_secret: Option<SecretString>,
    pub public_origin: PublicOrigin,
    /// `COOKIE_DOMAIN`; `None`: host-only cookies.
    pub cookie_domain: Option<CookieDomain>,
    pub policy: Policy,
    pub sessions: SessionLimits,
    /// `GEOIP_DB`: the country database named, or `None` for the one the bootstrap
    /// installs (and no country signals when it is absent).
    pub geoip_db: Option<PathBuf>,
    /// `ALERTS=off` turns off the owner's SMS alerts of new sign-ins.
    pub alerts: bool,
    /// `OPERATOR_PHONES`: who is told by SMS as the daily budget's lanes fill.
    pub operator_phones: Vec<Phone>,
    /// `OIDC_CLIENTS`: the apps the OpenID provider serves, read from the file it
    /// names; `None`: no provider.
    pub oidc_clients: Option<Clients>,
}

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/sms-auth.db?mode=rwc";
pub const DEFAULT_EXOLVE_API_URL: &str = "https://api.exolve.ru";
/// `localhost`, not `127.0.0.1`: WebAuthn refuses an IP address as relying party.
pub const DEFAULT_PUBLIC_ORIGIN: &str = "http://localhost:3000";
const MIN_SECRET_LEN: usize = 32;

impl Config {
    /// Reads the process environment (after `.env`, which the caller loads).
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads configuration through `get`, so tests can hand it a map.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let var = |name: &str| {
            get(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let production = match var("LEPTOS_ENV").map(|v| v.to_ascii_uppercase()).as_deref() {
            None | Some("DEV" | "DEVELOPMENT") => false,
            Some("PROD" | "PRODUCTION") => true,
            Some(_) => return Err(ConfigError::new("LEPTOS_ENV", "DEV or PROD")),
        };
        let api_key = var("EXOLVE_API_KEY");
        let sender = var("EXOLVE_SENDER");
        let app_secret = var("APP_SECRET");
        if production {
            for (name, value) in [
                ("EXOLVE_API_KEY", &api_key),
                ("EXOLVE_SENDER", &sender),
                ("APP_SECRET", &app_secret),
            ] {
                if value.is_none() {
                    return Err(ConfigError::new(
                        name,
                        "required in production (LEPTOS_ENV=PROD)",
                    ));
                }
            }
        }
        if let Some(secret) = &app_secret {
            if secret.len() < MIN_SECRET_LEN {
                return Err(ConfigError::new(
                    "APP_SECRET",
                    format!("at least {MIN_SECRET_LEN} characters of random text"),
                ));
            }
        }
        let api_url = var("EXOLVE_API_URL").unwrap_or_else(|| DEFAULT_EXOLVE_API_URL.to_owned());
        if !(api_url.starts_with("http://") || api_url.starts_with("https://")) {
            return Err(ConfigError::new("EXOLVE_API_URL", "an http(s) URL"));
        }
        let exolve = match (api_key, sender) {
            (Some(key), Some(sender)) => Some(ExolveConfig {
                api_url,
                api_key: SecretString::from(key),
                sender: parse_sender(&sender)?,
                timeout: Duration::from_secs(number(&var, "EXOLVE_TIMEOUT_SECS", 10, 1..=120)?),
            }),
            (Some(_), None) => {
                return Err(ConfigError::new(
                    "EXOLVE_SENDER",
                    "required when EXOLVE_API_KEY is set",
                ))
            }
            (None, _) => None,
        };
        let public_origin =
            var("PUBLIC_ORIGIN").unwrap_or_else(|| DEFAULT_PUBLIC_ORIGIN.to_owned());
        let public_origin = PublicOrigin::parse(&public_origin).ok_or_else(|| {
            ConfigError::new(
                "PUBLIC_ORIGIN",
                "an origin like https://auth.example.ru (no path)",
            )
        })?;
        let cookie_domain = var("COOKIE_DOMAIN")
            .map(|value| CookieDomain::parse(&value, &public_origin))
            .transpose()
            .map_err(|reason| ConfigError::new("COOKIE_DOMAIN", reason))?;
        let oidc_clients = var("OIDC_CLIENTS")
            .map(|path| read_clients(&path, !public_origin.is_https()))
            .transpose()?;
        let database_url = var("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned());
        if !(database_url.starts_with("sqlite:") || crate::store::is_postgres(&database_url)) {
            return Err(ConfigError::new(
                "DATABASE_URL",
                "a sqlite:// or postgres:// URL",
            ));
        }
        let database_max_connections = number(&var, "DATABASE_MAX_CONNECTIONS", 8, 1..=1000)?;
        let trusted_proxies = TrustedProxies::parse(&var("TRUSTED_PROXIES").unwrap_or_default())
            .ok_or_else(|| {
                ConfigError::new(
                    "TRUSTED_PROXIES",
                    "addresses or CIDR blocks separated by commas, like 10.0.0.0/8,::1",
                )
            })?;
        let defaults = Policy::default();
        let mut limits = Limits::default();
        for limit in Limit::ALL {
            let spec = limit.spec();
            limits[limit] = number(&var, spec.var, spec.default, spec.min..=spec.max)?;
        }
        let policy = Policy {
            code_ttl_secs: number(&var, "OTP_TTL_SECS", defaults.code_ttl_secs, 30..=3600)?,
            max_tries: number(&var, "OTP_MAX_TRIES", defaults.max_tries, 1..=20)?,
            allowed_countries: match var("OTP_ALLOWED_COUNTRIES") {
                None => defaults.allowed_countries,
                Some(list) => parse_countries(&list)?,
            },
            limits,
            challenge_difficulty: number(
                &var,
                "CHALLENGE_DIFFICULTY",
                defaults.challenge_difficulty,
                1..=100_000_000,
            )?,
        };
        let session_defaults = SessionLimits::default();
        let sessions = SessionLimits {
            idle_secs: number(
                &var,
                "SESSION_IDLE_SECS",
                session_defaults.idle_secs,
                60..=31_536_000,
            )?,
            absolute_secs: number(
                &var,
                "SESSION_ABSOLUTE_SECS",
                session_defaults.absolute_secs,
                60..=31_536_000,
            )?,
        };
        let alerts = match var("ALERTS").map(|v| v.to_ascii_lowercase()).as_deref() {
            None | Some("on") => true,
            Some("off") => false,
            Some(_) => return Err(ConfigError::new("ALERTS", "on or off")),
        };
        let operator_phones = match var("OPERATOR_PHONES") {
            None => Vec::new(),
            Some(list) => parse_phones(&list, &policy.allowed_countries)?,
        };
        Ok(Self {
            geoip_db: var("GEOIP_DB").map(PathBuf::from),
            alerts,
            operator_phones,
            oidc_clients,
            production,
            exolve,
            database_url: DatabaseUrl(database_url),
            database_max_connections,
            trusted_proxies,
            app_secret: app_secret.map(SecretString::from),
            public_origin,
            cookie_domain,
            policy,
            sessions,
        })
    }
}

/// The apps in the file `path` names; `http_allowed`: whether their URIs may be
/// http, as while the site itself is.
fn read_clients(path: &str, http_allowed: bool) -> Result<Clients, ConfigError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| ConfigError::new("OIDC_CLIENTS", format!("{path}: {e}")))?;
    Clients::parse(&text, http_allowed)
        .map_err(|reason| ConfigError::new("OIDC_CLIENTS", format!("{path}: {reason}")))
}

fn number<T>(
    var: &impl Fn(&str) -> Option<String>,
    name: &'static str,
    default: T,
    range: std::ops::RangeInclusive<T>,
) -> Result<T, ConfigError>
where
    T: std::str::FromStr + PartialOrd + fmt::Display + Copy,
{
    let Some(text) = var(name) else {
        return Ok(default);
    };
    match text.parse::<T>() {
        Ok(value) if range.contains(&value) => Ok(value),
        _ => Err(ConfigError::new(
            name,
            format!("a whole number from {} to {}", range.start(), range.end()),
        )),
    }
}

/// Mobile numbers of the countries served, separated by commas; blank: none.
fn parse_phones(list: &str, allowed: &[u16]) -> Result<Vec<Phone>, ConfigError> {
    list.split(',')
        .map(str::trim)
        .filter(|number| !number.is_empty())
        .map(|number| {
            Phone::parse(number, allowed).map_err(|_| {
                ConfigError::new(
                    "OPERATOR_PHONES",
                    "mobile numbers of the countries served, separated by commas, like \
                     +79991234567,+79997654321",
                )
            })
        })
        .collect()
}

fn parse_countries(list: &str) -> Result<Vec<u16>, ConfigError> {
    let codes: Option<Vec<u16>> = list
        .split(',')
        .map(|code| {
            code.trim()
                .trim_start_matches('+')
                .parse::<u16>()
                .ok()
                .filter(|c| (1..=999).contains(c))
        })
        .collect();
    codes.filter(|codes| !codes.is_empty()).ok_or_else(|| {
        ConfigError::new(
            "OTP_ALLOWED_COUNTRIES",
            "country calling codes separated by commas, like 7,375",
        )
    })
}

/// An Exolve number (`79991234567`) or a registered alphanumeric sender name.
fn parse_sender(sender: &str) -> Result<String, ConfigError> {
    let number = sender.trim_start_matches('+');
    let is_number = number.len() == 11 && number.bytes().all(|b| b.is_ascii_digit());
    let is_name = (1..=11).contains(&sender.len())
        && sender
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_. ".contains(&b));
    if is_number {
        Ok(number.to_owned())
    } else if is_name {
        Ok(sender.to_owned())
    } else {
        Err(ConfigError::new("EXOLVE_SENDER", "an Exolve number like 79991234567 or a sender name of up to 11 Latin letters and digits"))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn config(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|name| map.get(name).cloned())
    }

    const SECRET: &str = "0123456789abcdef0123456789abcdef";

    #[test]
    fn development_defaults_need_nothing() {
        let c = config(&[]).unwrap_or_else(|e| panic!("{e}"));
        assert!(!c.production);
        assert!(c.exolve.is_none());
        assert_eq!(c.policy, Policy::default());
        assert_eq!(c.sessions, SessionLimits::default());
        // A host name, not an IP address: WebAuthn takes it as relying party id.
        assert_eq!(c.public_origin.host(), "localhost");
        assert!(!c.public_origin.is_ip());
        assert!(!c.public_origin.is_https());
        assert_eq!(c.policy.limit(Limit::PasskeyStartsPerIpPerHour), 300);
        assert_eq!(c.database_url.0, DEFAULT_DATABASE_URL);
    }

    #[test]
    fn oidc_clients_come_from_the_file_named_and_a_wrong_one_stops_the_start() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("clients.toml");
        let path_text = path.display().to_string();
        let entry = "[[clients]]\nid = \"app\"\nname = \"App\"\npublic = true\n";
        std::fs::write(&path, format!("{entry}redirect_uris = [\"http://app.test/cb\"]")).unwrap();
        let clients = config(&[("OIDC_CLIENTS", &path_text)]).unwrap().oidc_clients.unwrap();
        assert!(clients.get("app").unwrap().allows_redirect("http://app.test/cb"));
        assert!(config(&[]).unwrap().oidc_clients.is_none());

        let https = [("OIDC_CLIENTS", path_text.as_str()), ("PUBLIC_ORIGIN", "https://auth.test")];
        assert_eq!(
            config(&https).unwrap_err().to_string(),
            format!(
                "OIDC_CLIENTS: {path_text}: client \"app\": redirect_uris: \"http://app.test/cb\": \
                 https only (http while PUBLIC_ORIGIN is http)"
            )
        );
        let missing = dir.path().join("none.toml").display().to_string();
        let error = config(&[("OIDC_CLIENTS", &missing)]).unwrap_err();
        assert_eq!(error.var, "OIDC_CLIENTS");
        assert!(error.expected.starts_with(&format!("{missing}: ")), "{error}");
    }

    #[test]
    fn production_requires_key_sender_and_secret() {
        let err = |pairs: &[(&str, &str)]| config(pairs).err().map(|e| e.var);
        assert_eq!(err(&[("LEPTOS_ENV", "PROD")]), Some("EXOLVE_API_KEY"));
        assert_eq!(
            err(&[("LEPTOS_ENV", "PROD"), ("EXOLVE_API_KEY", "k")]),
            Some("EXOLVE_SENDER")
        );
        assert_eq!(
            err(&[
                ("LEPTOS_ENV", "PROD"),
                ("EXOLVE_API_KEY", "k"),
                ("EXOLVE_SENDER", "79991112233")
            ]),
            Some("APP_SECRET")
        );
        let c = config(&[
            ("LEPTOS_ENV", "prod"),
            ("EXOLVE_API_KEY", "k"),
            ("EXOLVE_SENDER", "+79991112233"),
            ("APP_SECRET", SECRET),
        ])
        .unwrap_or_else(|e| panic!("{e}"));
        assert!(c.production);
        let exolve = c.exolve.unwrap_or_else(|| panic!("no exolve"));
        assert_eq!(exolve.sender, "79991112233");
        assert_eq!(exolve.api_url, DEFAULT_EXOLVE_API_URL);
        assert!(!format!("{exolve:?}").contains("\"k\""));
    }

    #[test]
    fn wrong_values_name_their_variable() {
        let cases: &[(&str, &str)] = &[
            ("LEPTOS_ENV", "staging"),
            ("APP_SECRET", "short"),
            ("PUBLIC_ORIGIN", "example.com"),
            ("PUBLIC_ORIGIN", "https://example.com/path"),
            ("DATABASE_URL", "mysql://x"),
            ("DATABASE_MAX_CONNECTIONS", "0"),
            ("TRUSTED_PROXIES", "10.0.0.0/8, proxy.local"),
            ("OTP_TTL_SECS", "five"),
            ("OTP_MAX_TRIES", "0"),
            ("LIMIT_SMS_PER_DAY", "-1"),
            ("LIMIT_ALERTS_PER_ACCOUNT_PER_DAY", "1001"),
            ("LIMIT_SMS_NEW_NUMBERS_PERCENT", "101"),
            ("GUARD_MIN_SENDS", "0"),
            ("GUARD_CONVERSION", "101"),
            ("CHALLENGE_DIFFICULTY", "0"),
            ("OTP_ALLOWED_COUNTRIES", "7,abc"),
            ("OTP_ALLOWED_COUNTRIES", ","),
            ("OPERATOR_PHONES", "+79991234567, 12345"),
            ("OPERATOR_PHONES", "+12025550123"),
            ("COOKIE_DOMAIN", "ru"),
            ("COOKIE_DOMAIN", "co.uk"),
            ("COOKIE_DOMAIN", "github.io"),
            ("COOKIE_DOMAIN", "localhost"),
            ("COOKIE_DOMAIN", "127.0.0.1"),
            ("COOKIE_DOMAIN", "example.ru"),
            ("COOKIE_DOMAIN", "exa mple.ru"),
        ];
        for (name, value) in cases {
            let e = config(&[(name, value)]).err();
            assert_eq!(e.as_ref().map(|e| e.var), Some(*name), "{name}={value}");
            let line = e.map(|e| e.to_string()).unwrap_or_default();
            assert!(line.starts_with(name) && !line.contains('\n'), "{line}");
        }
        let e = config(&[("EXOLVE_API_KEY", "k")]).err().map(|e| e.var);
        assert_eq!(e, Some("EXOLVE_SENDER"));
        let e = config(&[
            ("EXOLVE_API_KEY", "k"),
            ("EXOLVE_SENDER", "this sender is too long"),
        ])
        .err();
        assert_eq!(e.map(|e| e.var), Some("EXOLVE_SENDER"));
    }

    #[test]
    fn overrides_apply() {
        let c = config(&[
            ("OTP_TTL_SECS", "120"),
            ("OTP_MAX_TRIES", "3"),
            ("OTP_RESEND_COOLDOWN_SECS", "0"),
            ("LIMIT_SMS_PER_PHONE_PER_HOUR", "50"),
            ("LIMIT_SMS_PER_IP_PER_HOUR", "500"),
            ("LIMIT_SMS_PER_DAY", "10"),
            ("LIMIT_SMS_NEW_NUMBERS_PERCENT", "30"),
            ("LIMIT_PHONE_FAILURES_PER_HOUR", "7"),
            ("LIMIT_ALERTS_PER_ACCOUNT_PER_DAY", "0"),
            ("GUARD_MIN_SENDS", "20"),
            ("GUARD_COUNTRY_MIN_SENDS", "400"),
            ("GUARD_CONVERSION", "0"),
            ("CHALLENGE_DIFFICULTY", "100000"),
            ("OTP_ALLOWED_COUNTRIES", "7, +375"),
            ("PUBLIC_ORIGIN", "https://auth.example.ru:8443/"),
            ("SESSION_IDLE_SECS", "3600"),
            ("DATABASE_URL", "postgres://app@db/sms"),
            ("TRUSTED_PROXIES", "10.0.0.0/8"),
            ("OPERATOR_PHONES", "8 999 123-45-67, +7 999 765 43 21,"),
        ])
        .unwrap_or_else(|e| panic!("{e}"));
        let operators: Vec<_> = c.operator_phones.iter().map(Phone::e164).collect();
        assert_eq!(operators, ["+79991234567", "+79997654321"]);
        assert_eq!(c.policy.code_ttl_secs, 120);
        assert_eq!(c.policy.max_tries, 3);
        assert_eq!(c.policy.resend_cooldown_secs(), 0);
        assert_eq!(c.policy.limit(Limit::SmsPerPhonePerHour), 50);
        assert_eq!(c.policy.limit(Limit::SmsPerIpPerHour), 500);
        assert_eq!(c.policy.limit(Limit::SmsPerDay), 10);
        assert_eq!(c.policy.new_numbers_lane(), 3);
        assert_eq!(c.policy.limit(Limit::PhoneFailuresPerHour), 7);
        assert_eq!(c.policy.limit(Limit::AlertsPerAccountPerDay), 0);
        let guard = [
            Limit::GuardMinSends,
            Limit::GuardCountryMinSends,
            Limit::GuardConversion,
        ];
        assert_eq!(guard.map(|l| c.policy.limit(l)), [20, 400, 0]);
        assert_eq!(c.policy.challenge_difficulty, 100_000);
        assert_eq!(c.policy.allowed_countries, vec![7, 375]);
        assert_eq!(c.public_origin.host(), "auth.example.ru");
        assert_eq!(c.public_origin.as_str(), "https://auth.example.ru:8443");
        assert!(c.public_origin.is_https());
        assert_eq!(c.sessions.idle_secs, 3600);
        assert_eq!(c.database_url.0, "postgres://app@db/sms");
        assert!(c.trusted_proxies.trusts("10.1.2.3".parse().expect("ip")));
    }

    #[test]
    fn a_cookie_domain_holds_the_site_and_is_no_public_suffix() {
        let site = PublicOrigin::parse("https://auth.example.ru").expect("origin");
        for value in ["example.ru", ".Example.RU", " auth.example.ru "] {
            let domain = CookieDomain::parse(value, &site).unwrap_or_else(|e| panic!("{e}"));
            assert!(domain.covers("auth.example.ru"), "{value}");
        }
        let domain = CookieDomain::parse("example.ru", &site).expect("domain");
        assert_eq!(domain.as_str(), "example.ru");
        assert!(domain.covers("example.ru"));
        assert!(domain.covers("app.example.ru"));
        assert!(domain.covers("a.b.example.ru"));
        assert!(!domain.covers("evilexample.ru"));
        assert!(!domain.covers("example.ru.evil.example"));
        assert!(!domain.covers("ru"));
        for (value, why) in [
            ("ru", "public suffix"),
            ("co.uk", "public suffix"),
            ("github.io", "public suffix"),
            ("example.com", "must be example.com or under it"),
            ("app.example.ru", "must be app.example.ru or under it"),
            ("example.ru.", "a domain name"),
            ("10.0.0.1", "not an address"),
            ("", "a domain name"),
        ] {
            let error = CookieDomain::parse(value, &site).expect_err(value);
            assert!(error.contains(why), "{value}: {error}");
            assert!(!error.contains('\n'));
        }
        // IDN: compared in the ASCII form both take.
        let site = PublicOrigin::parse("https://вход.пример.рф").expect("origin");
        let domain = CookieDomain::parse("Пример.РФ", &site).expect("domain");
        assert_eq!(domain.as_str(), "xn--e1afmkfd.xn--p1ai");
        assert!(CookieDomain::parse("рф", &site).is_err());
    }

    #[test]
    fn the_cookie_domain_as_csp_sources_names_it_and_its_hosts_on_any_port() {
        let origin = PublicOrigin::parse("https://auth.example.ru").expect("origin");
        let domain = CookieDomain::parse("Example.RU", &origin).expect("domain");
        assert_eq!(
            domain.csp_sources(&origin),
            "https://example.ru:* https://*.example.ru:*"
        );
        // An http site (development, loopback tests); an IDN in its ASCII form.
        let dev = PublicOrigin::parse("http://вход.пример.рф:3110").expect("origin");
        let idn = CookieDomain::parse("пример.рф", &dev).expect("domain");
        assert_eq!(
            idn.csp_sources(&dev),
            "http://xn--e1afmkfd.xn--p1ai:* http://*.xn--e1afmkfd.xn--p1ai:*"
        );
    }

    #[test]
    fn a_sign_in_returns_only_to_this_site_or_under_its_cookie_domain() {
        let site = PublicOrigin::parse("https://auth.example.ru").expect("origin");
        let domain = CookieDomain::parse("example.ru", &site).expect("domain");
        let to = |rd: &str, domain: Option<&CookieDomain>| {
            site.return_to(rd, domain).map(|url| url.to_string())
        };
        for (rd, lands) in [
            ("https://app.example.ru/orders?id=5", "https://app.example.ru/orders?id=5"),
            ("https://example.ru/", "https://example.ru/"),
            ("https://a.b.example.ru:8443/x", "https://a.b.example.ru:8443/x"),
            ("https://APP.Example.RU/", "https://app.example.ru/"),
            ("/account/activity", "https://auth.example.ru/account/activity"),
            ("https://auth.example.ru/account", "https://auth.example.ru/account"),
        ] {
            assert_eq!(to(rd, Some(&domain)).as_deref(), Some(lands), "{rd}");
        }
        for rd in [
            "http://app.example.ru/",
            "https://evilexample.ru/",
            "https://example.ru.evil.example/",
            "https://evil.example/",
            "//evil.example/",
            "https:\\\\evil.example",
            "/\\evil.example",
            "https://evil.example\t/",
            "https://ev\nil.example/",
            "https://user@app.example.ru/",
            "https://app.example.ru@evil.example/",
            "https://user:pw@app.example.ru/",
            "javascript:alert(1)",
            "data:text/html,x",
            "https://ru/",
            "https://10.0.0.1/",
            "https://xn--e1afmkfd.xn--p1ai/",
        ] {
            assert_eq!(to(rd, Some(&domain)), None, "{rd}");
        }
        // Without COOKIE_DOMAIN: this origin alone, its own port.
        assert_eq!(to("https://app.example.ru/", None), None);
        assert_eq!(to("https://auth.example.ru:8443/", None), None);
        assert!(to("https://auth.example.ru/account", None).is_some());
        // An http site (development, loopback tests) takes http as well.
        let dev = PublicOrigin::parse("http://auth.example.localhost:3100").expect("origin");
        let dev_domain = CookieDomain::parse("example.localhost", &dev).expect("domain");
        assert_eq!(
            dev.return_to("http://app.example.localhost:8080/p", Some(&dev_domain))
                .map(|u| u.to_string())
                .as_deref(),
            Some("http://app.example.localhost:8080/p")
        );
    }

    #[test]
    fn origins_compare_by_scheme_host_and_port() {
        let site = PublicOrigin::parse("https://Auth.example.ru").expect("origin");
        assert!(site.is_origin_of("https://auth.example.ru"));
        assert!(site.is_origin_of("https://auth.example.ru:443/signup?x=1"));
        assert!(site.is_origin_of("HTTPS://AUTH.EXAMPLE.RU/verify"));
        assert!(!site.is_origin_of("http://auth.example.ru"));
        assert!(!site.is_origin_of("https://auth.example.ru:8443"));
        assert!(!site.is_origin_of("https://auth.example.ru.evil.com/"));
        assert!(!site.is_origin_of("https://evil.com/auth.example.ru"));
        assert!(!site.is_origin_of("null"));
        assert!(!site.is_origin_of(""));
        let dev = PublicOrigin::parse("http://localhost:3000").expect("origin");
        let alias = dev.loopback_alias().expect("localhost has one");
        assert!(alias.is_origin_of("http://127.0.0.1:3000/signup"));
        assert!(!alias.is_origin_of("http://127.0.0.1:3001/signup"));
        assert!(PublicOrigin::parse("https://auth.example.ru")
            .expect("origin")
            .loopback_alias()
            .is_none());
        let local = PublicOrigin::parse("http://127.0.0.1:3000").expect("origin");
        assert!(local.is_ip() && local.loopback_alias().is_none());
        assert!(local.is_origin_of("http://127.0.0.1:3000/verify"));
        assert!(!local.is_origin_of("http://127.0.0.1:3001"));
    }

    #[test]
    fn database_url_debug_hides_the_password() {
        let url = DatabaseUrl("postgres://app:hunter2@db/sms".into());
        assert!(!format!("{url:?}").contains("hunter2"));
        for (url, pieces) in [
            ("postgres://app:hun@ter2@db/sms", ["hun", "ter2"]),
            ("postgres://app:a%40b@db:5432/sms", ["a%40b", "%40b"]),
            ("postgresql://app:x@y@z@db/sms", ["x@y", "y@z"]),
            ("postgres://app:pass word@db/sms", ["pass", "word"]),
        ] {
            let shown = format!("{:?}", DatabaseUrl(url.into()));
            for piece in pieces {
                assert!(!shown.contains(piece), "{url} shows {shown}");
            }
        }
        let plain = format!(
            "{:?}",
            DatabaseUrl("sqlite://data/sms-auth.db?mode=rwc".into())
        );
        assert!(plain.contains("data/sms-auth.db"), "{plain}");
    }

    #[test]
    fn idn_origins_compare_in_their_ascii_form() {
        let site = PublicOrigin::parse("https://пример.рф").expect("origin");
        assert!(site.is_origin_of("https://xn--e1afmkfd.xn--p1ai"));
        assert!(site.is_origin_of("https://xn--e1afmkfd.xn--p1ai/verify"));
        assert!(!site.is_origin_of("https://xn--e1afmkfd.xn--p1ai.evil.example"));
        let site = PublicOrigin::parse("http://[::1]:3000").expect("origin");
        assert!(site.is_origin_of("http://[0:0::1]:3000/signup"));
        assert!(!site.is_origin_of("http://[::2]:3000"));
    }
}
