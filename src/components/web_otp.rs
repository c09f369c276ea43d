//! WebOTP: where the browser supports it (Chrome on Android), it reads the code from
//! the SMS whose last line is `@<host> #<code>`, asks the person, fills the field in
//! and submits its form. Elsewhere `autocomplete="one-time-code"` does the offering.

use leptos::{html::Input, prelude::NodeRef};

/// Starts listening for the code while the current reactive owner lives.
#[cfg(feature = "hydrate")]
pub fn fill_from_sms(input: NodeRef<Input>) {
    use leptos::prelude::{on_cleanup, window, GetUntracked};
    use send_wrapper::SendWrapper;
    use wasm_bindgen::{JsCast, JsValue};

    let window = window();
    let supported =
        js_sys::Reflect::has(&window, &JsValue::from_str("OTPCredential")).unwrap_or(false);
    if !supported {
        return;
    }
    let Ok(abort) = web_sys::AbortController::new() else {
        return;
    };
    let transport = js_sys::Array::of1(&JsValue::from_str("sms"));
    let otp = js_sys::Object::new();
    let options = js_sys::Object::new();
    let set = |target: &js_sys::Object, key: &str, value: &JsValue| {
        js_sys::Reflect::set(target, &JsValue::from_str(key), value).unwrap_or(false)
    };
    if !(set(&otp, "transport", &transport)
        && set(&options, "otp", &otp)
        && set(&options, "signal", &abort.signal()))
    {
        return;
    }
    let Ok(promise) = window
        .navigator()
        .credentials()
        .get_with_options(options.unchecked_ref())
    else {
        return;
    };
    let abort = SendWrapper::new(abort);
    on_cleanup(move || abort.abort());
    leptos::task::spawn_local(async move {
        // Refused, aborted or unsupported: the person types the code.
        let Ok(credential) = wasm_bindgen_futures::JsFuture::from(promise).await else {
            return;
        };
        let code = js_sys::Reflect::get(&credential, &JsValue::from_str("code"))
            .ok()
            .and_then(|code| code.as_string());
        if let (Some(code), Some(input)) = (code, input.get_untracked()) {
            input.set_value(&code);
            if let Some(form) = input.form() {
                let _ = form.request_submit();
            }
        }
    });
}

/// On the server there is no SMS to wait for.
#[cfg(not(feature = "hydrate"))]
pub fn fill_from_sms(_input: NodeRef<Input>) {}
