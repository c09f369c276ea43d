//! The proof of work a code request may be asked for (`ChallengeRequired`), solved in
//! the browser with nothing for the person to do but wait: the solver (the `altcha`
//! crate) lives in a wasm chunk of its own, loaded only when a request is challenged,
//! so a first visit never carries it. With JavaScript off the refusal stays on the
//! page as an alert, saying why and until when.

use leptos::{html, prelude::*};

use super::{island::is_hydrated, text::use_texts};
use crate::error::AppError;

/// How many challenges in a row one submission answers before it gives up: the
/// server asks again only when its first answer expired on the way.
const TRIES: u32 = 3;

/// A hidden `altcha` field for the action's form `form`: when the action's `result`
/// is a challenge, the answer is found, put in the field, and the form submitted
/// again; meanwhile the person is told the browser is being checked. Give the form's
/// alert [`visible`]`(result)`: the challenge itself is not an error to show.
#[component]
pub fn ChallengeField(
    result: Signal<Option<Result<(), AppError>>>,
    form: NodeRef<html::Form>,
) -> impl IntoView {
    let t = use_texts();
    let field = NodeRef::<html::Input>::new();
    let solving = RwSignal::new(false);
    let failed = RwSignal::new(None::<AppError>);
    let tries = StoredValue::new(0_u32);
    Effect::new(move |_| {
        let answered = result.get();
        // The field's answer was used by the submission that just ended.
        if let Some(field) = field.get_untracked() {
            field.set_value("");
        }
        let Some(Err(AppError::ChallengeRequired { challenge, .. })) = answered else {
            tries.set_value(0);
            return;
        };
        tries.update_value(|n| *n += 1);
        if tries.get_value() > TRIES {
            failed.set(Some(AppError::ChallengeFailed));
            return;
        }
        solving.set(true);
        failed.set(None);
        leptos::task::spawn_local(async move {
            let answer = solver::solve(challenge).await;
            solving.set(false);
            match (answer, field.get_untracked(), form.get_untracked()) {
                (Some(answer), Some(field), Some(form)) => {
                    field.set_value(&answer);
                    if form.request_submit().is_err() {
                        failed.set(Some(AppError::ChallengeFailed));
                    }
                }
                _ => failed.set(Some(AppError::ChallengeFailed)),
            }
        });
    });
    view! {
        <input node_ref=field type="hidden" name="altcha" value=""/>
        <p class="hint" role="status">{move || solving.get().then_some(t.challenge_solving)}</p>
        {move || failed.get().map(|error| view! { <super::alert::Alert error/> })}
    }
}

/// `result` as the form's alert shows it: a challenge the browser is solving is not
/// shown (with JavaScript off it is: the page says why and until when).
pub fn visible(
    result: Signal<Option<Result<(), AppError>>>,
) -> Signal<Option<Result<(), AppError>>> {
    Signal::derive(move || match result.get() {
        Some(Err(AppError::ChallengeRequired { .. })) if is_hydrated() => None,
        other => other,
    })
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

/// The server renders no solving: nothing runs there.
#[cfg(not(feature = "hydrate"))]
mod solver {
    pub async fn solve(_challenge: String) -> Option<String> {
        None
    }
}
