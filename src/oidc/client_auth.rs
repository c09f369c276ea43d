//! How an app names itself at the token endpoint (RFC 6749 §2.3.1): a Basic
//! header (`client_secret_basic`, its id and secret form-urlencoded first), or
//! `client_id` and `client_secret` in the form (`client_secret_post`), or
//! `client_id` alone (`none`, a public app). One way at a time.

use base64::{engine::general_purpose::STANDARD, Engine};

use super::error::{ErrorCode, OAuthError};

/// The app's id and secret as it gave them, and whether in a Basic header (a
/// refusal then says `WWW-Authenticate: Basic`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Presented {
    pub client_id: String,
    pub secret: Option<String>,
    pub basic: bool,
}

/// Reads the `Authorization` header's value (`authorization`) and the form.
pub fn presented(
    authorization: Option<&str>,
    form: &[(String, String)],
) -> Result<Presented, OAuthError> {
    let field = |name: &str| form.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone());
    let (form_id, form_secret) = (field("client_id"), field("client_secret"));
    let Some(header) = authorization else {
        return match form_id {
            Some(client_id) => Ok(Presented {
                client_id,
                secret: form_secret,
                basic: false,
            }),
            None => Err(OAuthError::new(
                ErrorCode::InvalidClient,
                "client_id is missing",
            )),
        };
    };
    let bad = OAuthError::new(
        ErrorCode::InvalidClient,
        "a malformed Basic Authorization header",
    );
    let (scheme, encoded) = header.trim().split_once(' ').ok_or(bad)?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return Err(bad);
    }
    let decoded = STANDARD.decode(encoded.trim()).map_err(|_| bad)?;
    let decoded = String::from_utf8(decoded).map_err(|_| bad)?;
    let (id, secret) = decoded.split_once(':').ok_or(bad)?;
    let unescape = |part: &str| {
        url::form_urlencoded::parse(format!("x={part}").as_bytes())
            .next()
            .map(|(_, value)| value.into_owned())
    };
    let (client_id, secret) = (unescape(id).ok_or(bad)?, unescape(secret).ok_or(bad)?);
    if form_secret.is_some() {
        return Err(OAuthError::new(
            ErrorCode::InvalidRequest,
            "the secret is given both in the header and in the form",
        ));
    }
    if form_id.is_some_and(|form_id| form_id != client_id) {
        return Err(OAuthError::new(
            ErrorCode::InvalidClient,
            "client_id differs from the Basic header's",
        ));
    }
    Ok(Presented {
        client_id,
        secret: Some(secret),
        basic: true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect()
    }

    fn basic(id: &str, secret: &str) -> String {
        format!("Basic {}", STANDARD.encode(format!("{id}:{secret}")))
    }

    #[test]
    fn each_of_the_three_ways_is_read() {
        let header = basic("grafana", "s3cr%3At");
        assert_eq!(
            presented(Some(&header), &form(&[("grant_type", "x")])).unwrap(),
            Presented {
                client_id: "grafana".into(),
                secret: Some("s3cr:t".into()),
                basic: true
            }
        );
        assert_eq!(
            presented(Some(&header), &form(&[("client_id", "grafana")]))
                .unwrap()
                .client_id,
            "grafana"
        );
        assert_eq!(
            presented(
                None,
                &form(&[("client_id", "grafana"), ("client_secret", "s")])
            )
            .unwrap(),
            Presented {
                client_id: "grafana".into(),
                secret: Some("s".into()),
                basic: false
            }
        );
        assert_eq!(
            presented(None, &form(&[("client_id", "spa")])).unwrap(),
            Presented {
                client_id: "spa".into(),
                secret: None,
                basic: false
            }
        );
        // The id and secret are form-urlencoded before the header encodes them.
        let plus = basic("my+app", "a+b");
        let read = presented(Some(&plus), &[]).unwrap();
        assert_eq!(
            (read.client_id.as_str(), read.secret.as_deref()),
            ("my app", Some("a b"))
        );
    }

    #[test]
    fn a_wrong_or_doubled_way_is_refused() {
        let header = basic("grafana", "s");
        let cases = [
            (None, form(&[]), ErrorCode::InvalidClient),
            (
                None,
                form(&[("client_secret", "s")]),
                ErrorCode::InvalidClient,
            ),
            (
                Some(header.clone()),
                form(&[("client_secret", "s")]),
                ErrorCode::InvalidRequest,
            ),
            (
                Some(header.clone()),
                form(&[("client_id", "spa")]),
                ErrorCode::InvalidClient,
            ),
            (
                Some("Bearer abc".into()),
                form(&[]),
                ErrorCode::InvalidClient,
            ),
            (
                Some("Basic !!!".into()),
                form(&[]),
                ErrorCode::InvalidClient,
            ),
            (
                Some(format!("Basic {}", STANDARD.encode("no-colon"))),
                form(&[]),
                ErrorCode::InvalidClient,
            ),
            (
                Some(format!("Basic {}", STANDARD.encode([0xff, b':', b'x']))),
                form(&[]),
                ErrorCode::InvalidClient,
            ),
            (Some("Basic".into()), form(&[]), ErrorCode::InvalidClient),
        ];
        for (header, form, code) in cases {
            assert_eq!(
                presented(header.as_deref(), &form).unwrap_err().code,
                code,
                "{header:?} {form:?}"
            );
        }
    }
}
