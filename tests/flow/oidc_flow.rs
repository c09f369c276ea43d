//! The OpenID provider's code flow, end to end through a Rust relying party
//! (`openidconnect` as a client) and a browser with cookies: the authorization,
//! the consent, the code's exchange (PKCE), the ID token verified against the
//! JWKS, userinfo, refresh rotation, and every refusal an app or a stranger meets.

use openidconnect::{
    core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata, CoreTokenResponse},
    AccessToken, AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce,
    OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope, TokenResponse,
};
use reqwest::{header, StatusCode};
use sms_auth::clock::Clock;
use url::Url;

use crate::{
    oidc::CLIENTS,
    support::{Browser, TestApp},
};

const PHONE: &str = "+79991112233";
const DIGITS: &str = "79991112233";
const GRAFANA_CB: &str = "http://grafana.test/login/generic_oauth";
const SPA_CB: &str = "http://lk.test/callback";

/// The apps of `oidc::CLIENTS` and a trusted one.
fn clients() -> String {
    format!(
        "{CLIENTS}
[[clients]]
id = \"own\"
name = \"Own\"
public = true
trusted = true
redirect_uris = [\"http://own.test/cb\"]
"
    )
}

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("http client")
}

async fn app() -> TestApp {
    TestApp::builder().oidc_clients(&clients()).start().await
}

/// A relying party as discovery configures it: the authorization URL set, the
/// token and userinfo endpoints as the document says.
type Rp = CoreClient<
    openidconnect::EndpointSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointMaybeSet,
    openidconnect::EndpointMaybeSet,
>;

/// The relying party of `id` (with its secret, if it has one), redirecting to `cb`.
async fn relying_party(app: &TestApp, id: &str, secret: Option<&str>, cb: &str) -> Rp {
    let metadata =
        CoreProviderMetadata::discover_async(IssuerUrl::new(app.origin.clone()).unwrap(), &http())
            .await
            .expect("discovery");
    CoreClient::from_provider_metadata(
        metadata,
        ClientId::new(id.to_owned()),
        secret.map(|s| ClientSecret::new(s.to_owned())),
    )
    .set_redirect_uri(RedirectUrl::new(cb.to_owned()).unwrap())
}

/// What an authorization request asked, to check its answer against.
struct Asked {
    url: Url,
    state: CsrfToken,
    nonce: Nonce,
    verifier: Option<PkceCodeVerifier>,
}

fn ask(client: &Rp, scopes: &[&str], pkce: bool) -> Asked {
    let mut request = client.authorize_url(
        CoreAuthenticationFlow::AuthorizationCode,
        CsrfToken::new_random,
        Nonce::new_random,
    );
    for scope in scopes {
        request = request.add_scope(Scope::new((*scope).to_owned()));
    }
    let mut verifier = None;
    if pkce {
        let (challenge, made) = PkceCodeChallenge::new_random_sha256();
        request = request.set_pkce_challenge(challenge);
        verifier = Some(made);
    }
    let (url, state, nonce) = request.url();
    Asked {
        url,
        state,
        nonce,
        verifier,
    }
}

/// Where `url` sends the browser (its `Location`, resolved), and the status.
async fn visit(browser: &Browser, url: &str) -> (StatusCode, Option<Url>) {
    let answer = browser.http.get(url).send().await.expect("get");
    let status = answer.status();
    let location = answer
        .headers()
        .get(header::LOCATION)
        .map(|l| Url::parse(url).unwrap().join(l.to_str().unwrap()).unwrap());
    (status, location)
}

/// The answer's query parameter `name`.
fn param(url: &Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.into_owned())
}

/// The consent form's fields, read from the page.
async fn consent_fields(browser: &Browser, consent_url: &Url) -> (String, Vec<(String, String)>) {
    let page = browser
        .http
        .get(consent_url.as_str())
        .header(header::ACCEPT, "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    let mut fields = Vec::new();
    for input in html.split("<input type=\"hidden\"").skip(1) {
        let attr = |name: &str| {
            let start = input.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
            let end = start + input[start..].find('"').unwrap();
            html_unescape(&input[start..end])
        };
        fields.push((attr("name"), attr("value")));
    }
    (html, fields)
}

fn html_unescape(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Posts the consent form with `answer`, from sms-auth's own page.
async fn answer_consent(
    app: &TestApp,
    browser: &Browser,
    fields: &[(String, String)],
    answer: &str,
) -> (StatusCode, Option<Url>) {
    let mut form = fields.to_vec();
    form.push(("answer".into(), answer.into()));
    let response = browser
        .http
        .post(format!("{}/oidc/consent", app.base))
        .header(header::ORIGIN, &app.origin)
        .form(&form)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let location = response
        .headers()
        .get(header::LOCATION)
        .map(|l| Url::parse(l.to_str().unwrap()).unwrap());
    (status, location)
}

/// Signs `browser` in, asks as `client`, consents, and returns the code.
async fn code_for(app: &TestApp, browser: &Browser, asked: &Asked) -> String {
    let (_, location) = visit(browser, asked.url.as_str()).await;
    let mut location = location.expect("a redirect");
    if location.path() == "/oidc/consent" {
        let (_, fields) = consent_fields(browser, &location).await;
        location = answer_consent(app, browser, &fields, "allow")
            .await
            .1
            .expect("back to the app");
    }
    assert_eq!(
        param(&location, "state").as_deref(),
        Some(asked.state.secret().as_str())
    );
    assert_eq!(
        param(&location, "iss").as_deref(),
        Some(app.origin.as_str())
    );
    param(&location, "code").unwrap_or_else(|| panic!("no code: {location}"))
}

#[tokio::test]
async fn the_code_flow_gives_tokens_that_a_relying_party_verifies() {
    let app = app().await;
    let rp = relying_party(&app, "grafana", Some("test"), GRAFANA_CB).await;
    let browser = app.signed_in(PHONE, DIGITS).await;
    let asked = ask(&rp, &["phone", "offline_access"], true);

    // The first time, the person is asked.
    let (status, location) = visit(&browser, asked.url.as_str()).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let consent = location.expect("to the consent screen");
    assert_eq!(consent.path(), "/oidc/consent");
    let (html, fields) = consent_fields(&browser, &consent).await;
    assert!(html.contains("Grafana"), "{html}");
    let (_, back) = answer_consent(&app, &browser, &fields, "allow").await;
    let back = back.expect("back to the app");
    assert!(back.as_str().starts_with(GRAFANA_CB), "{back}");
    let code = param(&back, "code").expect("a code");

    let http = http();
    let tokens: CoreTokenResponse = rp
        .exchange_code(AuthorizationCode::new(code.clone()))
        .unwrap()
        .set_pkce_verifier(asked.verifier.unwrap())
        .request_async(&http)
        .await
        .expect("tokens");
    let id_token = tokens.id_token().expect("an ID token");
    let now = app.clock.now();
    let verifier = rp
        .id_token_verifier()
        .set_time_fn(move || chrono::DateTime::from_timestamp(now, 0).unwrap());
    let claims = id_token
        .claims(&verifier, &asked.nonce)
        .expect("a valid ID token");
    let sub = claims.subject().as_str().to_owned();
    assert!(
        sub.len() == 32 && sub.bytes().all(|b| b.is_ascii_hexdigit()),
        "{sub}"
    );
    assert_eq!(claims.phone_number().map(|p| p.as_str()), Some(PHONE));
    assert_eq!(claims.phone_number_verified(), Some(true));
    let amr: Vec<_> = claims
        .auth_method_refs()
        .unwrap()
        .iter()
        .map(|a| a.as_str().to_owned())
        .collect();
    assert_eq!(amr, ["sms"]);
    assert!(claims.auth_time().is_some());
    assert_eq!(claims.audiences().len(), 1);
    // at_hash binds the access token.
    let at_hash = claims.access_token_hash().expect("at_hash");
    let computed = openidconnect::AccessTokenHash::from_token(
        tokens.access_token(),
        id_token.signing_alg().unwrap(),
        id_token.signing_key(&verifier).unwrap(),
    )
    .unwrap();
    assert_eq!(at_hash, &computed);
    assert_eq!(tokens.expires_in().map(|d| d.as_secs()), Some(600));

    let info: openidconnect::core::CoreUserInfoClaims = rp
        .user_info(tokens.access_token().clone(), None)
        .unwrap()
        .request_async(&http)
        .await
        .expect("userinfo");
    assert_eq!(info.subject().as_str(), sub);
    assert_eq!(info.phone_number().map(|p| p.as_str()), Some(PHONE));

    // The refresh token rotates; the old one's reuse revokes the whole grant.
    let first_refresh = tokens.refresh_token().expect("a refresh token").clone();
    let refreshed: CoreTokenResponse = rp
        .exchange_refresh_token(&first_refresh)
        .unwrap()
        .request_async(&http)
        .await
        .expect("refreshed");
    let second_refresh = refreshed
        .refresh_token()
        .expect("a new refresh token")
        .clone();
    assert_ne!(second_refresh.secret(), first_refresh.secret());
    let refreshed_claims = refreshed
        .id_token()
        .unwrap()
        .claims(&verifier, |_: Option<&Nonce>| Ok(()))
        .unwrap();
    assert_eq!(refreshed_claims.subject().as_str(), sub);
    assert_eq!(userinfo_status(&app, refreshed.access_token()).await, 200);

    assert_eq!(
        refresh_error(&rp, &first_refresh).await,
        "invalid_grant",
        "reused"
    );
    assert_eq!(
        refresh_error(&rp, &second_refresh).await,
        "invalid_grant",
        "the family is revoked"
    );
    assert_eq!(userinfo_status(&app, refreshed.access_token()).await, 401);
    assert_eq!(userinfo_status(&app, tokens.access_token()).await, 401);

    // A second sign-in to the app: no question asked.
    let again = ask(&rp, &["phone"], true);
    let (_, location) = visit(&browser, again.url.as_str()).await;
    let location = location.unwrap();
    assert!(location.as_str().starts_with(GRAFANA_CB), "{location}");
    assert!(param(&location, "code").is_some());
}

/// The refusal of a refresh with `token`.
async fn refresh_error(rp: &Rp, token: &openidconnect::RefreshToken) -> String {
    match rp
        .exchange_refresh_token(token)
        .unwrap()
        .request_async(&http())
        .await
    {
        Err(openidconnect::RequestTokenError::ServerResponse(refusal)) => {
            refusal.error().as_ref().to_owned()
        }
        other => panic!("not refused: {other:?}"),
    }
}

async fn userinfo_status(app: &TestApp, token: &AccessToken) -> u16 {
    http()
        .get(format!("{}/oidc/userinfo", app.base))
        .bearer_auth(token.secret())
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// The token endpoint's refusal for `form`, by `client_id:secret` in a Basic header.
async fn token_error(
    app: &TestApp,
    basic: Option<(&str, &str)>,
    form: &[(&str, &str)],
) -> (u16, String) {
    let mut request = http().post(format!("{}/oidc/token", app.base)).form(form);
    if let Some((id, secret)) = basic {
        request = request.basic_auth(id, Some(secret));
    }
    let answer = request.send().await.unwrap();
    let status = answer.status().as_u16();
    let body: serde_json::Value = answer.json().await.unwrap_or_default();
    (
        status,
        body["error"].as_str().unwrap_or_default().to_owned(),
    )
}

#[tokio::test]
async fn a_code_is_used_once_and_its_replay_revokes_its_tokens() {
    let app = app().await;
    let rp = relying_party(&app, "grafana", Some("test"), GRAFANA_CB).await;
    let browser = app.signed_in(PHONE, DIGITS).await;
    let asked = ask(&rp, &["phone"], false);
    let code = code_for(&app, &browser, &asked).await;
    let http = http();
    let tokens: CoreTokenResponse = rp
        .exchange_code(AuthorizationCode::new(code.clone()))
        .unwrap()
        .request_async(&http)
        .await
        .expect("tokens");
    assert!(
        tokens.refresh_token().is_none(),
        "no offline_access, no refresh token"
    );
    assert_eq!(userinfo_status(&app, tokens.access_token()).await, 200);
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", GRAFANA_CB),
    ];
    assert_eq!(
        token_error(&app, Some(("grafana", "test")), &form).await,
        (400, "invalid_grant".into())
    );
    assert_eq!(
        userinfo_status(&app, tokens.access_token()).await,
        401,
        "revoked by the replay"
    );

    // The purge: the expired access token goes; the code stays a day, so that a
    // replay within it still revokes.
    let now = app.clock.now();
    let purge = |at: i64| {
        app.store
            .purge(at, sms_auth::store::SessionLimits::default())
    };
    purge(now + 601).await.unwrap();
    assert_eq!(app.count("SELECT COUNT(*) FROM oidc_tokens").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM oidc_codes").await, 1);
    purge(now + 24 * 3600 + 61).await.unwrap();
    assert_eq!(app.count("SELECT COUNT(*) FROM oidc_codes").await, 0);
}

#[tokio::test]
async fn every_refused_token_request_is_told_why_and_spends_nothing_it_should_not() {
    let app = app().await;
    let rp = relying_party(&app, "grafana", Some("test"), GRAFANA_CB).await;
    let browser = app.signed_in(PHONE, DIGITS).await;
    let exchange = |code: &str| {
        vec![
            ("grant_type".to_owned(), "authorization_code".to_owned()),
            ("code".to_owned(), code.to_owned()),
            ("redirect_uri".to_owned(), GRAFANA_CB.to_owned()),
        ]
    };

    // A wrong secret: 401, and the code is not spent.
    let code = code_for(&app, &browser, &ask(&rp, &[], false)).await;
    let form = exchange(&code);
    let form: Vec<(&str, &str)> = form.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    assert_eq!(
        token_error(&app, Some(("grafana", "wrong")), &form).await,
        (401, "invalid_client".into())
    );
    assert_eq!(
        token_error(&app, Some(("nobody", "test")), &form).await,
        (401, "invalid_client".into())
    );
    // Another redirect URI: refused (and the code spent).
    let mut other = form.clone();
    other[2] = ("redirect_uri", "http://grafana.test/other");
    assert_eq!(
        token_error(&app, Some(("grafana", "test")), &other).await,
        (400, "invalid_grant".into())
    );

    // An expired code.
    let code = code_for(&app, &browser, &ask(&rp, &[], false)).await;
    app.clock.advance(61);
    let form = exchange(&code);
    let form: Vec<(&str, &str)> = form.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    assert_eq!(
        token_error(&app, Some(("grafana", "test")), &form).await,
        (400, "invalid_grant".into())
    );

    // A verifier without a challenge: a downgrade, refused.
    let code = code_for(&app, &browser, &ask(&rp, &[], false)).await;
    let form = exchange(&code);
    let mut form: Vec<(&str, &str)> = form.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let verifier = "a".repeat(43);
    form.push(("code_verifier", &verifier));
    assert_eq!(
        token_error(&app, Some(("grafana", "test")), &form).await,
        (400, "invalid_grant".into())
    );

    // A public app: its code needs its verifier, and another app's code is not its.
    let spa = relying_party(&app, "spa", None, SPA_CB).await;
    let asked = ask(&spa, &[], true);
    let code = code_for(&app, &browser, &asked).await;
    let spa_form = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", SPA_CB),
        ("client_id", "spa"),
    ];
    assert_eq!(
        token_error(&app, None, &spa_form).await,
        (400, "invalid_grant".into()),
        "no verifier"
    );
    let asked = ask(&spa, &[], true);
    let code = code_for(&app, &browser, &asked).await;
    let wrong = "b".repeat(43);
    let mut with_wrong = spa_form.to_vec();
    with_wrong[1] = ("code", &code);
    with_wrong.push(("code_verifier", &wrong));
    assert_eq!(
        token_error(&app, None, &with_wrong).await,
        (400, "invalid_grant".into()),
        "a wrong verifier"
    );
    let asked = ask(&spa, &[], true);
    let code = code_for(&app, &browser, &asked).await;
    let theirs = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", SPA_CB),
    ];
    assert_eq!(
        token_error(&app, Some(("grafana", "test")), &theirs).await,
        (400, "invalid_grant".into()),
        "another app's code"
    );
    // A public app that sends a secret, and requests without the basics.
    assert_eq!(
        token_error(&app, Some(("spa", "x")), &theirs).await,
        (401, "invalid_client".into())
    );
    assert_eq!(
        token_error(&app, None, &[("grant_type", "authorization_code")]).await,
        (401, "invalid_client".into())
    );
    assert_eq!(
        token_error(
            &app,
            Some(("grafana", "test")),
            &[("grant_type", "password")]
        )
        .await,
        (400, "unsupported_grant_type".into())
    );
    assert_eq!(
        token_error(&app, Some(("grafana", "test")), &[("code", "x")]).await,
        (400, "invalid_request".into())
    );
    assert_eq!(
        token_error(
            &app,
            Some(("grafana", "test")),
            &[
                ("grant_type", "authorization_code"),
                ("code", "nope"),
                ("redirect_uri", GRAFANA_CB)
            ]
        )
        .await,
        (400, "invalid_grant".into())
    );
    assert_eq!(
        token_error(
            &app,
            Some(("grafana", "test")),
            &[("grant_type", "refresh_token"), ("refresh_token", "nope")]
        )
        .await,
        (400, "invalid_grant".into())
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM oidc_tokens").await,
        0,
        "no token issued by any of these"
    );
}

#[tokio::test]
async fn the_authorization_refuses_back_to_the_app_and_never_to_a_stranger() {
    let app = app().await;
    let rp = relying_party(&app, "grafana", Some("test"), GRAFANA_CB).await;
    let spa = relying_party(&app, "spa", None, SPA_CB).await;
    let browser = app.signed_in(PHONE, DIGITS).await;
    let authorize = format!("{}/oidc/authorize", app.base);

    // An unknown app, or a redirect URI the app did not register: a page, no Location.
    for query in [
        format!("client_id=nobody&redirect_uri={GRAFANA_CB}&response_type=code&scope=openid"),
        "client_id=grafana&redirect_uri=http://evil.test/cb&response_type=code&scope=openid"
            .to_owned(),
        "client_id=grafana&response_type=code&scope=openid".to_owned(),
    ] {
        let answer = browser
            .http
            .get(format!("{authorize}?{query}"))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 400, "{query}");
        assert!(answer.headers().get(header::LOCATION).is_none(), "{query}");
        assert!(answer.text().await.unwrap().contains("role=\"alert\""));
    }

    // A public app without PKCE, `plain` PKCE, no openid: back to the app, with state.
    let no_pkce = ask(&spa, &[], false);
    let location = refused(&app, &browser, no_pkce.url.clone(), "invalid_request").await;
    assert_eq!(
        param(&location, "state").as_deref(),
        Some(no_pkce.state.secret().as_str())
    );
    assert!(location.as_str().starts_with(SPA_CB));
    let mut plain = ask(&spa, &[], false).url;
    plain
        .query_pairs_mut()
        .append_pair("code_challenge", &"a".repeat(43))
        .append_pair("code_challenge_method", "plain");
    refused(&app, &browser, plain, "invalid_request").await;
    let mut no_openid = ask(&rp, &[], false).url;
    let pairs: Vec<(String, String)> = no_openid
        .query_pairs()
        .into_owned()
        .filter(|(n, _)| n != "scope")
        .collect();
    no_openid
        .query_pairs_mut()
        .clear()
        .extend_pairs(pairs)
        .append_pair("scope", "phone");
    refused(&app, &browser, no_openid, "invalid_scope").await;

    // The person says no.
    let asked = ask(&rp, &["phone"], false);
    let (_, consent) = visit(&browser, asked.url.as_str()).await;
    let (_, fields) = consent_fields(&browser, &consent.unwrap()).await;
    let (_, back) = answer_consent(&app, &browser, &fields, "deny").await;
    let back = back.unwrap();
    assert_eq!(param(&back, "error").as_deref(), Some("access_denied"));
    assert_eq!(
        param(&back, "state").as_deref(),
        Some(asked.state.secret().as_str())
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM oidc_codes").await, 0);
    // A consent posted from another site is refused by the edge.
    let mut form = fields.clone();
    form.push(("answer".into(), "allow".into()));
    let forged = browser
        .http
        .post(format!("{}/oidc/consent", app.base))
        .header(header::ORIGIN, "http://evil.test")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
    assert_eq!(app.count("SELECT COUNT(*) FROM oidc_codes").await, 0);
}

/// Asks `url` and expects to be sent back to the app with `error`.
async fn refused(app: &TestApp, browser: &Browser, url: Url, error: &str) -> Url {
    let (status, location) = visit(browser, url.as_str()).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let location = location.expect("back to the app");
    assert_eq!(
        param(&location, "error").as_deref(),
        Some(error),
        "{location}"
    );
    assert!(param(&location, "error_description").is_some());
    assert_eq!(
        param(&location, "iss").as_deref(),
        Some(app.origin.as_str())
    );
    location
}

#[tokio::test]
async fn a_person_not_signed_in_signs_in_first_and_prompt_none_is_told_login_required() {
    let app = app().await;
    let rp = relying_party(&app, "grafana", Some("test"), GRAFANA_CB).await;
    let browser = app.browser();
    let asked = ask(&rp, &["phone"], false);
    let (_, location) = visit(&browser, asked.url.as_str()).await;
    let location = location.unwrap();
    assert_eq!(location.path(), "/signup");
    let rd = param(&location, "rd").expect("rd");
    assert!(
        rd.starts_with(&format!("{}/oidc/authorize?", app.origin)),
        "{rd}"
    );

    let mut silent = asked.url.clone();
    silent.query_pairs_mut().append_pair("prompt", "none");
    let (_, location) = visit(&browser, silent.as_str()).await;
    let location = location.unwrap();
    assert_eq!(param(&location, "error").as_deref(), Some("login_required"));

    // Signed in, it goes on where it was sent back to.
    app.sign_in(&browser, PHONE, DIGITS).await;
    // Not consented yet: prompt=none says so.
    let (_, location) = visit(&browser, silent.as_str()).await;
    assert_eq!(
        param(&location.unwrap(), "error").as_deref(),
        Some("consent_required")
    );
    let code = code_for(
        &app,
        &browser,
        &Asked {
            url: Url::parse(&rd).unwrap(),
            ..asked
        },
    )
    .await;
    assert_eq!(code.len(), 64);

    // prompt=login: a sign-in again, and after it the request goes through once.
    let mut login = ask(&rp, &["phone"], false).url;
    login.query_pairs_mut().append_pair("prompt", "login");
    let (_, location) = visit(&browser, login.as_str()).await;
    let location = location.unwrap();
    assert_eq!(location.path(), "/signup");
    let rd = param(&location, "rd").unwrap();
    let (_, still) = visit(&browser, &rd).await;
    assert_eq!(
        still.unwrap().path(),
        "/signup",
        "the old sign-in does not do"
    );
    app.clock.advance(120);
    app.sign_in(&browser, PHONE, DIGITS).await;
    let (_, back) = visit(&browser, &rd).await;
    assert!(param(&back.unwrap(), "code").is_some());
}

#[tokio::test]
async fn a_trusted_app_asks_no_consent_and_its_browser_origin_may_call_the_token_endpoint() {
    let app = app().await;
    let own = relying_party(&app, "own", None, "http://own.test/cb").await;
    let browser = app.signed_in(PHONE, DIGITS).await;
    let asked = ask(&own, &["phone"], true);
    let (_, location) = visit(&browser, asked.url.as_str()).await;
    let location = location.unwrap();
    assert!(
        location.as_str().starts_with("http://own.test/cb?code="),
        "{location}"
    );
    let code = param(&location, "code").unwrap();
    let verifier = asked.verifier.unwrap();
    // The authorization may be posted as a form too (OpenID Connect Core §3.1.2.1).
    let posted = ask(&own, &["phone"], true);
    let form: Vec<(String, String)> = posted.url.query_pairs().into_owned().collect();
    let answer = browser
        .http
        .post(format!("{}/oidc/authorize", app.base))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 303);
    let location = answer.headers()[header::LOCATION].to_str().unwrap();
    assert!(
        location.starts_with("http://own.test/cb?code="),
        "{location}"
    );
    let answer = http()
        .post(format!("{}/oidc/token", app.base))
        .header(header::ORIGIN, "http://own.test")
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", "http://own.test/cb"),
            ("client_id", "own"),
            ("code_verifier", verifier.secret().as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    assert_eq!(
        answer.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN],
        "http://own.test"
    );
    assert_eq!(answer.headers()[header::CACHE_CONTROL], "no-store");
    let body: serde_json::Value = answer.json().await.unwrap();
    // RFC 6749 §7.1: the type is case-insensitive; openidconnect writes it in lower case.
    assert!(body["token_type"]
        .as_str()
        .unwrap()
        .eq_ignore_ascii_case("bearer"));
    assert!(body["id_token"].as_str().is_some());
    assert!(body.get("refresh_token").is_none());
}

/// Tokens for `browser`'s account from the app `rp` (Grafana's), as it gets them.
async fn tokens_for(app: &TestApp, browser: &Browser, rp: &Rp) -> CoreTokenResponse {
    let code = code_for(app, browser, &ask(rp, &["phone"], false)).await;
    rp.exchange_code(AuthorizationCode::new(code))
        .unwrap()
        .request_async(&http())
        .await
        .expect("tokens")
}

/// Asks `/oidc/logout?<query>` in `browser`: the status, where it sends the
/// browser, and whether it clears the session cookie.
async fn log_out(
    app: &TestApp,
    browser: &Browser,
    query: &[(&str, &str)],
) -> (u16, Option<String>, bool) {
    let url = Url::parse_with_params(&format!("{}/oidc/logout", app.base), query).unwrap();
    let answer = browser.http.get(url).send().await.unwrap();
    let cleared = answer
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|c| c.to_str().ok())
        .any(|c| c.starts_with("sid=;") && c.contains("Max-Age=0"));
    let location = answer
        .headers()
        .get(header::LOCATION)
        .map(|l| l.to_str().unwrap().to_owned());
    (answer.status().as_u16(), location, cleared)
}

#[tokio::test]
async fn an_app_signs_its_person_out_only_with_its_own_id_token_and_registered_address() {
    let app = app().await;
    let rp = relying_party(&app, "grafana", Some("test"), GRAFANA_CB).await;
    let browser = app.signed_in(PHONE, DIGITS).await;
    let tokens = tokens_for(&app, &browser, &rp).await;
    let hint = tokens.id_token().unwrap().to_string();

    // Refused on sms-auth's own page, the session kept: an address the app did not
    // register, a hint sms-auth did not sign, another app's name beside the hint.
    for query in [
        vec![
            ("id_token_hint", hint.as_str()),
            ("post_logout_redirect_uri", "http://evil.test/"),
        ],
        vec![("post_logout_redirect_uri", "http://grafana.test/")],
        vec![
            ("id_token_hint", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."),
            ("post_logout_redirect_uri", "http://grafana.test/"),
        ],
        vec![("id_token_hint", hint.as_str()), ("client_id", "spa")],
    ] {
        let (status, location, cleared) = log_out(&app, &browser, &query).await;
        assert_eq!((status, location, cleared), (400, None, false), "{query:?}");
    }
    // Without a hint, a link signs nobody out: the person is asked on /signout.
    let (status, location, cleared) = log_out(&app, &browser, &[("client_id", "grafana")]).await;
    assert_eq!(
        (status, location.as_deref(), cleared),
        (303, Some("/signout"), false)
    );
    // Another account's hint: asked too.
    let other = app.signed_in("+79994445566", "79994445566").await;
    let others = tokens_for(&app, &other, &rp)
        .await
        .id_token()
        .unwrap()
        .to_string();
    let (_, location, cleared) = log_out(&app, &browser, &[("id_token_hint", &others)]).await;
    assert_eq!((location.as_deref(), cleared), (Some("/signout"), false));
    assert!(browser.account().await.is_ok(), "still signed in");

    // Its own hint, expired a day ago, and the registered address: signed out, and back.
    app.clock.advance(24 * 3600);
    let (status, location, cleared) = log_out(
        &app,
        &browser,
        &[
            ("id_token_hint", &hint),
            ("post_logout_redirect_uri", "http://grafana.test/"),
            ("state", "s 1"),
        ],
    )
    .await;
    assert_eq!(status, 303);
    assert_eq!(location.as_deref(), Some("http://grafana.test/?state=s+1"));
    assert!(cleared);
    assert!(browser.account().await.is_err(), "signed out");
    assert!(
        other.account().await.is_ok(),
        "the other account's browser is not"
    );
    // Signed out already: back to the app at once.
    let (_, location, _) = log_out(
        &app,
        &browser,
        &[
            ("id_token_hint", &hint),
            ("post_logout_redirect_uri", "http://grafana.test/"),
        ],
    )
    .await;
    assert_eq!(location.as_deref(), Some("http://grafana.test/"));
}

#[tokio::test]
async fn ui_locales_chooses_the_language_of_the_pages_the_person_meets() {
    let app = app().await;
    let rp = relying_party(&app, "grafana", Some("test"), GRAFANA_CB).await;
    let browser = app.browser_with_language("ru-RU");
    let mut asked = ask(&rp, &["phone"], false).url;
    asked
        .query_pairs_mut()
        .append_pair("ui_locales", "de-DE en-GB");
    let answer = browser.http.get(asked.as_str()).send().await.unwrap();
    assert_eq!(answer.status(), 303);
    let cookies: Vec<_> = answer
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|c| c.to_str().unwrap().to_owned())
        .collect();
    assert!(
        cookies.iter().any(|c| c.starts_with("lang=en;")),
        "{cookies:?}"
    );
    // The sign-in page is then in English.
    let page = browser.page("/signup").await;
    assert!(page.contains("<html lang=\"en\""), "{page}");

    // The consent screen too, in Russian when the app asks for it.
    app.sign_in(&browser, PHONE, DIGITS).await;
    let mut asked = ask(&rp, &["phone"], false).url;
    asked.query_pairs_mut().append_pair("ui_locales", "ru");
    let (_, consent) = visit(&browser, asked.as_str()).await;
    let (html, _) = consent_fields(&browser, &consent.unwrap()).await;
    assert!(html.contains("узнает ваш номер телефона"), "{html}");
}

#[tokio::test]
async fn the_pages_let_their_forms_go_on_to_the_registered_apps_and_nowhere_else() {
    // A browser holds a form's redirects to `form-action`: the consent's answer and
    // a sign-in by code both end at the app's redirect URI.
    let app = app().await;
    let rp = relying_party(&app, "grafana", Some("test"), GRAFANA_CB).await;
    let browser = app.signed_in(PHONE, DIGITS).await;
    let (_, consent) = visit(&browser, ask(&rp, &["phone"], false).url.as_str()).await;
    for url in [consent.unwrap().to_string(), format!("{}/signup", app.base)] {
        let page = browser
            .http
            .get(&url)
            .header(header::ACCEPT, "text/html")
            .send()
            .await
            .unwrap();
        let csp = page.headers()[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap()
            .to_owned();
        let form_action = csp
            .split(';')
            .map(str::trim)
            .find(|d| d.starts_with("form-action"))
            .unwrap();
        assert_eq!(
            form_action, "form-action 'self' http://grafana.test http://lk.test http://own.test",
            "{url}"
        );
    }
}

#[tokio::test]
async fn a_sign_in_that_starts_at_an_app_alerts_the_owner_as_any_new_one_does() {
    let app = app().await;
    let rp = relying_party(&app, "grafana", Some("test"), GRAFANA_CB).await;
    let _owner = app.signed_in(PHONE, DIGITS).await;
    assert!(
        app.alerts_to(DIGITS).await.is_empty(),
        "a first sign-in alerts nobody"
    );

    // Another browser, sent by the app to sign in.
    let newcomer = app.browser();
    let asked = ask(&rp, &["phone"], false);
    let (_, location) = visit(&newcomer, asked.url.as_str()).await;
    let rd = param(&location.unwrap(), "rd").expect("to sign in first");
    app.clock.advance(61);
    app.sign_in(&newcomer, PHONE, DIGITS).await;
    let code = code_for(
        &app,
        &newcomer,
        &Asked {
            url: Url::parse(&rd).unwrap(),
            ..asked
        },
    )
    .await;
    assert!(!code.is_empty());
    let alerts = app.alerts_to(DIGITS).await;
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    assert!(alerts[0].starts_with("Новый вход"), "{alerts:?}");
}

#[tokio::test]
async fn a_code_redeemed_twice_at_once_gives_tokens_once() {
    let app = app().await;
    let rp = relying_party(&app, "grafana", Some("test"), GRAFANA_CB).await;
    let browser = app.signed_in(PHONE, DIGITS).await;
    for _ in 0..5 {
        let code = code_for(&app, &browser, &ask(&rp, &["offline_access"], false)).await;
        let form = [
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", GRAFANA_CB),
        ];
        let (a, b) = tokio::join!(
            token_error(&app, Some(("grafana", "test")), &form),
            token_error(&app, Some(("grafana", "test")), &form)
        );
        let mut statuses = [a.0, b.0];
        statuses.sort();
        assert_eq!(statuses, [200, 400], "{a:?} {b:?}");
    }
}

#[tokio::test]
async fn the_person_sees_the_apps_they_sign_in_to_and_disconnecting_one_revokes_its_tokens() {
    use sms_auth::{api::oidc::ConnectedAppView, error::AppError};
    let app = app().await;
    let rp = relying_party(&app, "grafana", Some("test"), GRAFANA_CB).await;
    let browser = app.signed_in(PHONE, DIGITS).await;
    let listed = |browser: &Browser| {
        let browser = browser.at(&browser.base);
        async move {
            browser
                .call::<Vec<ConnectedAppView>>("connected_apps", &[])
                .await
        }
    };
    assert_eq!(listed(&browser).await.unwrap(), []);

    let first = app.clock.now();
    let code = code_for(
        &app,
        &browser,
        &ask(&rp, &["phone", "offline_access"], false),
    )
    .await;
    let tokens: CoreTokenResponse = rp
        .exchange_code(AuthorizationCode::new(code))
        .unwrap()
        .request_async(&http())
        .await
        .expect("tokens");
    app.clock.advance(100);
    code_for(&app, &browser, &ask(&rp, &["phone"], false)).await;
    assert_eq!(
        listed(&browser).await.unwrap(),
        [ConnectedAppView {
            app: "grafana".into(),
            name: "Grafana".into(),
            phone: true,
            first,
            last: first + 100,
        }]
    );

    // Another account disconnects only its own apps; nobody signed in, nothing.
    let other = app.signed_in("+79994445566", "79994445566").await;
    other
        .call::<()>("disconnect_app", &[("app", "grafana")])
        .await
        .unwrap();
    assert_eq!(
        app.browser()
            .call::<()>("disconnect_app", &[("app", "grafana")])
            .await,
        Err(AppError::NotSignedIn)
    );
    assert_eq!(listed(&browser).await.unwrap().len(), 1);
    assert_eq!(userinfo_status(&app, tokens.access_token()).await, 200);

    browser
        .call::<()>("disconnect_app", &[("app", "grafana")])
        .await
        .unwrap();
    assert_eq!(listed(&browser).await.unwrap(), []);
    assert_eq!(userinfo_status(&app, tokens.access_token()).await, 401);
    let refresh = tokens.refresh_token().expect("a refresh token");
    assert_eq!(refresh_error(&rp, refresh).await, "invalid_grant");
    // The app asks again.
    let (_, next) = visit(&browser, ask(&rp, &["phone"], false).url.as_str()).await;
    assert_eq!(next.unwrap().path(), "/oidc/consent");
}

#[tokio::test]
async fn the_account_page_lists_the_connected_apps_and_disconnects_one_without_javascript() {
    let app = app().await;
    let rp = relying_party(&app, "grafana", Some("test"), GRAFANA_CB).await;
    let browser = app.signed_in(PHONE, DIGITS).await;
    let page = browser.page("/account").await;
    assert!(
        !page.contains("Подключённые приложения"),
        "no section before any app"
    );

    code_for(&app, &browser, &ask(&rp, &["phone"], false)).await;
    let page = browser.page("/account").await;
    assert!(page.contains("Подключённые приложения"), "{page}");
    assert!(page.contains("Grafana"));
    assert!(page.contains("знает ваш номер телефона"));
    assert!(page.contains(r#"action="/api/disconnect_app""#));
    assert!(page.contains(r#"name="app" value="grafana""#));

    let done = browser
        .form_post("disconnect_app", &[("app", "grafana")], "/account")
        .await;
    assert_eq!(done.status(), 302);
    let back = Url::parse(done.headers()[header::LOCATION].to_str().unwrap()).unwrap();
    assert_eq!(back.path(), "/account", "back to the page, no error");
    assert_eq!(back.query(), Some(""), "{back}");
    let page = browser.page("/account").await;
    assert!(!page.contains("Grafana"), "disconnected");
    // The app asks again.
    let (_, next) = visit(&browser, ask(&rp, &["phone"], false).url.as_str()).await;
    assert_eq!(next.unwrap().path(), "/oidc/consent");
}

#[tokio::test]
async fn the_activity_tells_each_app_sign_in_consent_and_disconnection() {
    use sms_auth::api::activity::EventView;
    let app = app().await;
    let grafana = relying_party(&app, "grafana", Some("test"), GRAFANA_CB).await;
    let own = relying_party(&app, "own", None, "http://own.test/cb").await;
    let browser = app.signed_in(PHONE, DIGITS).await;
    app.clock.advance(10);
    // Asked, then not asked again; a trusted app asks no one.
    code_for(&app, &browser, &ask(&grafana, &["phone"], false)).await;
    app.clock.advance(10);
    code_for(&app, &browser, &ask(&grafana, &["phone"], false)).await;
    app.clock.advance(10);
    code_for(&app, &browser, &ask(&own, &[], true)).await;
    app.clock.advance(10);
    for _ in 0..2 {
        browser
            .call::<()>("disconnect_app", &[("app", "grafana")])
            .await
            .unwrap();
    }
    // A stranger's visit to the app leaves nothing in this account's activity.
    let other = app.signed_in("+79994445566", "79994445566").await;
    code_for(&app, &other, &ask(&grafana, &["phone"], false)).await;

    let events = browser
        .at(&browser.base)
        .call::<Vec<EventView>>("activity", &[])
        .await
        .unwrap();
    let told: Vec<(&str, &str)> = events
        .iter()
        .filter(|event| event.kind.starts_with("app_"))
        .map(|event| (event.kind.as_str(), event.what.as_str()))
        .collect();
    assert_eq!(
        told,
        [
            ("app_disconnected", "Приложение отключено — Grafana"),
            ("app_sign_in", "Вход в приложение — Own"),
            ("app_sign_in", "Вход в приложение — Grafana"),
            ("app_sign_in", "Вход в приложение — Grafana"),
            ("app_consent", "Приложению разрешён вход — Grafana"),
        ]
    );
    // Each tells where the browser was, as a sign-in does.
    let sign_in = events.iter().find(|event| event.kind == "sign_in").unwrap();
    assert!(!sign_in.place.is_empty());
    for event in events.iter().filter(|event| event.kind.starts_with("app_")) {
        assert_eq!(event.place, sign_in.place);
    }
}

#[tokio::test]
async fn a_stranger_learns_nothing_of_anyone_from_the_consent_screen_function() {
    use sms_auth::{api::oidc::ConsentPrompt, error::AppError};
    let app = app().await;
    let rp = relying_party(&app, "grafana", Some("test"), GRAFANA_CB).await;
    let _owner = app.signed_in(PHONE, DIGITS).await;
    let stranger = app.browser();
    for query in [
        "",
        "client_id=grafana",
        "client_id=grafana&redirect_uri=http://evil.test/",
    ] {
        assert_eq!(
            stranger
                .call::<ConsentPrompt>("consent_screen", &[("query", query)])
                .await,
            Err(AppError::InvalidAuthorization),
            "{query}"
        );
    }
    // A valid request tells what the app's own authorization page would: its
    // registered name and what it asks, nothing of any account.
    let query = ask(&rp, &["phone"], false).url.query().unwrap().to_owned();
    let prompt: ConsentPrompt = stranger
        .call("consent_screen", &[("query", &query)])
        .await
        .unwrap();
    assert_eq!(
        (prompt.app_name.as_str(), prompt.phone, prompt.offline),
        ("Grafana", true, false)
    );
    let shown = format!("{prompt:?}");
    assert!(!shown.contains(DIGITS) && !shown.contains("sid"), "{shown}");
    assert_eq!(app.count("SELECT COUNT(*) FROM oidc_codes").await, 0);
}
