//! The OpenID provider's endpoints (docs/oidc.md), mounted when apps are
//! registered (`OIDC_CLIENTS`): discovery, the JWKS, the authorization, the token
//! endpoint, userinfo and the logout sit outside the edge's cross-site refusal, as
//! apps on other origins call them; browsers' apps may read the documents, the token
//! endpoint and userinfo from their registered origins only (CORS). The consent's
//! answer is a form of sms-auth's own page, and stays inside it.

use axum::{
    body::Bytes,
    extract::{FromRequest, RawForm, Request, State},
    response::{Html, IntoResponse, Redirect, Response},
    routing::{get, post},
    Json, Router,
};
use http::{header, request::Parts, HeaderMap, HeaderValue, Method, StatusCode};
use serde_json::json;
use tower_http::{
    cors::{AllowOrigin, CorsLayer},
    limit::RequestBodyLimitLayer,
};

use crate::{
    domain::{
        client::SESSION_COOKIE,
        oidc::{
            authorize::{self, Answer, Next, CONSENT_PATH},
            logout,
            tokens::{self, Credentials},
        },
    },
    i18n::Lang,
    oidc::{
        client_auth,
        clients::Clients,
        discovery,
        error::{ErrorCode, OAuthError},
        AUTHORIZE_PATH, DISCOVERY_PATH, END_SESSION_PATH, JWKS_PATH, TOKEN_PATH, USERINFO_PATH,
    },
    server::{
        http::{client, cookies, edge, language},
        state::AppState,
    },
};

/// The discovery document changes only with a new start; caches may keep it.
const DISCOVERY_CACHE: HeaderValue = HeaderValue::from_static("public, max-age=300");
/// A new key is published `KEY_PUBLISHED_AHEAD_SECS` (120 s) before it signs:
/// a cached JWKS is never older than that.
const JWKS_CACHE: HeaderValue = HeaderValue::from_static("public, max-age=60");

/// The provider's routes; none without registered apps.
pub fn router(state: &AppState) -> Router<AppState> {
    let Some(clients) = &state.settings.oidc_clients else {
        return Router::new();
    };
    let document = match discovery::document(state.settings.public_origin.as_str())
        .map_err(|e| e.to_string())
        .and_then(|document| serde_json::to_vec(&document).map_err(|e| e.to_string()))
    {
        Ok(json) => Bytes::from(json),
        Err(error) => {
            tracing::error!(%error, "OpenID provider: no discovery document; the provider is off");
            return Router::new();
        }
    };
    let read_by_apps = Router::new()
        .route(
            DISCOVERY_PATH,
            get(move || discovery_answer(document.clone())),
        )
        .route(JWKS_PATH, get(jwks))
        .merge(
            Router::new()
                .route(TOKEN_PATH, post(token))
                .route(USERINFO_PATH, get(userinfo).post(userinfo))
                .layer(edge::private()),
        )
        .layer(cors(clients));
    Router::new()
        .route(AUTHORIZE_PATH, get(authorize).post(authorize))
        .route(END_SESSION_PATH, get(logout).post(logout))
        .layer(edge::private())
        .merge(read_by_apps)
        .layer(RequestBodyLimitLayer::new(edge::BODY_LIMIT_BYTES))
}

/// The consent's answer, posted from sms-auth's own page: inside the edge's
/// cross-site refusal.
pub fn consent_router(state: &AppState) -> Router<AppState> {
    if state.settings.oidc_clients.is_none() {
        return Router::new();
    }
    Router::new()
        .route(CONSENT_PATH, post(consent))
        .layer(edge::private())
}

/// Cross-origin reads for the registered apps' origins alone.
pub fn cors(clients: &Clients) -> CorsLayer {
    let clients = clients.clone();
    CorsLayer::new()
        .allow_origin(AllowOrigin::predicate(move |origin, _| {
            origin
                .to_str()
                .is_ok_and(|origin| clients.is_registered_origin(origin))
        }))
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE])
        .max_age(std::time::Duration::from_secs(600))
}

async fn discovery_answer(document: Bytes) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
            (header::CACHE_CONTROL, DISCOVERY_CACHE),
        ],
        document,
    )
        .into_response()
}

async fn jwks(State(state): State<AppState>) -> Response {
    match state.oidc_keys.current() {
        Some(keys) => ([(header::CACHE_CONTROL, JWKS_CACHE)], Json(keys.jwks())).into_response(),
        // `start_oidc` loads them before the server listens.
        None => StatusCode::SERVICE_UNAVAILABLE.into_response(),
    }
}

fn pairs_of(text: &[u8]) -> Vec<(String, String)> {
    url::form_urlencoded::parse(text).into_owned().collect()
}

/// A request's parameters: its query, or its form when posted (OpenID Connect
/// lets an app ask for the authorization and the logout either way).
struct Params(Vec<(String, String)>);

impl<S: Send + Sync> FromRequest<S> for Params {
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        if request.method() == Method::POST {
            let RawForm(form) = RawForm::from_request(request, state)
                .await
                .map_err(IntoResponse::into_response)?;
            return Ok(Self(pairs_of(&form)));
        }
        Ok(Self(pairs_of(
            request.uri().query().unwrap_or_default().as_bytes(),
        )))
    }
}

async fn authorize(State(state): State<AppState>, parts: Parts, Params(pairs): Params) -> Response {
    let session = cookies::cookie_value(&parts, SESSION_COOKIE);
    let from = client::footprint_of(&state, &parts);
    let now = state.clock.now();
    let next = authorize::authorize(&state, session.as_deref(), &from, &pairs, now).await;
    let asks_person = matches!(next, Ok(Next::SignIn(_) | Next::Consent(_)));
    let mut response = follow(&state, &parts, next);
    // The app's `ui_locales` chooses the language of the pages the person meets.
    let lang = pairs
        .iter()
        .find(|(name, _)| name == "ui_locales")
        .and_then(|(_, locales)| crate::oidc::authorize::ui_locale(locales))
        .and_then(Lang::from_code);
    if let (true, Some(lang)) = (asks_person, lang) {
        language::remember(&mut response, &state.settings.public_origin, lang);
    }
    response
}

async fn logout(State(state): State<AppState>, parts: Parts, Params(pairs): Params) -> Response {
    let session = cookies::cookie_value(&parts, SESSION_COOKIE);
    let done = logout::logout(&state, session.as_deref(), &pairs, state.clock.now()).await;
    let Ok(done) = done else {
        // Logged where it happened.
        return unavailable();
    };
    let mut response = match done.next {
        logout::Next::Done(Some(url)) => Redirect::to(url.as_str()).into_response(),
        logout::Next::Done(None) => Redirect::to("/").into_response(),
        logout::Next::Confirm => Redirect::to("/signout").into_response(),
        logout::Next::Refused(why) => refused_page(&parts, why),
    };
    let cleared = done.cookie.and_then(|cookie| {
        cookies::app_cookie(
            &state.settings,
            cookie.name,
            &cookie.value,
            cookie.max_age_secs,
        )
    });
    if let Some(cleared) = cleared {
        response.headers_mut().append(header::SET_COOKIE, cleared);
    }
    response
}

async fn consent(State(state): State<AppState>, parts: Parts, RawForm(form): RawForm) -> Response {
    let mut pairs = pairs_of(&form);
    let answer = match pairs.iter().position(|(name, _)| name == "answer") {
        Some(at) => match pairs.remove(at).1.as_str() {
            "allow" => Some(Answer::Allow),
            "deny" => Some(Answer::Deny),
            _ => None,
        },
        None => None,
    };
    let Some(answer) = answer else {
        return refused_page(&parts, "answer: allow or deny");
    };
    let session = cookies::cookie_value(&parts, SESSION_COOKIE);
    let from = client::footprint_of(&state, &parts);
    let next = authorize::consent(
        &state,
        session.as_deref(),
        &from,
        &pairs,
        answer,
        state.clock.now(),
    )
    .await;
    follow(&state, &parts, next)
}

/// Sends the browser where the authorization goes next.
fn follow(state: &AppState, parts: &Parts, next: Result<Next, crate::error::AppError>) -> Response {
    match next {
        Ok(Next::ToApp(url)) => Redirect::to(url.as_str()).into_response(),
        Ok(Next::Consent(path)) => Redirect::to(&path).into_response(),
        Ok(Next::SignIn(path)) => {
            let back = format!("{}{path}", state.settings.public_origin.as_str());
            let query = url::form_urlencoded::Serializer::new(String::new())
                .append_pair("rd", &back)
                .finish();
            Redirect::to(&format!("/signup?{query}")).into_response()
        }
        Ok(Next::Refused(why)) => refused_page(parts, why),
        // Logged where it happened.
        Err(_) => unavailable(),
    }
}

fn unavailable() -> Response {
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        "The sign-in service cannot answer now.\n",
    )
        .into_response()
}

/// sms-auth's own page for a request that cannot go back to its app: an unknown
/// app, or a redirect URI it did not register (never followed).
fn refused_page(parts: &Parts, why: &str) -> Response {
    let lang = language::of_request(parts);
    let t = lang.texts();
    let page = format!(
        "<!DOCTYPE html>\n<html lang=\"{code}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title></head><body><main><h1>{title}</h1>\
         <p role=\"alert\">{lead}</p><p><code>{why}</code></p></main></body></html>\n",
        code = lang.code(),
        title = t.oidc_refused_title,
        lead = t.oidc_refused_lead,
        why = html_escape(why),
    );
    (StatusCode::BAD_REQUEST, Html(page)).into_response()
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

async fn token(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawForm(form): RawForm,
) -> Response {
    let form = pairs_of(&form);
    let authorization = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let presented = match client_auth::presented(authorization, &form) {
        Ok(presented) => presented,
        Err(error) => return refused_json(error, authorization.is_some()),
    };
    let credentials = Credentials {
        client_id: presented.client_id,
        secret: presented.secret,
    };
    match tokens::token(&state, &credentials, &form, state.clock.now()).await {
        Ok(Ok(tokens)) => (
            [(header::PRAGMA, HeaderValue::from_static("no-cache"))],
            Json(tokens),
        )
            .into_response(),
        Ok(Err(error)) => refused_json(error, presented.basic),
        Err(_) => refused_json(
            OAuthError::new(
                ErrorCode::ServerError,
                "the sign-in service cannot answer now",
            ),
            false,
        ),
    }
}

/// A token endpoint's refusal (RFC 6749 §5.2): 401 for the app's credentials
/// (with `WWW-Authenticate: Basic` when it used the header), 500 for ours, 400
/// for the rest.
fn refused_json(error: OAuthError, basic: bool) -> Response {
    let status = match error.code {
        ErrorCode::InvalidClient => StatusCode::UNAUTHORIZED,
        ErrorCode::ServerError => StatusCode::INTERNAL_SERVER_ERROR,
        _ => StatusCode::BAD_REQUEST,
    };
    let body =
        Json(json!({ "error": error.code.as_str(), "error_description": error.description }));
    let mut response = (status, body).into_response();
    if basic && error.code == ErrorCode::InvalidClient {
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Basic realm=\"sms-auth\""),
        );
    }
    response
}

async fn userinfo(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim());
    let Some(bearer) = bearer else {
        return unauthorized("Bearer realm=\"sms-auth\"");
    };
    match tokens::userinfo(&state, bearer, state.clock.now()).await {
        Ok(Ok(claims)) => Json(claims).into_response(),
        Ok(Err(_)) => unauthorized("Bearer realm=\"sms-auth\", error=\"invalid_token\""),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

fn unauthorized(challenge: &'static str) -> Response {
    (
        StatusCode::UNAUTHORIZED,
        [(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static(challenge),
        )],
    )
        .into_response()
}
