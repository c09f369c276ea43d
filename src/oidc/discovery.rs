//! The discovery document (`/.well-known/openid-configuration`): what the
//! provider supports, in `openidconnect`'s types, built once at start from
//! `PUBLIC_ORIGIN`, which is the issuer.

use openidconnect::{
    core::{
        CoreAuthDisplay, CoreClaimName, CoreClaimType, CoreClientAuthMethod, CoreGrantType,
        CoreJsonWebKey, CoreJweContentEncryptionAlgorithm, CoreJweKeyManagementAlgorithm,
        CoreJwsSigningAlgorithm, CoreResponseMode, CoreResponseType, CoreSubjectIdentifierType,
    },
    AdditionalProviderMetadata, AuthUrl, IssuerUrl, JsonWebKeySetUrl, LanguageTag,
    ProviderMetadata, ResponseTypes, Scope, TokenUrl, UserInfoUrl,
};
use serde::{Deserialize, Serialize};

use super::{AUTHORIZE_PATH, END_SESSION_PATH, JWKS_PATH, TOKEN_PATH, USERINFO_PATH};

/// The scopes a client may ask for.
pub const SCOPES: [&str; 3] = ["openid", "phone", "offline_access"];

/// The claims the provider may give.
pub const CLAIMS: [&str; 10] = [
    "iss",
    "sub",
    "aud",
    "exp",
    "iat",
    "auth_time",
    "nonce",
    "amr",
    "phone_number",
    "phone_number_verified",
];

/// What the document says beyond `openidconnect`'s core fields.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Extra {
    /// RP-initiated logout.
    pub end_session_endpoint: String,
    /// PKCE: S256 only (`plain` is refused).
    pub code_challenge_methods_supported: Vec<String>,
    /// RFC 9207: the authorization response carries `iss`.
    pub authorization_response_iss_parameter_supported: bool,
}

impl AdditionalProviderMetadata for Extra {}

pub type Metadata = ProviderMetadata<
    Extra,
    CoreAuthDisplay,
    CoreClientAuthMethod,
    CoreClaimName,
    CoreClaimType,
    CoreGrantType,
    CoreJweContentEncryptionAlgorithm,
    CoreJweKeyManagementAlgorithm,
    CoreJsonWebKey,
    CoreResponseMode,
    CoreResponseType,
    CoreSubjectIdentifierType,
>;

/// The document of the provider at `issuer` (`PUBLIC_ORIGIN`, e.g.
/// `https://auth.example.ru`).
pub fn document(issuer: &str) -> Result<Metadata, url::ParseError> {
    let at = |path: &str| format!("{issuer}{path}");
    Ok(Metadata::new(
        IssuerUrl::new(issuer.to_owned())?,
        AuthUrl::new(at(AUTHORIZE_PATH))?,
        JsonWebKeySetUrl::new(at(JWKS_PATH))?,
        vec![ResponseTypes::new(vec![CoreResponseType::Code])],
        vec![CoreSubjectIdentifierType::Public],
        vec![CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256],
        Extra {
            end_session_endpoint: at(END_SESSION_PATH),
            code_challenge_methods_supported: vec!["S256".to_owned()],
            authorization_response_iss_parameter_supported: true,
        },
    )
    .set_token_endpoint(Some(TokenUrl::new(at(TOKEN_PATH))?))
    .set_userinfo_endpoint(Some(UserInfoUrl::new(at(USERINFO_PATH))?))
    .set_response_modes_supported(Some(vec![CoreResponseMode::Query]))
    .set_grant_types_supported(Some(vec![
        CoreGrantType::AuthorizationCode,
        CoreGrantType::RefreshToken,
    ]))
    .set_token_endpoint_auth_methods_supported(Some(vec![
        CoreClientAuthMethod::ClientSecretBasic,
        CoreClientAuthMethod::ClientSecretPost,
        CoreClientAuthMethod::None,
    ]))
    .set_scopes_supported(Some(SCOPES.map(|s| Scope::new(s.to_owned())).to_vec()))
    .set_claims_supported(Some(
        CLAIMS.map(|c| CoreClaimName::new(c.to_owned())).to_vec(),
    ))
    .set_ui_locales_supported(Some(vec![
        LanguageTag::new("ru".to_owned()),
        LanguageTag::new("en".to_owned()),
    ]))
    .set_claims_parameter_supported(Some(false))
    .set_request_parameter_supported(Some(false))
    .set_request_uri_parameter_supported(Some(false)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_says_what_clients_look_for() {
        let json = serde_json::to_value(document("https://auth.example.ru").unwrap()).unwrap();
        assert_eq!(json["issuer"], "https://auth.example.ru");
        assert_eq!(
            json["authorization_endpoint"],
            "https://auth.example.ru/oidc/authorize"
        );
        assert_eq!(json["token_endpoint"], "https://auth.example.ru/oidc/token");
        assert_eq!(
            json["userinfo_endpoint"],
            "https://auth.example.ru/oidc/userinfo"
        );
        assert_eq!(json["jwks_uri"], "https://auth.example.ru/oidc/jwks");
        assert_eq!(
            json["end_session_endpoint"],
            "https://auth.example.ru/oidc/logout"
        );
        assert_eq!(
            json["response_types_supported"],
            serde_json::json!(["code"])
        );
        assert_eq!(
            json["grant_types_supported"],
            serde_json::json!(["authorization_code", "refresh_token"])
        );
        assert_eq!(
            json["subject_types_supported"],
            serde_json::json!(["public"])
        );
        assert_eq!(
            json["id_token_signing_alg_values_supported"],
            serde_json::json!(["RS256"])
        );
        assert_eq!(
            json["token_endpoint_auth_methods_supported"],
            serde_json::json!(["client_secret_basic", "client_secret_post", "none"])
        );
        assert_eq!(
            json["code_challenge_methods_supported"],
            serde_json::json!(["S256"])
        );
        assert_eq!(json["authorization_response_iss_parameter_supported"], true);
        assert_eq!(
            json["scopes_supported"],
            serde_json::json!(["openid", "phone", "offline_access"])
        );
        for claim in [
            "sub",
            "phone_number",
            "phone_number_verified",
            "auth_time",
            "amr",
            "nonce",
        ] {
            assert!(
                json["claims_supported"]
                    .as_array()
                    .unwrap()
                    .contains(&claim.into()),
                "{claim}"
            );
        }
        assert_eq!(
            json["ui_locales_supported"],
            serde_json::json!(["ru", "en"])
        );
    }
}
