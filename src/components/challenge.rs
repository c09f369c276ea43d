//! The proof of work a code request may be asked for (`ChallengeRequired`), solved in
//! the browser with nothing for the person to do but wait: while the form's alert
//! says the browser is being checked, the solver (the `altcha` crate), in a wasm
//! chunk of its own loaded only when a request is challenged, finds the answer, and
//! the form is submitted again with it in a hidden `altcha` field. A first visit
//! carries little more than that field. With JavaScript off the refusal stays on
//! the page as an alert, saying why and until when.

use leptos::{html, prelude::*};

use crate::error::AppError;

/// The hidden `altcha` field of the action's form `form`: when the action's
/// `result` is a challenge, the answer is put in it and the form submitted again.
/// An answer that cannot be found is sent as such, and the server's refusal
/// (`ChallengeFailed`) is the form's alert.
#[component]
pub fn ChallengeField(
    result: Signal<Option<Result<(), AppError>>>,
    form: NodeRef<html::Form>,
) -> impl IntoView {
    let field = NodeRef::<html::Input>::new();
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if let Some(Err(AppError::ChallengeRequired { challenge, .. })) = result.get() {
            leptos::task::spawn_local(async move {
                let answer = solver::solve(challenge).await;
                if let (Some(field), Some(form)) = (field.get_untracked(), form.get_untracked()) {
                    field.set_value(answer.as_deref().unwrap_or(UNSOLVED));
                    let _ = form.request_submit();
                    // The submission has read the form: the answer is spent.
                    field.set_value("");
                }
            });
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = (result, form);
    view! { <input node_ref=field type="hidden" name="altcha" value=""/> }
}

/// What the field says when no answer was found: it checks as no answer does.
#[cfg(feature = "hydrate")]
const UNSOLVED: &str = "unsolved";

/// The browser's part of the proof of work: the answer to ALTCHA's challenge
/// `challenge` (JSON), as the `altcha` field takes it; `None` for a challenge it
/// cannot read or solve within a minute. (The tests and benches answer with it too.)
pub fn answer(challenge: &str) -> Option<String> {
    let challenge: altcha::Challenge = serde_json::from_str(challenge).ok()?;
    let mut options = altcha::SolveChallengeOptions::new(&challenge);
    options.timeout_ms = 60_000;
    let solution = altcha::solve_challenge(options).ok()??;
    serde_json::to_string(&altcha::Payload {
        challenge,
        solution,
    })
    .ok()
}

#[cfg(feature = "hydrate")]
mod solver {
    use leptos::lazy;

    /// [`super::answer`], in a wasm chunk of its own (`cargo leptos build --split`),
    /// loaded the first time a request is challenged.
    #[lazy]
    pub fn solve(challenge: String) -> Option<String> {
        super::answer(&challenge)
    }
}
