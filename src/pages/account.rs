use leptos::prelude::*;

use crate::{
    api::account::{account, SignOut},
    components::{
        alert::{ActionAlert, Alert},
        text::use_texts,
    },
};

/// `/account`: the signed-in person's own data, and sign-out.
#[component]
pub fn AccountPage() -> impl IntoView {
    let t = use_texts();
    let sign_out = ServerAction::<SignOut>::new();
    let data = Resource::new(|| (), |_| account());
    view! {
        <section class="card">
            <h1>{t.account_title}</h1>
            <Suspense fallback=move || view! { <p>{t.loading}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(account) => view! {
                            <dl class="account">
                                <dt>{t.account_phone}</dt>
                                <dd class="phone">{account.phone}</dd>
                                <dt>{t.account_number}</dt>
                                <dd class="account-number">{account.account_number}</dd>
                                <dt>{t.member_since}</dt>
                                <dd>{account.member_since}</dd>
                                <dt>{t.last_sign_in}</dt>
                                <dd>{account.last_sign_in}</dd>
                            </dl>
                        }.into_any(),
                        Err(error) => view! { <Alert error/> }.into_any(),
                    }
                })}
            </Suspense>
            <ActionForm action=sign_out>
                <ActionAlert result=sign_out.value().into()/>
                <button type="submit" class="secondary">{t.sign_out}</button>
            </ActionForm>
        </section>
    }
}
