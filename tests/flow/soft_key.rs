//! A software authenticator (1Password's `passkey` crates) in the role of a browser's
//! platform authenticator: it makes and uses real credentials, with a real signature
//! over what the server sent, for the passkey tests without a browser.

use passkey::{
    authenticator::{Authenticator, UiHint, UserCheck, UserValidationMethod},
    client::{Client, DefaultClientData},
    crypto::rust_crypto::RustCryptoBackend,
    types::{ctap2::Aaguid, ctap2::Ctap2Error, webauthn, Passkey},
};
use url::Url;

/// How the person answers the authenticator: present, and verified (fingerprint,
/// PIN) unless told otherwise.
struct Person {
    verifies: bool,
}

#[async_trait::async_trait]
impl UserValidationMethod for Person {
    type PasskeyItem = Passkey;

    async fn check_user<'a>(
        &self,
        _hint: UiHint<'a, Passkey>,
        presence: bool,
        verification: bool,
    ) -> Result<UserCheck, Ctap2Error> {
        Ok(UserCheck {
            presence,
            verification: verification && self.verifies,
        })
    }

    fn is_presence_enabled(&self) -> bool {
        true
    }

    fn is_verification_enabled(&self) -> Option<bool> {
        Some(self.verifies)
    }
}

type SoftClient =
    Client<Option<Passkey>, Person, RustCryptoBackend, public_suffix::PublicSuffixList, ()>;

/// One authenticator holding at most one passkey, used from the site `origin`.
pub struct SoftKey {
    client: SoftClient,
    origin: Url,
    verifies: bool,
}

impl SoftKey {
    /// A platform authenticator with user verification (a fingerprint or a PIN).
    pub fn new(origin: &str) -> Self {
        Self::with_verification(origin, true)
    }

    /// One that verifies nobody: it answers a sign-in with only the user-present
    /// bit set, as a client would that lowered the server's `userVerification:
    /// required` to `discouraged` (the answer is signed all the same).
    pub fn without_verification(origin: &str) -> Self {
        Self::with_verification(origin, false)
    }

    /// One that keeps a signature counter, as security keys do.
    pub fn with_counter(origin: &str) -> Self {
        let mut key = Self::new(origin);
        key.client
            .authenticator_mut()
            .set_make_credentials_with_signature_counter(true);
        key
    }

    fn with_verification(origin: &str, verifies: bool) -> Self {
        let authenticator = Authenticator::new(
            Aaguid::new_empty(),
            None,
            Person { verifies },
            RustCryptoBackend,
        );
        Self {
            client: Client::new(authenticator).allows_insecure_localhost(true),
            origin: Url::parse(origin).expect("origin"),
            verifies,
        }
    }

    /// `navigator.credentials.create()` with the server's options (JSON): the
    /// answer, as the browser sends it (JSON).
    pub async fn create(&mut self, options: &str) -> String {
        let request: webauthn::CredentialCreationOptions =
            serde_json::from_str(options).expect("creation options");
        let created = self
            .client
            .register(&self.origin, request, DefaultClientData)
            .await
            .expect("the authenticator makes a passkey");
        serde_json::to_string(&created).expect("answer")
    }

    /// `navigator.credentials.get()` with the server's options (JSON): the answer
    /// (JSON).
    pub async fn get(&mut self, options: &str) -> String {
        let mut options: serde_json::Value = serde_json::from_str(options).expect("JSON");
        if !self.verifies {
            options["publicKey"]["userVerification"] = "discouraged".into();
        }
        let request: webauthn::CredentialRequestOptions =
            serde_json::from_value(options).expect("request options");
        let answer = self
            .client
            .authenticate(&self.origin, request, DefaultClientData)
            .await
            .expect("the authenticator signs");
        serde_json::to_string(&answer).expect("answer")
    }

    /// The passkey it holds.
    pub fn passkey(&self) -> Option<Passkey> {
        self.client.authenticator().store().clone()
    }

    /// Gives it the passkey `passkey` (the same credential on another device).
    pub fn hold(&mut self, passkey: Passkey) {
        *self.client.authenticator_mut().store_mut() = Some(passkey);
    }
}
