//! The authorization request (`/oidc/authorize`), read and checked before anyone is
//! asked anything: the code flow alone, the exact redirect URI, PKCE S256 (required
//! of a public app), `prompt`, `max_age`, `ui_locales`. An unknown app or a redirect
//! URI it did not register gets sms-auth's own error page and is never followed
//! (RFC 6749 §4.1.2.1); every other refusal goes back to the app, with `state` and
//! `iss` (RFC 9207).

use url::Url;

use super::{
    clients::{Client, Clients},
    error::{ErrorCode, OAuthError},
    pkce,
    scopes::Scopes,
};

/// The longest `state` or `nonce` kept: they are stored with the code.
const MAX_ECHOED_LEN: usize = 512;

/// Internal: set on the way to a sign-in that `prompt=login` asked for, so that
/// the request, coming back, takes only a sign-in made after it (and does not ask
/// again for ever).
pub const LOGIN_AFTER: &str = "login_after";

/// What `prompt` asks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Prompt {
    /// Ask nothing: answer `login_required` or `consent_required` instead.
    pub none: bool,
    /// Sign in again, whatever the session.
    pub login: bool,
    /// Ask for consent again, even if given.
    pub consent: bool,
}

/// A checked authorization request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthRequest {
    pub client_id: String,
    pub redirect_uri: String,
    pub scopes: Scopes,
    pub state: Option<String>,
    pub nonce: Option<String>,
    /// The S256 challenge; required of a public app.
    pub code_challenge: Option<String>,
    pub prompt: Prompt,
    pub max_age: Option<u32>,
    /// The page's language, when `ui_locales` names one served (`ru`, `en`).
    pub ui_locale: Option<&'static str>,
    /// Only a sign-in at or after this moment will do ([`LOGIN_AFTER`]).
    pub login_after: Option<i64>,
}

/// Why a request is refused, and where that is said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// On sms-auth's own page: the app is unknown, or the redirect URI is not one it
    /// registered, so nothing may be sent there.
    Page(&'static str),
    /// Back to the app's redirect URI.
    Back(Back),
}

/// A refusal sent back to the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Back {
    pub redirect_uri: String,
    pub error: OAuthError,
    pub state: Option<String>,
}

impl Back {
    pub fn new(request: &AuthRequest, code: ErrorCode, description: &'static str) -> Self {
        Self {
            redirect_uri: request.redirect_uri.clone(),
            error: OAuthError::new(code, description),
            state: request.state.clone(),
        }
    }

    /// The redirect URI with `error`, `error_description`, `state` and `iss`.
    pub fn url(&self, issuer: &str) -> Option<Url> {
        let mut pairs = vec![
            ("error", self.error.code.as_str()),
            ("error_description", self.error.description),
        ];
        if let Some(state) = &self.state {
            pairs.push(("state", state));
        }
        pairs.push(("iss", issuer));
        answer_url(&self.redirect_uri, &pairs)
    }
}

/// Where a granted authorization sends the browser: the redirect URI with `code`,
/// `state` and `iss`.
pub fn code_url(request: &AuthRequest, code: &str, issuer: &str) -> Option<Url> {
    let mut pairs = vec![("code", code)];
    if let Some(state) = &request.state {
        pairs.push(("state", state));
    }
    pairs.push(("iss", issuer));
    answer_url(&request.redirect_uri, &pairs)
}

/// `uri` with `pairs` added to its query (a registered URI may carry one).
fn answer_url(uri: &str, pairs: &[(&str, &str)]) -> Option<Url> {
    let mut url = Url::parse(uri).ok()?;
    url.query_pairs_mut().extend_pairs(pairs);
    Some(url)
}

impl AuthRequest {
    /// The request as a query again, for the way back to it after a sign-in or
    /// on the consent form. `prompt=login` is not repeated: on the way to a sign-in
    /// it becomes [`LOGIN_AFTER`] (see [`Self::after_sign_in`]).
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = vec![
            ("client_id", self.client_id.clone()),
            ("redirect_uri", self.redirect_uri.clone()),
            ("response_type", "code".to_owned()),
            ("scope", self.scopes.as_str().to_owned()),
        ];
        let optional = [
            ("state", self.state.clone()),
            ("nonce", self.nonce.clone()),
            ("code_challenge", self.code_challenge.clone()),
            (
                "code_challenge_method",
                self.code_challenge.as_ref().map(|_| "S256".to_owned()),
            ),
            ("max_age", self.max_age.map(|age| age.to_string())),
            ("ui_locales", self.ui_locale.map(str::to_owned)),
            ("prompt", self.prompt.consent.then(|| "consent".to_owned())),
            (LOGIN_AFTER, self.login_after.map(|at| at.to_string())),
        ];
        pairs.extend(
            optional
                .into_iter()
                .filter_map(|(name, value)| Some((name, value?))),
        );
        pairs
    }

    /// The request to come back to after a sign-in, when the browser's sign-in
    /// (made at `signed_in_at`, if it has one) did not do: with `prompt=login`,
    /// only a sign-in after that one will.
    pub fn after_sign_in(&self, signed_in_at: Option<i64>) -> Self {
        let mut back = self.clone();
        if self.prompt.login {
            back.prompt.login = false;
            back.login_after = signed_in_at.map(|at| at + 1).or(self.login_after);
        }
        back
    }

    /// Whether a sign-in at `signed_in_at` is recent enough for the request at `now`.
    pub fn accepts_sign_in(&self, signed_in_at: i64, now: i64) -> bool {
        !self.prompt.login
            && self.login_after.is_none_or(|after| signed_in_at >= after)
            && self
                .max_age
                .is_none_or(|age| now - signed_in_at <= i64::from(age))
    }
}

/// The first language of `ui_locales` (space-separated BCP 47 tags, in order of
/// preference) that the pages are written in: `ru` or `en`.
pub fn ui_locale(locales: &str) -> Option<&'static str> {
    locales.split(' ').find_map(|tag| {
        let language = tag.split(['-', '_']).next().unwrap_or_default();
        ["ru", "en"]
            .into_iter()
            .find(|served| served.eq_ignore_ascii_case(language))
    })
}

/// Reads and checks the request's parameters (`pairs`, from its query or its
/// form) against the registered apps.
pub fn parse<'c>(
    pairs: &[(String, String)],
    clients: &'c Clients,
) -> Result<(AuthRequest, &'c Client), Refused> {
    let count = |name: &str| pairs.iter().filter(|(n, _)| n == name).count();
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, value)| value.as_str())
    };
    if count("client_id") > 1 || count("redirect_uri") > 1 {
        return Err(Refused::Page("client_id or redirect_uri given twice"));
    }
    let client = get("client_id")
        .and_then(|id| clients.get(id))
        .ok_or(Refused::Page("unknown client_id"))?;
    let redirect_uri = get("redirect_uri")
        .filter(|uri| client.allows_redirect(uri))
        .ok_or(Refused::Page("redirect_uri is not one the app registered"))?;
    let mut request = AuthRequest {
        client_id: client.id.clone(),
        redirect_uri: redirect_uri.to_owned(),
        scopes: Scopes::default(),
        state: get("state").map(str::to_owned),
        nonce: None,
        code_challenge: None,
        prompt: Prompt::default(),
        max_age: None,
        ui_locale: None,
        login_after: None,
    };
    let refuse = |request: &AuthRequest, code, description| {
        Err(Refused::Back(Back::new(request, code, description)))
    };
    use ErrorCode::*;
    if request
        .state
        .as_ref()
        .is_some_and(|s| s.len() > MAX_ECHOED_LEN)
    {
        request.state = None;
        return refuse(&request, InvalidRequest, "state: at most 512 bytes");
    }
    if super::has_repeated(pairs) {
        return refuse(&request, InvalidRequest, "a parameter is given twice");
    }
    match get("response_type") {
        Some("code") => {}
        None => return refuse(&request, InvalidRequest, "response_type is missing"),
        Some(_) => return refuse(&request, UnsupportedResponseType, "the code flow only"),
    }
    if get("response_mode").is_some_and(|mode| mode != "query") {
        return refuse(&request, InvalidRequest, "response_mode: query only");
    }
    if get("request").is_some() {
        return refuse(
            &request,
            RequestNotSupported,
            "request objects are not supported",
        );
    }
    if get("request_uri").is_some() {
        return refuse(
            &request,
            RequestUriNotSupported,
            "request_uri is not supported",
        );
    }
    if get("registration").is_some() {
        return refuse(
            &request,
            RegistrationNotSupported,
            "registration is not supported",
        );
    }
    request.scopes = match get("scope").and_then(Scopes::parse) {
        Some(scopes) => scopes,
        None => return refuse(&request, InvalidScope, "scope must include openid"),
    };
    request.nonce = get("nonce").map(str::to_owned);
    if request
        .nonce
        .as_ref()
        .is_some_and(|n| n.len() > MAX_ECHOED_LEN)
    {
        return refuse(&request, InvalidRequest, "nonce: at most 512 bytes");
    }
    match (get("code_challenge"), get("code_challenge_method")) {
        (None, None) if client.is_public() => {
            return refuse(
                &request,
                InvalidRequest,
                "PKCE (S256) is required of a public client",
            );
        }
        (None, None) => {}
        (Some(challenge), Some("S256")) if pkce::is_challenge(challenge) => {
            request.code_challenge = Some(challenge.to_owned());
        }
        (Some(_), Some("S256")) => {
            return refuse(
                &request,
                InvalidRequest,
                "code_challenge: 43 characters of base64url",
            );
        }
        (None, Some(_)) => return refuse(&request, InvalidRequest, "code_challenge is missing"),
        (Some(_), _) => {
            return refuse(&request, InvalidRequest, "code_challenge_method: S256 only")
        }
    }
    for word in get("prompt")
        .unwrap_or_default()
        .split(' ')
        .filter(|w| !w.is_empty())
    {
        match word {
            "none" => request.prompt.none = true,
            "login" => request.prompt.login = true,
            "consent" => request.prompt.consent = true,
            // One account per browser: there is nothing to select.
            "select_account" => {}
            _ => {
                return refuse(
                    &request,
                    InvalidRequest,
                    "prompt: none, login, consent or select_account",
                )
            }
        }
    }
    if request.prompt.none && (request.prompt.login || request.prompt.consent) {
        return refuse(
            &request,
            InvalidRequest,
            "prompt=none goes with no other value",
        );
    }
    if let Some(age) = get("max_age") {
        match age.parse() {
            Ok(age) => request.max_age = Some(age),
            Err(_) => {
                return refuse(
                    &request,
                    InvalidRequest,
                    "max_age: a whole number of seconds",
                )
            }
        }
    }
    request.ui_locale = get("ui_locales").and_then(ui_locale);
    if let Some(after) = get(LOGIN_AFTER) {
        match after.parse() {
            Ok(after) => request.login_after = Some(after),
            Err(_) => return refuse(&request, InvalidRequest, "login_after: unix seconds"),
        }
    }
    Ok((request, client))
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLIENTS: &str = r#"
[[clients]]
id = "grafana"
name = "Grafana"
secret_sha256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
redirect_uris = ["https://grafana.test/cb", "https://grafana.test/cb2?tenant=1"]

[[clients]]
id = "spa"
name = "SPA"
public = true
redirect_uris = ["https://spa.test/cb"]
"#;
    const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    fn clients() -> Clients {
        Clients::parse(CLIENTS, false).unwrap()
    }

    fn pairs(query: &str) -> Vec<(String, String)> {
        url::form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect()
    }

    const GOOD: &str = "client_id=grafana&redirect_uri=https%3A%2F%2Fgrafana.test%2Fcb\
        &response_type=code&scope=openid+phone&state=s1&nonce=n1";

    fn refused(query: &str) -> Refused {
        parse(&pairs(query), &clients()).unwrap_err()
    }

    fn back(query: &str) -> (ErrorCode, Option<String>) {
        match refused(query) {
            Refused::Back(back) => (back.error.code, back.state),
            Refused::Page(why) => panic!("{query}: a page ({why}), not back"),
        }
    }

    #[test]
    fn a_good_request_is_read_whole() {
        let clients = clients();
        let (request, client) = parse(&pairs(GOOD), &clients).unwrap();
        assert_eq!(client.id, "grafana");
        assert_eq!(request.redirect_uri, "https://grafana.test/cb");
        assert_eq!(request.scopes.as_str(), "openid phone");
        assert_eq!(request.state.as_deref(), Some("s1"));
        assert_eq!(request.nonce.as_deref(), Some("n1"));
        assert_eq!(request.code_challenge, None);
        assert_eq!(request.prompt, Prompt::default());
        let query = format!(
            "{GOOD}&code_challenge={CHALLENGE}&code_challenge_method=S256&prompt=consent\
             &max_age=300&ui_locales=de-DE+en-GB+ru"
        );
        let (request, _) = parse(&pairs(&query), &clients).unwrap();
        assert_eq!(request.code_challenge.as_deref(), Some(CHALLENGE));
        assert!(request.prompt.consent && !request.prompt.login && !request.prompt.none);
        assert_eq!(request.max_age, Some(300));
        assert_eq!(request.ui_locale, Some("en"));
        // Back to a query and read again: the same request.
        let again: Vec<(String, String)> = request
            .pairs()
            .into_iter()
            .map(|(n, v)| (n.to_owned(), v))
            .collect();
        assert_eq!(parse(&again, &clients).unwrap().0, request);
    }

    #[test]
    fn an_unknown_app_or_redirect_gets_a_page_and_is_never_followed() {
        for query in [
            "redirect_uri=https%3A%2F%2Fgrafana.test%2Fcb&response_type=code&scope=openid",
            "client_id=nobody&redirect_uri=https%3A%2F%2Fgrafana.test%2Fcb&response_type=code&scope=openid",
            "client_id=grafana&response_type=code&scope=openid",
            "client_id=grafana&redirect_uri=https%3A%2F%2Fevil.test%2Fcb&response_type=code",
            "client_id=grafana&redirect_uri=https%3A%2F%2Fgrafana.test%2Fcb%2F",
            "client_id=grafana&redirect_uri=https%3A%2F%2Fgrafana.test%2Fcb%3Fx%3D1",
            "client_id=grafana&redirect_uri=https%3A%2F%2Fspa.test%2Fcb",
            "client_id=grafana&redirect_uri=https%3A%2F%2Fgrafana.test%2Fcb&redirect_uri=https%3A%2F%2Fevil.test",
            "client_id=grafana&client_id=spa&redirect_uri=https%3A%2F%2Fgrafana.test%2Fcb",
        ] {
            assert!(matches!(refused(query), Refused::Page(_)), "{query}");
        }
    }

    #[test]
    fn every_other_refusal_goes_back_with_its_code_and_state() {
        use ErrorCode::*;
        let cases = [
            (
                GOOD.replace("response_type=code", "response_type=token"),
                UnsupportedResponseType,
            ),
            (
                GOOD.replace("response_type=code", "response_type=code+id_token"),
                UnsupportedResponseType,
            ),
            (GOOD.replace("&response_type=code", ""), InvalidRequest),
            (
                GOOD.replace("scope=openid+phone", "scope=phone"),
                InvalidScope,
            ),
            (GOOD.replace("&scope=openid+phone", ""), InvalidScope),
            (format!("{GOOD}&state=again"), InvalidRequest),
            (format!("{GOOD}&response_mode=fragment"), InvalidRequest),
            (format!("{GOOD}&request=eyJ"), RequestNotSupported),
            (
                format!("{GOOD}&request_uri=https%3A%2F%2Fx"),
                RequestUriNotSupported,
            ),
            (
                format!("{GOOD}&registration=%7B%7D"),
                RegistrationNotSupported,
            ),
            (
                format!("{GOOD}&code_challenge={CHALLENGE}&code_challenge_method=plain"),
                InvalidRequest,
            ),
            (format!("{GOOD}&code_challenge={CHALLENGE}"), InvalidRequest),
            (format!("{GOOD}&code_challenge_method=S256"), InvalidRequest),
            (
                format!("{GOOD}&code_challenge=short&code_challenge_method=S256"),
                InvalidRequest,
            ),
            (format!("{GOOD}&prompt=none+login"), InvalidRequest),
            (format!("{GOOD}&prompt=none+consent"), InvalidRequest),
            (format!("{GOOD}&prompt=maybe"), InvalidRequest),
            (format!("{GOOD}&max_age=-1"), InvalidRequest),
            (format!("{GOOD}&max_age=soon"), InvalidRequest),
            (
                GOOD.replace("nonce=n1", &format!("nonce={}", "n".repeat(513))),
                InvalidRequest,
            ),
            (format!("{GOOD}&login_after=x"), InvalidRequest),
        ];
        for (query, code) in cases {
            assert_eq!(back(&query), (code, Some("s1".to_owned())), "{query}");
        }
        // A state too long to echo is not echoed.
        let long = GOOD.replace("state=s1", &format!("state={}", "s".repeat(513)));
        assert_eq!(back(&long), (InvalidRequest, None));
    }

    #[test]
    fn a_public_app_must_send_an_s256_challenge() {
        let spa = "client_id=spa&redirect_uri=https%3A%2F%2Fspa.test%2Fcb&response_type=code&scope=openid&state=x";
        assert_eq!(back(spa), (ErrorCode::InvalidRequest, Some("x".to_owned())));
        let with = format!("{spa}&code_challenge={CHALLENGE}&code_challenge_method=S256");
        let clients = clients();
        let (request, client) = parse(&pairs(&with), &clients).unwrap();
        assert!(client.is_public());
        assert_eq!(request.code_challenge.as_deref(), Some(CHALLENGE));
    }

    #[test]
    fn the_answers_carry_state_and_iss_beside_the_registered_query() {
        let clients = clients();
        let query = GOOD
            .replace("cb&", "cb2%3Ftenant%3D1&")
            .replace("state=s1", "state=a+b%26c");
        let (request, _) = parse(&pairs(&query), &clients).unwrap();
        let url = code_url(&request, "C0DE", "https://auth.test").unwrap();
        assert_eq!(
            url.as_str(),
            "https://grafana.test/cb2?tenant=1&code=C0DE&state=a+b%26c&iss=https%3A%2F%2Fauth.test"
        );
        let denied = Back::new(&request, ErrorCode::AccessDenied, "the person said no");
        assert_eq!(
            denied.url("https://auth.test").unwrap().as_str(),
            "https://grafana.test/cb2?tenant=1&error=access_denied\
             &error_description=the+person+said+no&state=a+b%26c&iss=https%3A%2F%2Fauth.test"
        );
    }

    #[test]
    fn prompt_login_and_max_age_ask_for_a_recent_enough_sign_in_once() {
        let clients = clients();
        let (login, _) = parse(&pairs(&format!("{GOOD}&prompt=login")), &clients).unwrap();
        assert!(
            !login.accepts_sign_in(1000, 1000),
            "prompt=login takes no session as it is"
        );
        // On the way to the sign-in, prompt=login becomes "a sign-in after the one
        // this browser has".
        let back: Vec<(String, String)> = login
            .after_sign_in(Some(1000))
            .pairs()
            .into_iter()
            .map(|(n, v)| (n.to_owned(), v))
            .collect();
        let (returned, _) = parse(&back, &clients).unwrap();
        assert!(!returned.prompt.login);
        assert_eq!(returned.login_after, Some(1001));
        assert!(!returned.accepts_sign_in(1000, 1010));
        assert!(returned.accepts_sign_in(1001, 1010));
        // Without a sign-in, any sign-in will do.
        let fresh = login.after_sign_in(None);
        assert!(!fresh.prompt.login && fresh.login_after.is_none());
        assert!(fresh.accepts_sign_in(5, 1010));

        let (aged, _) = parse(&pairs(&format!("{GOOD}&max_age=60")), &clients).unwrap();
        assert!(aged.accepts_sign_in(940, 1000));
        assert!(!aged.accepts_sign_in(939, 1000));
        let (plain, _) = parse(&pairs(GOOD), &clients).unwrap();
        assert!(plain.accepts_sign_in(0, 1_000_000));
    }
}
