//! The apps that sign people in through sms-auth: read from the TOML file
//! `OIDC_CLIENTS` names, once at start. A wrong entry stops the start with one
//! line naming the client and the field (docs/oidc.md shows the file).

use std::collections::HashMap;

use serde::Deserialize;
use url::Url;

use super::secret::SecretHash;

/// How a client proves itself at the token endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientAuth {
    /// A server-side app with a secret (`client_secret_basic` or `_post`).
    Secret(SecretHash),
    /// An app that cannot keep a secret (a browser's or a phone's): PKCE is
    /// required of it instead (`none`).
    Public,
}

/// One registered app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Client {
    pub id: String,
    /// What a person is shown: "<name> will learn your phone number".
    pub name: String,
    pub auth: ClientAuth,
    /// Where the authorization may answer, compared as exact strings.
    pub redirect_uris: Vec<String>,
    /// Where a sign-out the app asked for may return, compared as exact strings.
    pub post_logout_redirect_uris: Vec<String>,
    /// No consent screen: the business's own app (Authelia's `implicit`).
    pub trusted: bool,
}

impl Client {
    pub fn is_public(&self) -> bool {
        self.auth == ClientAuth::Public
    }

    pub fn allows_redirect(&self, uri: &str) -> bool {
        self.redirect_uris.iter().any(|known| known == uri)
    }

    pub fn allows_post_logout_redirect(&self, uri: &str) -> bool {
        self.post_logout_redirect_uris
            .iter()
            .any(|known| known == uri)
    }
}

/// Every registered app, by id.
#[derive(Debug, Clone, Default)]
pub struct Clients {
    by_id: HashMap<String, Client>,
    /// The origins of every redirect URI: the browsers' apps that may call the
    /// token, userinfo and JWKS endpoints from their pages (CORS).
    origins: Vec<String>,
}

impl Clients {
    pub fn get(&self, id: &str) -> Option<&Client> {
        self.by_id.get(id)
    }

    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }

    /// The origins of the registered redirect URIs (`https://grafana.example.ru`).
    pub fn origins(&self) -> &[String] {
        &self.origins
    }

    /// Whether `origin` (an `Origin` header) is the origin of a registered
    /// redirect URI.
    pub fn is_registered_origin(&self, origin: &str) -> bool {
        self.origins.iter().any(|known| known == origin)
    }

    /// Reads the file's text. `http_allowed`: whether redirect URIs may be plain
    /// http, as they may while the site itself is (development, tests).
    pub fn parse(text: &str, http_allowed: bool) -> Result<Self, String> {
        let file: File = toml::from_str(text).map_err(|e| one_line(&e))?;
        let mut clients = Self::default();
        for (index, entry) in file.clients.into_iter().enumerate() {
            let named = entry
                .get("id")
                .and_then(toml::Value::as_str)
                .map(|id| format!("client \"{id}\""))
                .unwrap_or_else(|| format!("client #{}", index + 1));
            let entry: Entry = entry
                .try_into()
                .map_err(|e: toml::de::Error| format!("{named}: {}", e.message().trim()))?;
            let client = entry
                .check(http_allowed)
                .map_err(|(field, what)| format!("{named}: {field}: {what}"))?;
            if clients.by_id.contains_key(&client.id) {
                return Err(format!("{named}: id: registered twice"));
            }
            for uri in &client.redirect_uris {
                let origin = origin_of(uri);
                if !clients.origins.contains(&origin) {
                    clients.origins.push(origin);
                }
            }
            clients.by_id.insert(client.id.clone(), client);
        }
        if clients.is_empty() {
            return Err("no [[clients]]".into());
        }
        Ok(clients)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    clients: Vec<toml::Table>,
}

/// One `[[clients]]` entry as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    id: String,
    name: String,
    secret_sha256: Option<String>,
    #[serde(default)]
    public: bool,
    redirect_uris: Vec<String>,
    #[serde(default)]
    post_logout_redirect_uris: Vec<String>,
    #[serde(default)]
    trusted: bool,
}

impl Entry {
    fn check(self, http_allowed: bool) -> Result<Client, (&'static str, String)> {
        let id_ok = !self.id.is_empty()
            && self.id.len() <= 64
            && self
                .id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if !id_ok {
            return Err(("id", "1 to 64 of a-z, A-Z, 0-9, '-', '_', '.'".into()));
        }
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > 60 || name.chars().any(char::is_control) {
            return Err(("name", "1 to 60 characters, on one line".into()));
        }
        let auth = match (self.secret_sha256, self.public) {
            (Some(hash), false) => ClientAuth::Secret(SecretHash::parse(&hash).ok_or((
                "secret_sha256",
                "64 hex digits, as `sms-auth oidc-secret` prints them".to_owned(),
            ))?),
            (None, true) => ClientAuth::Public,
            (Some(_), true) => {
                return Err(("public", "a public client has no secret_sha256".into()));
            }
            (None, false) => {
                return Err(("secret_sha256", "missing (or `public = true`)".into()));
            }
        };
        if self.redirect_uris.is_empty() {
            return Err(("redirect_uris", "at least one".into()));
        }
        for uri in self
            .redirect_uris
            .iter()
            .chain(&self.post_logout_redirect_uris)
        {
            if let Err(what) = check_uri(uri, http_allowed) {
                let field = if self.redirect_uris.contains(uri) {
                    "redirect_uris"
                } else {
                    "post_logout_redirect_uris"
                };
                return Err((field, format!("{uri:?}: {what}")));
            }
        }
        Ok(Client {
            id: self.id,
            name: name.to_owned(),
            auth,
            redirect_uris: self.redirect_uris,
            post_logout_redirect_uris: self.post_logout_redirect_uris,
            trusted: self.trusted,
        })
    }
}

/// A registered URI: absolute, https (or http where allowed), no user or
/// password, no fragment (RFC 6749 §3.1.2), and written as the `url` crate writes
/// it, so that the exact match an app's request gets is the one its author meant.
fn check_uri(uri: &str, http_allowed: bool) -> Result<(), &'static str> {
    let parsed = Url::parse(uri).map_err(|_| "not an absolute URL")?;
    match parsed.scheme() {
        "https" => {}
        "http" if http_allowed => {}
        _ => return Err("https only (http while PUBLIC_ORIGIN is http)"),
    }
    if parsed.host().is_none() || !parsed.username().is_empty() || parsed.password().is_some() {
        return Err("a host and no user or password");
    }
    if parsed.fragment().is_some() {
        return Err("no fragment");
    }
    if parsed.as_str() != uri {
        return Err("not in its normal form (a trailing '/' after a bare host, lower-case scheme and host, no default port)");
    }
    Ok(())
}

fn origin_of(uri: &str) -> String {
    Url::parse(uri)
        .map(|url| url.origin().ascii_serialization())
        .unwrap_or_default()
}

/// A TOML syntax error on one line: where, and what.
fn one_line(error: &toml::de::Error) -> String {
    let message = error.message().trim().replace('\n', " ");
    match error.span() {
        Some(span) => format!("at byte {}: {message}", span.start),
        None => message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HASH: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    fn file(entry: &str) -> String {
        format!("[[clients]]\n{entry}\n")
    }

    fn grafana(extra: &str) -> String {
        file(&format!(
            "id = \"grafana\"\nname = \"Grafana\"\nsecret_sha256 = \"{HASH}\"\n\
             redirect_uris = [\"https://grafana.example.ru/login/generic_oauth\"]\n{extra}"
        ))
    }

    #[test]
    fn reads_a_confidential_and_a_public_client() {
        let text = format!(
            "{}{}",
            grafana("post_logout_redirect_uris = [\"https://grafana.example.ru/\"]"),
            file(
                "id = \"spa\"\nname = \"Кабинет\"\npublic = true\ntrusted = true\n\
                 redirect_uris = [\"https://lk.example.ru/cb\", \"https://lk.example.ru/cb2\"]"
            )
        );
        let clients = Clients::parse(&text, false).unwrap();
        assert_eq!(clients.len(), 2);
        let grafana = clients.get("grafana").unwrap();
        assert!(!grafana.is_public() && !grafana.trusted);
        assert!(matches!(&grafana.auth, ClientAuth::Secret(hash) if hash.matches("test")));
        assert!(grafana.allows_redirect("https://grafana.example.ru/login/generic_oauth"));
        assert!(!grafana.allows_redirect("https://grafana.example.ru/login/generic_oauth/"));
        assert!(!grafana.allows_redirect("https://grafana.example.ru/login/generic_oauth?x=1"));
        assert!(grafana.allows_post_logout_redirect("https://grafana.example.ru/"));
        assert!(!grafana.allows_post_logout_redirect("https://grafana.example.ru/x"));
        let spa = clients.get("spa").unwrap();
        assert!(spa.is_public() && spa.trusted && spa.name == "Кабинет");
        assert!(clients.get("Grafana").is_none());
        assert!(clients.is_registered_origin("https://lk.example.ru"));
        assert!(clients.is_registered_origin("https://grafana.example.ru"));
        assert!(!clients.is_registered_origin("https://example.ru"));
        assert!(!clients.is_registered_origin("http://lk.example.ru"));
    }

    #[test]
    fn http_redirects_only_while_the_site_is_http() {
        let text = file(
            "id = \"dev\"\nname = \"Dev\"\npublic = true\n\
             redirect_uris = [\"http://127.0.0.1:3190/redirect_uri\"]",
        );
        assert!(Clients::parse(&text, true).is_ok());
        assert_eq!(
            Clients::parse(&text, false).unwrap_err(),
            "client \"dev\": redirect_uris: \"http://127.0.0.1:3190/redirect_uri\": \
             https only (http while PUBLIC_ORIGIN is http)"
        );
    }

    #[test]
    fn a_wrong_entry_is_named_with_its_field() {
        let cases = [
            (grafana("trusted = \"yes\""), "client \"grafana\": invalid type: string \"yes\", expected a boolean"),
            (grafana("secret = \"x\""), "client \"grafana\": unknown field `secret`"),
            (grafana("public = true"), "client \"grafana\": public: a public client has no secret_sha256"),
            (
                file("id = \"a\"\nname = \"A\"\nredirect_uris = [\"https://a.ru/\"]"),
                "client \"a\": secret_sha256: missing (or `public = true`)",
            ),
            (
                file(&format!("id = \"a\"\nname = \"A\"\nsecret_sha256 = \"{}\"\nredirect_uris = [\"https://a.ru/\"]", &HASH[1..])),
                "client \"a\": secret_sha256: 64 hex digits, as `sms-auth oidc-secret` prints them",
            ),
            (
                file("id = \"a b\"\nname = \"A\"\npublic = true\nredirect_uris = [\"https://a.ru/\"]"),
                "client \"a b\": id: 1 to 64 of a-z, A-Z, 0-9, '-', '_', '.'",
            ),
            (
                file("id = \"a\"\nname = \" \"\npublic = true\nredirect_uris = [\"https://a.ru/\"]"),
                "client \"a\": name: 1 to 60 characters, on one line",
            ),
            (
                file("id = \"a\"\nname = \"A\"\npublic = true\nredirect_uris = []"),
                "client \"a\": redirect_uris: at least one",
            ),
            (
                file("name = \"A\"\npublic = true\nredirect_uris = [\"https://a.ru/\"]"),
                "client #1: missing field `id`",
            ),
            (
                file("id = \"a\"\nname = \"A\"\npublic = true\nredirect_uris = [\"https://a.ru/cb#x\"]"),
                "client \"a\": redirect_uris: \"https://a.ru/cb#x\": no fragment",
            ),
            (
                file("id = \"a\"\nname = \"A\"\npublic = true\nredirect_uris = [\"https://u:p@a.ru/cb\"]"),
                "client \"a\": redirect_uris: \"https://u:p@a.ru/cb\": a host and no user or password",
            ),
            (
                file("id = \"a\"\nname = \"A\"\npublic = true\nredirect_uris = [\"/cb\"]"),
                "client \"a\": redirect_uris: \"/cb\": not an absolute URL",
            ),
            (
                file("id = \"a\"\nname = \"A\"\npublic = true\nredirect_uris = [\"HTTPS://A.ru:443/cb\"]"),
                "client \"a\": redirect_uris: \"HTTPS://A.ru:443/cb\": not in its normal form (a trailing '/' after a bare host, lower-case scheme and host, no default port)",
            ),
            (
                grafana("post_logout_redirect_uris = [\"javascript:alert(1)\"]"),
                "client \"grafana\": post_logout_redirect_uris: \"javascript:alert(1)\": https only (http while PUBLIC_ORIGIN is http)",
            ),
            (format!("{}{}", grafana(""), grafana("")), "client \"grafana\": id: registered twice"),
            (String::new(), "no [[clients]]"),
        ];
        for (text, expected) in cases {
            let error = Clients::parse(&text, false).unwrap_err();
            assert!(
                error.starts_with(expected),
                "{text}\n→ {error}\n≠ {expected}"
            );
            assert!(!error.contains('\n'), "{error}");
        }
    }

    #[test]
    fn a_syntax_error_is_one_line_with_where() {
        let error = Clients::parse("[[clients]\nid = 1", false).unwrap_err();
        assert!(error.starts_with("at byte "), "{error}");
        assert!(!error.contains('\n'), "{error}");
        let error = Clients::parse("client = 1", false).unwrap_err();
        assert!(error.contains("unknown field `client`"), "{error}");
    }
}
