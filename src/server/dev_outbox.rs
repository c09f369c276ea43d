//! `GET /dev/outbox`: the SMS development mode captured instead of sending.
//! Mounted only when no `EXOLVE_API_KEY` is configured; never in production.

use axum::{extract::State, response::Html};

use super::state::AppState;
use crate::clock::format_utc;

pub async fn page(State(state): State<AppState>) -> Html<String> {
    let rows = match state.store.outbox(50).await {
        Ok(messages) => messages
            .iter()
            .map(|m| {
                format!(
                    "<tr><td>{}</td><td>+{}</td><td><pre>{}</pre></td></tr>",
                    format_utc(m.created_at),
                    escape(&m.destination),
                    escape(&m.text)
                )
            })
            .collect::<String>(),
        Err(_) => {
            "<tr><td colspan=3 role=\"alert\">The outbox could not be read.</td></tr>".to_owned()
        }
    };
    Html(format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Dev outbox</title><link rel=\"stylesheet\" href=\"/pkg/sms-auth.css\"></head>\
         <body><main class=\"card wide\"><h1>Development outbox</h1>\
         <p>No <code>EXOLVE_API_KEY</code> is set, so SMS are kept here instead of being sent. Newest first.</p>\
         <table class=\"outbox\"><thead><tr><th>time</th><th>to</th><th>text</th></tr></thead><tbody>{rows}</tbody></table>\
         <p><a href=\"/signup\">Sign in</a></p></main></body></html>"
    ))
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
