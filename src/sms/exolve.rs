//! The MTS Exolve SMS API client: `POST {base}/messaging/v1/SendSMS`.
//! Knows HTTP and Exolve's JSON, nothing of codes or sessions.

use std::time::Duration;

use async_trait::async_trait;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use super::{SmsError, SmsSender};

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
        let message = error_message(&body);
        Err(match status {
            401 | 403 => SmsError::Unauthorized { status, message },
            429 => SmsError::RateLimited { message },
            500..=599 => SmsError::Unavailable { status, message },
            _ => SmsError::Refused { status, message },
        })
    }
}

fn transport_error(error: reqwest::Error) -> SmsError {
    if error.is_timeout() {
        SmsError::Timeout
    } else if error.is_decode() || error.is_body() {
        SmsError::UnreadableBody(error.to_string())
    } else {
        // Without the URL: it is ours and says nothing new.
        SmsError::Connection(error.without_url().to_string())
    }
}

fn error_message(body: &str) -> String {
    match serde_json::from_str::<Failure>(body) {
        Ok(Failure {
            error: FailureBody::Nested { message } | FailureBody::Flat(message),
        }) => excerpt(&message),
        Err(_) => excerpt(body),
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
            error_message(r#"{"error":{"message":"bad number","details":null}}"#),
            "bad number"
        );
        assert_eq!(error_message(r#"{"error":"bad key"}"#), "bad key");
        assert_eq!(error_message("<html>oops</html>"), "<html>oops</html>");
        assert!(error_message(&"x".repeat(1000)).chars().count() <= 201);
    }

    #[test]
    fn phone_numbers_never_reach_the_log() {
        assert_eq!(
            error_message(r#"{"error":{"message":"destination 79991234567 blocked"}}"#),
            "destination *** blocked"
        );
        assert_eq!(
            redact_numbers("HTTP 503 at 12:00, id 123456"),
            "HTTP 503 at 12:00, id 123456"
        );
        assert_eq!(redact_numbers("+7 9991234567!"), "+7 ***!");
        assert_eq!(redact_numbers("79991234567"), "***");
    }
}
