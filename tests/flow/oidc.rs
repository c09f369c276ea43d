//! The OpenID provider, through a Rust relying party (`openidconnect` as a
//! client): discovery, the JWKS and its keys, CORS, the commands.

use openidconnect::{
    core::{
        CoreIdToken, CoreIdTokenClaims, CoreIdTokenVerifier, CoreJwsSigningAlgorithm,
        CoreProviderMetadata,
    },
    Audience, ClientId, EmptyAdditionalClaims, IssuerUrl, JsonWebKey, Nonce, StandardClaims,
    SubjectIdentifier,
};
use reqwest::header;
use sms_auth::clock::{Clock, SystemClock};

use crate::support::TestApp;

/// A confidential app (secret "test") and a browser's app.
pub const CLIENTS: &str = r#"
[[clients]]
id = "grafana"
name = "Grafana"
secret_sha256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
redirect_uris = ["http://grafana.test/login/generic_oauth"]
post_logout_redirect_uris = ["http://grafana.test/"]

[[clients]]
id = "spa"
name = "Кабинет"
public = true
redirect_uris = ["http://lk.test/callback"]
"#;

/// The relying party's HTTP client: it follows no redirect, as OAuth asks.
fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("http client")
}

async fn discover(app: &TestApp) -> CoreProviderMetadata {
    CoreProviderMetadata::discover_async(IssuerUrl::new(app.origin.clone()).unwrap(), &http())
        .await
        .expect("discovery")
}

#[tokio::test]
async fn a_relying_party_discovers_the_provider_and_its_keys() {
    let app = TestApp::builder().oidc_clients(CLIENTS).start().await;
    let metadata = discover(&app).await;
    assert_eq!(metadata.issuer().as_str(), app.origin);
    assert_eq!(
        metadata.token_endpoint().map(|url| url.as_str().to_owned()),
        Some(format!("{}/oidc/token", app.origin))
    );
    let keys = metadata.jwks().keys();
    let held = app.state.oidc_keys.current().expect("keys loaded");
    assert_eq!(keys.len(), 1);
    assert_eq!(
        keys[0].key_id().map(|kid| kid.as_str()),
        Some(held.kids()[0])
    );

    // A token the provider's key signed verifies against what the relying party
    // fetched; one signed with any other key does not.
    let now = app.clock.now();
    let claims = || {
        CoreIdTokenClaims::new(
            IssuerUrl::new(app.origin.clone()).unwrap(),
            vec![Audience::new("grafana".to_owned())],
            chrono::DateTime::from_timestamp(now + 600, 0).unwrap(),
            chrono::DateTime::from_timestamp(now, 0).unwrap(),
            StandardClaims::new(SubjectIdentifier::new("someone".to_owned())),
            EmptyAdditionalClaims {},
        )
        .set_nonce(Some(Nonce::new("n".to_owned())))
    };
    let rs256 = CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256;
    let signer = held.signer(now).expect("a signer");
    let token = CoreIdToken::new(claims(), signer, rs256.clone(), None, None).unwrap();
    let verifier = CoreIdTokenVerifier::new_confidential_client(
        ClientId::new("grafana".to_owned()),
        openidconnect::ClientSecret::new("test".to_owned()),
        metadata.issuer().clone(),
        metadata.jwks().clone(),
    )
    .set_time_fn(move || chrono::DateTime::from_timestamp(now, 0).unwrap());
    let verified = token
        .claims(&verifier, &Nonce::new("n".to_owned()))
        .expect("verified");
    assert_eq!(verified.subject().as_str(), "someone");

    let other_ring = sms_auth::domain::oidc::keys::KeyRing::default();
    let (other_url, _other_dir) = crate::support::fresh_database().await;
    let other_store = sms_auth::store::connect(&other_url, 1).await.unwrap();
    other_ring
        .load(
            other_store.as_ref(),
            b"another-secret-of-at-least-32-bytes",
            now,
        )
        .await
        .unwrap();
    let stranger = other_ring.current().unwrap();
    let forged =
        CoreIdToken::new(claims(), stranger.signer(now).unwrap(), rs256, None, None).unwrap();
    assert!(forged
        .claims(&verifier, &Nonce::new("n".to_owned()))
        .is_err());
}

#[tokio::test]
async fn the_documents_are_cached_briefly_and_readable_by_the_registered_origins_only() {
    let app = TestApp::builder().oidc_clients(CLIENTS).start().await;
    for path in ["/.well-known/openid-configuration", "/oidc/jwks"] {
        let url = format!("{}{path}", app.base);
        let answer = http().get(&url).send().await.unwrap();
        assert_eq!(answer.status(), 200, "{path}");
        assert!(
            answer.headers()[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with("application/json"),
            "{path}"
        );
        let cache = answer.headers()[header::CACHE_CONTROL]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(cache.starts_with("public, max-age="), "{path}: {cache}");
        assert!(answer
            .headers()
            .get(header::ACCESS_CONTROL_ALLOW_ORIGIN)
            .is_none());

        let from = |origin: &str| http().get(&url).header(header::ORIGIN, origin).send();
        let allowed = from("http://lk.test").await.unwrap();
        assert_eq!(
            allowed.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN],
            "http://lk.test"
        );
        let allowed = from("http://grafana.test").await.unwrap();
        assert_eq!(
            allowed.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN],
            "http://grafana.test"
        );
        for stranger in [
            "http://evil.test",
            "http://lk.test.evil.test",
            "https://lk.test",
            "null",
        ] {
            let refused = from(stranger).await.unwrap();
            assert!(
                refused
                    .headers()
                    .get(header::ACCESS_CONTROL_ALLOW_ORIGIN)
                    .is_none(),
                "{path} to {stranger}"
            );
        }
        let preflight = http()
            .request(reqwest::Method::OPTIONS, &url)
            .header(header::ORIGIN, "http://lk.test")
            .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
            .header(header::ACCESS_CONTROL_REQUEST_HEADERS, "authorization")
            .send()
            .await
            .unwrap();
        assert!(
            preflight.status().is_success(),
            "{path}: {}",
            preflight.status()
        );
        assert_eq!(
            preflight.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN],
            "http://lk.test"
        );
    }
}

#[tokio::test]
async fn without_registered_apps_there_is_no_provider() {
    let app = TestApp::start().await;
    assert!(app.state.oidc_keys.current().is_none());
    for path in ["/.well-known/openid-configuration", "/oidc/jwks"] {
        let answer = http()
            .get(format!("{}{path}", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 404, "{path}");
    }
    assert_eq!(
        app.count("SELECT COUNT(*) FROM oidc_keys").await,
        0,
        "no key made"
    );
}

#[tokio::test]
async fn every_instance_signs_with_the_key_the_first_one_made() {
    let first = TestApp::builder().oidc_clients(CLIENTS).start().await;
    let kids = first.state.oidc_keys.current().unwrap().kids().join(",");
    // A second instance of the same store and secret.
    let ring = sms_auth::domain::oidc::keys::KeyRing::default();
    ring.load(
        first.store.as_ref(),
        crate::support::SECRET.as_bytes(),
        first.clock.now(),
    )
    .await
    .unwrap();
    assert_eq!(ring.current().unwrap().kids().join(","), kids);
    assert_eq!(first.count("SELECT COUNT(*) FROM oidc_keys").await, 1);
    let sealed: Vec<u8> = sqlx::query_scalar("SELECT sealed FROM oidc_keys")
        .fetch_one(&first.db)
        .await
        .unwrap();
    assert!(
        !sealed.windows(5).any(|w| w == b"-----") && sealed.len() > 1000,
        "kept sealed, not as PEM"
    );
}

#[tokio::test]
async fn oidc_secret_draws_a_secret_whose_hash_the_clients_file_takes() {
    let app = TestApp::start().await;
    let (ok, said) = app.command(&["oidc-secret"]);
    assert!(ok, "{said}");
    let secret = said
        .lines()
        .next()
        .and_then(|l| l.rsplit(' ').next())
        .unwrap();
    let hash = said
        .lines()
        .find_map(|l| l.strip_prefix("secret_sha256 = \""))
        .and_then(|l| l.strip_suffix('"'))
        .unwrap_or_else(|| panic!("{said}"));
    assert_eq!(secret.len(), 64, "{said}");
    let entry = format!(
        "[[clients]]\nid = \"a\"\nname = \"A\"\nsecret_sha256 = \"{hash}\"\nredirect_uris = [\"https://a.test/cb\"]"
    );
    let clients = sms_auth::oidc::clients::Clients::parse(&entry, false).unwrap();
    let sms_auth::oidc::clients::ClientAuth::Secret(kept) = &clients.get("a").unwrap().auth else {
        panic!("a confidential client");
    };
    assert!(kept.matches(secret) && !kept.matches(&secret.to_uppercase()));
    let (_, again) = app.command(&["oidc-secret"]);
    assert_ne!(again, said, "a new secret each time");

    let (ok, said) = app.command(&["oidc-key"]);
    assert!(!ok && said.contains("usage:"), "{said}");
}

#[tokio::test]
async fn a_rotated_key_is_published_before_it_signs_and_the_old_one_stays_published() {
    let app = TestApp::builder().oidc_clients(CLIENTS).start().await;
    // The command reads the system's clock: the app's is set to it.
    app.clock.advance(SystemClock.now() - app.clock.now());
    let old = app.state.oidc_keys.current().unwrap().kids()[0].to_owned();
    let (ok, said) = app.command(&["oidc-key", "rotate"]);
    assert!(ok && said.contains("new signing key "), "{said}");
    let new = said
        .split_whitespace()
        .nth(3)
        .unwrap()
        .trim_end_matches(':')
        .to_owned();

    // The instance reads the keys again (every minute).
    let reload = |at: i64| {
        let state = app.state.clone();
        async move {
            state
                .oidc_keys
                .load(state.store.as_ref(), crate::support::SECRET.as_bytes(), at)
                .await
                .unwrap()
        }
    };
    let now = app.clock.now();
    reload(now).await;
    let metadata = discover(&app).await;
    let published: Vec<_> = metadata
        .jwks()
        .keys()
        .iter()
        .filter_map(|key| key.key_id().map(|kid| kid.as_str().to_owned()))
        .collect();
    assert_eq!(published, [new.clone(), old.clone()]);
    let keys = app.state.oidc_keys.current().unwrap();
    assert_eq!(
        keys.signer(now).unwrap().kid(),
        old,
        "not before it is published"
    );
    // The command ran a moment after `now`, by the system's clock.
    assert_eq!(keys.signer(now + 120 + 10).unwrap().kid(), new);
}
