use leptos::prelude::*;

use super::text::use_texts;
use crate::error::AppError;

/// An error a person caused, said in their language, announced by screen readers.
#[component]
pub fn Alert(error: AppError) -> impl IntoView {
    let t = use_texts();
    view! { <p class="alert" role="alert">{t.error(&error)}</p> }
}

/// The error of an action's last submission, if it failed.
#[component]
pub fn ActionAlert<T>(result: Signal<Option<Result<T, AppError>>>) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
{
    move || match result.get() {
        Some(Err(error)) => Some(view! { <Alert error/> }),
        _ => None,
    }
}
