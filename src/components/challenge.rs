//! The proof of work a code request may be asked for (`ChallengeRequired`), solved in
//! the browser with nothing for the person to do but wait: while the form's alert
//! says the browser is being checked, the solver (the `altcha` crate), in a wasm
//! chunk of its own loaded only when a request is challenged, finds the answer and
//! submits the form again with it in an `altcha` field. A first visit carries only
//! the call that loads the chunk: the field is added when there is an answer (the
//! server functions take a missing one as none). With JavaScript off the refusal
//! stays on the page as an alert, saying why and until when.

use leptos::{html, prelude::*};

use crate::error::AppError;

/// Once the page runs: when the action's `result` is a challenge, its form `form`
/// is submitted again with the answer. An answer that cannot be found is sent as
/// such, and the server's refusal (`ChallengeFailed`) is the form's alert.
pub fn solve_when_challenged(
    result: Signal<Option<Result<(), AppError>>>,
    form: NodeRef<html::Form>,
) {
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if let Some(Err(AppError::ChallengeRequired { challenge, .. })) = result.get() {
            if let Some(form) = form.get_untracked() {
                leptos::task::spawn_local(solver::submit_answer(challenge, form));
            }
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = (result, form);
}

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

/// The solver's chunk: everything past noticing the challenge.
#[cfg(feature = "hydrate")]
mod solver {
    use leptos::{lazy, prelude::document};

    /// What the field says when no answer was found: it checks as no answer does.
    const UNSOLVED: &str = "unsolved";

    /// Answers `challenge` and submits `form` with the answer in a hidden `altcha`
    /// field, removed again once the submission has read it (the answer is spent).
    /// `cargo leptos build --split` makes it a wasm chunk of its own, loaded the
    /// first time a request is challenged.
    #[lazy]
    pub fn submit_answer(challenge: String, form: web_sys::HtmlFormElement) {
        let answer = super::answer(&challenge);
        let Ok(field) = document().create_element("input") else {
            return;
        };
        let _ = field.set_attribute("type", "hidden");
        let _ = field.set_attribute("name", "altcha");
        let _ = field.set_attribute("value", answer.as_deref().unwrap_or(UNSOLVED));
        if form.insert_before(&field, None).is_ok() {
            let _ = form.request_submit();
        }
        field.remove();
    }
}
