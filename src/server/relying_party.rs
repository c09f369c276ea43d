//! The site's WebAuthn relying party: passkeys belong to the host of `PUBLIC_ORIGIN`.

use webauthn_rs::prelude::{Url, Webauthn, WebauthnBuilder};

use crate::server::config::PublicOrigin;

/// The relying party of `origin`, or `None` when its host is an IP address, which
/// WebAuthn refuses as a relying party id (the start logs it once).
pub fn relying_party(origin: &PublicOrigin) -> Option<Webauthn> {
    if origin.is_ip() {
        tracing::warn!(
            origin = origin.as_str(),
            "PUBLIC_ORIGIN is an IP address, which WebAuthn refuses as relying party id: \
             passkeys are off (use a host name, such as http://localhost:3000)"
        );
        return None;
    }
    let url = Url::parse(origin.as_str()).ok()?;
    let built = WebauthnBuilder::new(origin.host(), &url)
        .and_then(|builder| builder.rp_name(origin.host()).build());
    match built {
        Ok(webauthn) => Some(webauthn),
        Err(error) => {
            tracing::warn!(origin = origin.as_str(), %error, "passkeys are off");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ip_origin_has_no_relying_party() {
        for ip in [
            "http://127.0.0.1:3000",
            "http://[::1]:3000",
            "https://10.0.0.1",
        ] {
            let origin = PublicOrigin::parse(ip).expect("origin");
            assert!(relying_party(&origin).is_none(), "{ip}");
        }
        for host in ["http://localhost:3000", "https://auth.example.ru"] {
            let origin = PublicOrigin::parse(host).expect("origin");
            assert!(relying_party(&origin).is_some(), "{host}");
        }
    }
}
