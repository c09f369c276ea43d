//! The MTS Exolve SMS API client: `POST {base}/messaging/v1/SendSMS`.
//! Knows HTTP and Exolve's JSON, nothing of codes or sessions.

use std::time::Duration;

use async_trait::async_trait;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use super::sender::{SmsError, SmsSender};

pub struct ExolveClient {
    http: reqwest::Client,
    endpoint: String,
    api_key: SecretString,
    sender: String,
}

#[derive(Serialize)]
struct SendSms<'a> {
    number: &'a str,
    destination: &'a str,
    text: &'a str,
}

/// `{"message_id": "571497026622089119"}`, the id documented as int64 in places.
#[derive(Deserialize)]
struct Sent {
    message_id: MessageId,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum MessageId {
    Text(String),
    Number(i64),
}

/// `{"error": {"message": "...", "details": ...}}` or a flat `{"error": "..."}`.
#[derive(Deserialize)]
struct Failure {
    error: FailureBody,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum FailureBody {
    Nested { message: String },
    Flat(String),
}

impl ExolveClient {
    pub fn new(
        base_url: &str,
        api_key: SecretString,
        sender: String,
        timeout: Duration,
    ) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(5)))
            // The API does not redirect: a redirect is an unknown answer, not a hop.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("sms-auth/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self {
            http,
            endpoint: format!("{}/messaging/v1/SendSMS", base_url.trim_end_matches('/')),
            api_key,
            sender,
        })
    }
}

#[async_trait]
impl SmsSender for ExolveClient {
    async fn send(&self, destination: &str, text: &str) -> Result<String, SmsError> {
        let response = self
            .http
            .post(&self.endpoint)
            .bearer_auth(self.api_key.expose_secret())
            .json(&SendSms {
                number: &self.sender,
                destination,
                text,
            })
            .send()
            .await
            .map_err(transport_error)?;
        let status = response.status().as_u16();
        let body = response.text().await.map_err(transport_error)?;
        if status == 200 {
            return match serde_json::from_str::<Sent>(&body) {
                Ok(Sent {
                    message_id: MessageId::Text(id),
                }) if !id.is_empty() => Ok(id),
                Ok(Sent {
                    message_id: MessageId::Number(id),
                }) => Ok(id.to_string()),
                _ => Err(SmsError::UnreadableBody(excerpt(&body))),
            };
        }
        Err(refusal(status, &body))
    }
}

/// What a non-200 answer means. A 4xx is a refusal only in Exolve's documented error
/// shape; any other answer may hide a sent SMS.
fn refusal(status: u16, body: &str) -> SmsError {
    let documented = exolve_error(body);
    let message = documented.clone().unwrap_or_else(|| excerpt(body));
    match (status, documented) {
        (401 | 403, _) => SmsError::Unauthorized { status, message },
        (429, Some(_)) => SmsError::RateLimited { message },
        (400..=499, Some(_)) => SmsError::Refused { status, message },
        (500..=599, _) => SmsError::Unavailable { status, message },
        _ => SmsError::Unexpected { status, message },
    }
}

fn transport_error(error: reqwest::Error) -> SmsError {
    let (connect, timeout, body) = (
        error.is_connect(),
        error.is_timeout(),
        error.is_decode() || error.is_body(),
    );
    // Without the URL: it is ours and says nothing new.
    let detail = error.without_url().to_string();
    if connect {
        SmsError::NotConnected(detail)
    } else if timeout {
        SmsError::Timeout
    } else if body {
        SmsError::UnreadableBody(detail)
    } else {
        SmsError::Interrupted(detail)
    }
}

/// The message of Exolve's error body, `None` when the body is not one.
fn exolve_error(body: &str) -> Option<String> {
    match serde_json::from_str::<Failure>(body) {
        Ok(Failure {
            error: FailureBody::Nested { message } | FailureBody::Flat(message),
        }) => Some(excerpt(&message)),
        Err(_) => None,
    }
}

/// The start of a body for the log, never a whole page, and never a phone number
/// Exolve may echo back.
fn excerpt(body: &str) -> String {
    let mut text: String = body.chars().take(200).collect();
    if text.len() < body.len() {
        text.push('…');
    }
    redact_numbers(&text)
}

/// Replaces every run of 7 or more digits with `***`.
fn redact_numbers(text: &str) -> String {
    fn flush(out: &mut String, run: &mut String) {
        out.push_str(if run.len() >= 7 { "***" } else { run });
        run.clear();
    }
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() {
            run.push(c);
        } else {
            flush(&mut out, &mut run);
            out.push(c);
        }
    }
    flush(&mut out, &mut run);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_error_shapes() {
        assert_eq!(
            exolve_error(r#"{"error":{"message":"bad number","details":null}}"#).as_deref(),
            Some("bad number")
        );
        assert_eq!(
            exolve_error(r#"{"error":"bad key"}"#).as_deref(),
            Some("bad key")
        );
        assert_eq!(exolve_error("<html>oops</html>"), None);
        assert_eq!(exolve_error(r#"{"message_id":"1"}"#), None);
        assert!(excerpt(&"x".repeat(1000)).chars().count() <= 201);
    }

    #[test]
    fn only_documented_refusals_say_nothing_was_sent() {
        let exolve = r#"{"error":{"message":"no"}}"#;
        for (status, body) in [
            (401, ""),
            (403, "<html>"),
            (429, exolve),
            (400, exolve),
            (422, exolve),
        ] {
            assert!(
                !refusal(status, body).may_have_been_sent(),
                "{status} {body}"
            );
        }
        for (status, body) in [
            (500, exolve),
            (503, ""),
            (429, ""),
            (400, "<html>bad request</html>"),
            (404, ""),
            (302, ""),
            (201, exolve),
        ] {
            assert!(
                refusal(status, body).may_have_been_sent(),
                "{status} {body}"
            );
        }
    }

    #[test]
    fn phone_numbers_never_reach_the_log() {
        assert_eq!(
            exolve_error(r#"{"error":{"message":"destination 79991234567 blocked"}}"#).as_deref(),
            Some("destination *** blocked")
        );
        assert_eq!(
            redact_numbers("HTTP 503 at 12:00, id 123456"),
            "HTTP 503 at 12:00, id 123456"
        );
        assert_eq!(redact_numbers("+7 9991234567!"), "+7 ***!");
        assert_eq!(redact_numbers("79991234567"), "***");
    }
}
