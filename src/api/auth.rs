//! Requesting, resending and checking codes.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::{
    domain::{client::Client, signin},
    otp::code,
    phone::Phone,
    server::http::request::{redirect_if, RequestContext},
};

/// What the verify screen shows about the code pending in this browser.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingCodeView {
    /// `+7999***4567`
    pub masked_phone: String,
    /// Seconds until "send again" is allowed.
    pub resend_in_secs: u32,
}

/// `POST /api/request_code` with `phone` (and `altcha`, the answer to a proof of
/// work a new number may be asked for): sends a code and goes to `/verify`.
#[server(prefix = "/api", endpoint = "request_code")]
pub async fn request_code(
    #[server(default)] phone: String,
    #[server(default)] altcha: String,
) -> Result<(), AppError> {
    RequestContext::run(|request| async move {
        let phone = Phone::parse(&phone, &request.state.settings.policy.allowed_countries)?;
        signin::send_code(&request.state, &Client::of(&request), &phone, Some(&altcha))
            .await?
            .hand(&request);
        leptos_axum::redirect("/verify");
        Ok(())
    })
    .await
}

/// `POST /api/resend_code` (with `altcha`, as `request_code`): a new code to the
/// number pending in this browser.
#[server(prefix = "/api", endpoint = "resend_code")]
pub async fn resend_code(#[server(default)] altcha: String) -> Result<(), AppError> {
    RequestContext::run(|request| async move {
        let client = Client::of(&request);
        let (_, pending) = signin::pending(&request.state, &client).await?;
        signin::send_code(&request.state, &client, &pending.phone, Some(&altcha))
            .await?
            .hand(&request);
        leptos_axum::redirect("/verify");
        Ok(())
    })
    .await
}

/// `POST /api/verify_code` with `code`: signs in and goes back to the page a
/// protected site sent the browser from (`/signup?rd=…`), else to `/account`.
#[server(prefix = "/api", endpoint = "verify_code")]
pub async fn verify_code(#[server(default)] code: String) -> Result<(), AppError> {
    RequestContext::run(|request| async move {
        let code = code::parse(&code)?;
        signin::check_code(&request.state, &Client::of(&request), &code)
            .await?
            .hand(&request);
        leptos_axum::redirect(&request.after_sign_in());
        Ok(())
    })
    .await
}

/// `POST /api/pending_code`: the masked number and resend countdown; with no code
/// pending in this browser, sends the browser to `/signup`.
#[server(prefix = "/api", endpoint = "pending_code")]
pub async fn pending_code() -> Result<PendingCodeView, AppError> {
    RequestContext::run(|request| async move {
        let client = Client::of(&request);
        let (_, pending) = signin::pending(&request.state, &client)
            .await
            .inspect_err(|e| redirect_if(e, AppError::NoPendingVerification, "/signup"))?;
        Ok(PendingCodeView {
            masked_phone: pending.phone.masked(),
            resend_in_secs: signin::resend_wait(&request.state, &pending, client.now).await?,
        })
    })
    .await
}
