//! Whether a code may be exchanged (RFC 6749 §4.1.3, RFC 7636 §4.6): by the app it
//! was issued to, before it expires, with the `redirect_uri` of its authorization,
//! and with the PKCE verifier of its challenge. A verifier sent for a code that had
//! no challenge is refused too: it is RFC 9700's downgrade (§2.1.1). The store
//! applies this inside the step that spends the code.

use super::pkce;

/// What the app presented with the code. It holds the PKCE verifier, a secret:
/// never logged (no `Debug`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Presented<'a> {
    pub client_id: &'a str,
    pub redirect_uri: &'a str,
    pub verifier: Option<&'a str>,
}

/// What the code was issued for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Issued<'a> {
    pub client_id: &'a str,
    pub redirect_uri: &'a str,
    pub code_challenge: Option<&'a str>,
    pub expires_at: i64,
}

/// `Ok` when `presented` may exchange the code `issued` at `now`; else why not,
/// for the app's developer (`error_description`).
pub fn check(issued: Issued, presented: Presented, now: i64) -> Result<(), &'static str> {
    if issued.client_id != presented.client_id {
        return Err("the code was issued to another client");
    }
    if issued.expires_at <= now {
        return Err("the code has expired");
    }
    if issued.redirect_uri != presented.redirect_uri {
        return Err("redirect_uri differs from the authorization request's");
    }
    match (issued.code_challenge, presented.verifier) {
        (Some(challenge), Some(verifier)) if pkce::verifies(verifier, challenge) => Ok(()),
        (Some(_), Some(_)) => Err("code_verifier does not match the code_challenge"),
        (Some(_), None) => Err("code_verifier is missing"),
        (None, Some(_)) => Err("no code_challenge was sent with the authorization"),
        (None, None) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    #[test]
    fn only_the_app_its_address_and_its_verifier_in_time_exchange_a_code() {
        let issued = Issued {
            client_id: "grafana",
            redirect_uri: "https://g.test/cb",
            code_challenge: Some(CHALLENGE),
            expires_at: 1060,
        };
        let good = Presented {
            client_id: "grafana",
            redirect_uri: "https://g.test/cb",
            verifier: Some(VERIFIER),
        };
        assert_eq!(check(issued, good, 1059), Ok(()));
        assert!(check(issued, good, 1060).is_err(), "expired at its second");
        for (case, wrong) in [
            Presented {
                client_id: "spa",
                ..good
            },
            Presented {
                redirect_uri: "https://g.test/cb/",
                ..good
            },
            Presented {
                verifier: None,
                ..good
            },
            Presented {
                verifier: Some(CHALLENGE),
                ..good
            },
        ]
        .into_iter()
        .enumerate()
        {
            assert!(check(issued, wrong, 1000).is_err(), "case {case}");
        }
        let plain = Issued {
            code_challenge: None,
            ..issued
        };
        assert_eq!(
            check(
                plain,
                Presented {
                    verifier: None,
                    ..good
                },
                1000
            ),
            Ok(())
        );
        assert_eq!(
            check(plain, good, 1000),
            Err("no code_challenge was sent with the authorization")
        );
    }
}
