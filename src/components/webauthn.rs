//! The browser's side of a passkey ceremony: the server's options (WebAuthn JSON)
//! become a `navigator.credentials` call, and the authenticator's answer goes back
//! as WebAuthn JSON. Only the hydrated app has it; the
//! server renders no passkey button, so a page without JavaScript shows none.

/// Whether the site offers passkeys (its origin is a host name, not an IP address),
/// as the server provides it to every render.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SitePasskeys(pub bool);

/// Whether the site offers passkeys: the server says so on `<html data-passkeys>`
/// (from [`SitePasskeys`]) and, in the browser, the browser has WebAuthn.
pub fn offered() -> bool {
    #[cfg(feature = "ssr")]
    {
        leptos::prelude::use_context::<SitePasskeys>().is_some_and(|SitePasskeys(on)| on)
    }
    #[cfg(not(feature = "ssr"))]
    {
        browser::offered()
    }
}

/// How a sign-in's request is shown: the browser's dialog, or among the phone
/// field's autofill suggestions (conditional mediation).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mediation {
    Modal,
    Autofill,
}

#[cfg(feature = "hydrate")]
pub use browser::*;

#[cfg(feature = "hydrate")]
mod browser {
    //! WebAuthn's JSON and the browser's objects differ in one way: binary fields
    //! (challenges, ids, signatures…) are base64url text in the JSON and buffers in
    //! the browser. The fields are the spec's few; the browser's own `atob`/`btoa`
    //! do the base64. (webauthn-rs-proto's `wasm` conversions do the same through
    //! serde and added 63 KB brotli to the first visit, over the 20 KB allowed.)

    use js_sys::{Array, Function, Object, Reflect, Uint8Array, JSON};
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;
    use web_sys::{AbortSignal, DomException};

    use super::Mediation;
    use crate::error::AppError;

    pub(super) fn offered() -> bool {
        let marked = leptos::prelude::document()
            .document_element()
            .and_then(|html| html.get_attribute("data-passkeys"))
            .is_some_and(|value| value == "on");
        marked && public_key_credential().is_some()
    }

    fn public_key_credential() -> Option<JsValue> {
        let class = Reflect::get(&leptos::prelude::window(), &"PublicKeyCredential".into()).ok()?;
        (!class.is_undefined()).then_some(class)
    }

    /// Whether the browser can offer passkeys among a field's autofill suggestions.
    pub async fn autofill_available() -> bool {
        let Some(class) = public_key_credential() else {
            return false;
        };
        let Some(check) = Reflect::get(&class, &"isConditionalMediationAvailable".into())
            .ok()
            .and_then(|f| f.dyn_into::<Function>().ok())
        else {
            return false;
        };
        let Some(promise) = check
            .call0(&class)
            .ok()
            .and_then(|p| p.dyn_into::<js_sys::Promise>().ok())
        else {
            return false;
        };
        JsFuture::from(promise)
            .await
            .ok()
            .and_then(|available| available.as_bool())
            .unwrap_or(false)
    }

    /// `navigator.credentials.create()` with the server's options: the answer, as JSON.
    pub async fn create(options: &str) -> Result<String, AppError> {
        let options = JSON::parse(options).map_err(|_| AppError::PasskeyRefused)?;
        let public_key = field(&options, "publicKey")?;
        decode(&public_key, "challenge")?;
        decode(&field(&public_key, "user")?, "id")?;
        decode_each(&public_key, "excludeCredentials")?;
        let promise = leptos::prelude::window()
            .navigator()
            .credentials()
            .create_with_options(options.unchecked_ref())
            .map_err(refusal)?;
        answer(promise).await
    }

    /// `navigator.credentials.get()` with the server's options, shown as `mediation`
    /// says, until `abort` fires: the answer, as JSON.
    pub async fn get(
        options: &str,
        mediation: Mediation,
        abort: Option<&AbortSignal>,
    ) -> Result<String, AppError> {
        let options = JSON::parse(options).map_err(|_| AppError::PasskeyRefused)?;
        let public_key = field(&options, "publicKey")?;
        decode(&public_key, "challenge")?;
        decode_each(&public_key, "allowCredentials")?;
        let ok = match mediation {
            // The server asks for conditional mediation; the button wants the dialog.
            Mediation::Modal => {
                Reflect::delete_property(options.unchecked_ref::<Object>(), &"mediation".into())
            }
            Mediation::Autofill => {
                Reflect::set(&options, &"mediation".into(), &"conditional".into())
            }
        };
        ok.map_err(|_| AppError::PasskeyRefused)?;
        if let Some(abort) = abort {
            Reflect::set(&options, &"signal".into(), abort)
                .map_err(|_| AppError::PasskeyRefused)?;
        }
        let promise = leptos::prelude::window()
            .navigator()
            .credentials()
            .get_with_options(options.unchecked_ref())
            .map_err(refusal)?;
        answer(promise).await
    }

    /// The authenticator's answer as WebAuthn JSON: its buffers in base64url.
    async fn answer(promise: js_sys::Promise) -> Result<String, AppError> {
        let credential = JsFuture::from(promise).await.map_err(refusal)?;
        if credential.is_null() || credential.is_undefined() {
            return Err(AppError::PasskeyCancelled);
        }
        let bad = |_| AppError::PasskeyRefused;
        let json = Object::new();
        let response = field(&credential, "response")?;
        let answer = Object::new();
        for name in [
            "clientDataJSON",
            "attestationObject",
            "authenticatorData",
            "signature",
            "userHandle",
        ] {
            if let Some(text) = encode(&Reflect::get(&response, &name.into()).map_err(bad)?) {
                Reflect::set(&answer, &name.into(), &text.into()).map_err(bad)?;
            }
        }
        let raw_id = encode(&field(&credential, "rawId")?).ok_or(AppError::PasskeyRefused)?;
        let results = Reflect::get(&credential, &"getClientExtensionResults".into())
            .ok()
            .and_then(|f| f.dyn_into::<Function>().ok())
            .and_then(|f| f.call0(&credential).ok())
            .unwrap_or_else(|| Object::new().into());
        for (name, value) in [
            ("id", field(&credential, "id")?),
            ("rawId", raw_id.into()),
            ("type", field(&credential, "type")?),
            ("response", answer.into()),
            ("clientExtensionResults", results),
        ] {
            Reflect::set(&json, &name.into(), &value).map_err(bad)?;
        }
        JSON::stringify(&json)
            .ok()
            .and_then(|text| text.as_string())
            .ok_or(AppError::PasskeyRefused)
    }

    fn field(object: &JsValue, name: &str) -> Result<JsValue, AppError> {
        Reflect::get(object, &name.into())
            .ok()
            .filter(|value| !value.is_undefined() && !value.is_null())
            .ok_or(AppError::PasskeyRefused)
    }

    /// Turns `object[name]`, base64url text, into bytes.
    fn decode(object: &JsValue, name: &str) -> Result<(), AppError> {
        let text = field(object, name)?
            .as_string()
            .ok_or(AppError::PasskeyRefused)?;
        let mut base64: String = text
            .chars()
            .map(|c| match c {
                '-' => '+',
                '_' => '/',
                c => c,
            })
            .collect();
        while !base64.len().is_multiple_of(4) {
            base64.push('=');
        }
        let binary = leptos::prelude::window()
            .atob(&base64)
            .map_err(|_| AppError::PasskeyRefused)?;
        // `atob` gives one character per byte.
        let bytes: Vec<u8> = binary
            .chars()
            .map(|c| u8::try_from(c).unwrap_or(0))
            .collect();
        Reflect::set(object, &name.into(), &Uint8Array::from(bytes.as_slice()))
            .map(|_| ())
            .map_err(|_| AppError::PasskeyRefused)
    }

    /// The same for the `id` of each descriptor in the list `object[name]`, if any.
    fn decode_each(object: &JsValue, name: &str) -> Result<(), AppError> {
        let Ok(list) = field(object, name) else {
            return Ok(());
        };
        for descriptor in Array::from(&list).iter() {
            decode(&descriptor, "id")?;
        }
        Ok(())
    }

    /// A buffer as base64url text, unpadded; `None` for no buffer.
    fn encode(buffer: &JsValue) -> Option<String> {
        if buffer.is_null() || buffer.is_undefined() {
            return None;
        }
        let bytes = Uint8Array::new(buffer).to_vec();
        let binary: String = bytes.into_iter().map(char::from).collect();
        let base64 = leptos::prelude::window().btoa(&binary).ok()?;
        Some(
            base64
                .trim_end_matches('=')
                .chars()
                .map(|c| match c {
                    '+' => '-',
                    '/' => '_',
                    c => c,
                })
                .collect(),
        )
    }

    /// What the browser's refusal means for the person: they closed the dialog (or
    /// it timed out), the authenticator holds this passkey already, or it failed.
    fn refusal(error: JsValue) -> AppError {
        let name = error
            .dyn_ref::<DomException>()
            .map(DomException::name)
            .unwrap_or_default();
        match name.as_str() {
            "NotAllowedError" | "AbortError" => AppError::PasskeyCancelled,
            "InvalidStateError" => AppError::PasskeyAlreadyAdded,
            "SecurityError" | "NotSupportedError" => AppError::PasskeysOff,
            _ => AppError::PasskeyRefused,
        }
    }
}
