//! `GET /dev/outbox`: the SMS development mode captured instead of sending.
//! Mounted only when no `EXOLVE_API_KEY` is configured; never in production.
//! Rendered by Leptos, which escapes every text it puts in the page.

use axum::{extract::State, response::Html};
use leptos::prelude::*;

use crate::server::state::AppState;
use crate::{clock::format_utc, store::OutboxMessage};

/// How many of the newest messages the page lists.
const SHOWN: u32 = 50;

pub async fn page(State(state): State<AppState>) -> Html<String> {
    let messages = state.store.outbox(SHOWN).await.ok();
    let page = view! { <OutboxPage messages/> }.to_html();
    Html(format!("<!DOCTYPE html>{page}"))
}

#[component]
fn OutboxPage(messages: Option<Vec<OutboxMessage>>) -> impl IntoView {
    let listing = match messages {
        Some(messages) => view! {
            <table class="outbox">
                <thead>
                    <tr><th>"time"</th><th>"to"</th><th>"text"</th></tr>
                </thead>
                <tbody>
                    {messages
                        .into_iter()
                        .map(|m| {
                            view! {
                                <tr>
                                    <td>{format_utc(m.created_at)}</td>
                                    <td>"+" {m.destination}</td>
                                    <td><pre>{m.text}</pre></td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        }
        .into_any(),
        None => view! { <p role="alert">"The outbox could not be read."</p> }.into_any(),
    };
    view! {
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <title>"Dev outbox"</title>
                <link rel="stylesheet" href="/pkg/sms-auth.css"/>
            </head>
            <body>
                <main class="card wide">
                    <h1>"Development outbox"</h1>
                    <p>
                        "No " <code>"EXOLVE_API_KEY"</code>
                        " is set, so SMS are kept here instead of being sent. Newest first."
                    </p>
                    {listing}
                    <p><a href="/signup">"Sign in"</a></p>
                </main>
            </body>
        </html>
    }
}
