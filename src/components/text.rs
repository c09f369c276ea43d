use leptos::prelude::use_context;

use crate::i18n::{Lang, Texts};

/// The language `App` provided for this page (in the browser, the island: see
/// `island::enter`).
pub fn use_lang() -> Lang {
    use_context::<Lang>().unwrap_or_default()
}

/// Every sentence of the page, in its language.
pub fn use_texts() -> &'static Texts {
    use_lang().texts()
}
