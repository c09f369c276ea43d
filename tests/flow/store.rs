//! The store on its own, on the backend under test: what the flow tests cannot
//! reach through HTTP.

use sms_auth::{
    error::AppError,
    otp::{
        guard::{Challenged, Conversion, Scopes},
        pow, Lane, Policy,
    },
    phone::Phone,
    store::{
        self, guard::ImposedBy, Allowance, Footprint, NewSession, NewVerification, SessionLimits,
        Store, WrongGuess,
    },
};

use crate::support::*;

async fn with_code(store: &dyn Store, id_hash: &str, phone: &str) {
    with_code_at(store, id_hash, phone, START).await;
}

/// A code asked for `phone` at `at`, its SMS counted.
async fn with_code_at(store: &dyn Store, id_hash: &str, phone: &str, at: i64) {
    let phone = Phone::parse(phone, &[7]).expect("phone");
    let policy = with_limit(Limit::ResendCooldown, 0);
    store
        .reserve_code(
            NewVerification {
                id_hash,
                replaces: None,
                phone: &phone,
                allowance: &Allowance::shared(),
                lane: Lane::New,
                guard: Some(&Scopes::of(&phone)),
                code_digest: &[0; 32],
                created_at: at,
                expires_at: at + 300,
            },
            "client",
            &Footprint::default(),
            &policy,
        )
        .await
        .expect("stored code");
}

const DAY: i64 = 24 * 3600;

/// The conversion guard's scopes a sign-in is counted in, for the tests that do not
/// read them.
fn scopes() -> Scopes {
    Scopes::of(&Phone::parse("+79990000001", &[7]).expect("phone"))
}

#[tokio::test]
async fn the_days_count_holds_for_a_request_that_began_before_a_purge() {
    let (url, _dir) = fresh_database().await;
    let store = store::connect(&url, 4).await.expect("store");
    with_code_at(&*store, "a", "+79990000001", START).await;
    with_code_at(&*store, "b", "+79990000002", START + 100).await;
    with_code_at(&*store, "c", "+79990000003", START + DAY + 50).await;
    // The purge runs at START + DAY + 200; a request that read the clock a moment
    // before, at START + DAY + 60, is decided after it: the sends of its day are b and c.
    store
        .purge(START + DAY + 200, SessionLimits::default())
        .await
        .expect("purge");
    let phone = Phone::parse("+79990000009", &[7]).expect("phone");
    let standing = store
        .standing(
            &phone,
            None,
            &Footprint::default(),
            "client",
            START + DAY + 60,
            &Policy::default(),
        )
        .await
        .expect("standing");
    assert_eq!(standing.sends.sent_last_day, 2);
    assert_eq!(standing.sends.sent_new_last_day, 2, "and so does its lane");
}

#[tokio::test]
async fn a_sign_in_that_fails_part_way_changes_nothing_and_the_store_goes_on() {
    let (url, _dir) = fresh_database().await;
    let store = store::connect(&url, 4).await.expect("store");
    with_code(&*store, "first", "+79990000001").await;
    with_code(&*store, "second", "+79990000002").await;
    let from = Footprint::default();
    let session = |id_hash| NewSession {
        id_hash,
        device_hash: "device",
        from: &from,
    };
    store
        .complete_sign_in("first", session("taken"), &scopes(), START, 5)
        .await
        .expect("signed in")
        .expect("account");
    // The session id is taken: the last step fails, and the steps before it roll back.
    assert_eq!(
        store
            .complete_sign_in("second", session("taken"), &scopes(), START, 5)
            .await
            .err(),
        Some(AppError::Internal)
    );
    let second = store
        .verification("second", START, &Policy::default())
        .await
        .expect("read")
        .expect("code kept");
    assert!(!second.consumed, "the code was not used up");
    let account = store
        .complete_sign_in("second", session("fresh"), &scopes(), START, 5)
        .await
        .expect("the store still writes")
        .expect("account");
    assert_eq!(account.account.phone.e164(), "+79990000002");
}

#[tokio::test]
async fn a_used_expired_or_exhausted_code_signs_nobody_in() {
    let (url, _dir) = fresh_database().await;
    let store = store::connect(&url, 4).await.expect("store");
    let phone = Phone::parse("+79990000001", &[7]).expect("phone");
    with_code(&*store, "code", "+79990000001").await;
    let session = NewSession {
        id_hash: "s1",
        device_hash: "device",
        from: &Footprint::default(),
    };
    assert!(
        store
            .complete_sign_in("code", session, &scopes(), START + 300, 5)
            .await
            .expect("ran")
            .is_none(),
        "expired"
    );
    let policy = Policy {
        max_tries: 2,
        ..Policy::default()
    };
    for _ in 0..2 {
        store
            .record_wrong_guess(
                "code",
                &phone,
                &Allowance::shared(),
                &Footprint::default(),
                START,
                &policy,
            )
            .await
            .expect("counted");
    }
    assert_eq!(
        store
            .record_wrong_guess("code", &phone, &Allowance::shared(), &Footprint::default(), START, &policy)
            .await
            .map(|guess| guess.tries),
        Ok(None),
        "no try left"
    );
    let session = NewSession {
        id_hash: "s2",
        device_hash: "device",
        from: &Footprint::default(),
    };
    assert!(
        store
            .complete_sign_in("code", session, &scopes(), START, 2)
            .await
            .expect("ran")
            .is_none(),
        "exhausted"
    );
    assert_eq!(
        store
            .verification(
                "code",
                START,
                &with_limit(Limit::PhoneFailuresPerHour, 2)
            )
            .await
            .expect("read")
            .map(|v| v.phone_locked_until),
        Some(Some(START + 3600)),
        "the second failure reached a limit of 2"
    );
}

#[tokio::test]
async fn a_locked_phone_counts_no_more_guesses() {
    let (url, _dir) = fresh_database().await;
    let store = store::connect(&url, 4).await.expect("store");
    let phone = Phone::parse("+79990000003", &[7]).expect("phone");
    for id in ["a", "b"] {
        with_code(&*store, id, "+79990000003").await;
    }
    let policy = with_limit(Limit::PhoneFailuresPerHour, 3);
    let shared = Allowance::shared();
    let guess = |id: &'static str, at: i64| {
        let (store, phone, shared, policy) = (&store, &phone, &shared, &policy);
        async move {
            store
                .record_wrong_guess(id, phone, shared, &Footprint::default(), at, policy)
                .await
                .expect("ran")
        }
    };
    let counted = |tries, until| WrongGuess {
        tries: Some(tries),
        phone_locked_until: until,
    };
    assert_eq!(guess("a", START).await, counted(1, None));
    assert_eq!(guess("a", START + 10).await, counted(2, None));
    assert_eq!(
        guess("b", START + 20).await,
        counted(1, Some(START + 3600)),
        "the third failure locks the phone until an hour after the first"
    );
    for id in ["a", "b"] {
        assert_eq!(
            guess(id, START + 30).await,
            WrongGuess {
                tries: None,
                phone_locked_until: Some(START + 3600)
            }
        );
    }
    assert_eq!(
        store
            .verification("b", START + 30, &policy)
            .await
            .expect("read")
            .map(|v| (v.failed_tries, v.phone_locked_until)),
        Some((1, Some(START + 3600)))
    );
    // A known device's allowance is its own.
    let own = Allowance::device("device");
    assert_eq!(
        store
            .record_wrong_guess("b", &phone, &own, &Footprint::default(), START + 30, &policy)
            .await
            .expect("ran"),
        counted(2, None)
    );
    // An hour after the first failure the lock has ended.
    assert_eq!(guess("b", START + 3600).await.tries, Some(3));
}

/// The default policy with `limit` at `value`.
fn with_limit(limit: Limit, value: u32) -> Policy {
    let mut policy = Policy::default();
    policy.limits[limit] = value;
    policy
}

#[tokio::test]
async fn a_proof_of_work_is_spent_once_and_forgotten_when_it_expires() {
    let (url, _dir) = fresh_database().await;
    let store = store::connect(&url, 4).await.expect("store");
    let owner = Phone::parse("+79991234567", &[7]).expect("phone");
    let secret = b"the app's secret, long enough for it";
    let challenge = pow::issue(secret, &owner, 1_000, START).expect("issued");
    let answer = solve(&serde_json::to_string(&challenge).expect("json"));
    let proof = pow::check(secret, &answer, &owner, START + 1).expect("checks");
    // The same answer sent eight times at once: one is spent, the others refused.
    let spends = (0..8).map(|_| store.spend_challenge(&proof));
    let spent = futures::future::join_all(spends).await;
    assert_eq!(
        spent.iter().filter(|s| matches!(s, Ok(true))).count(),
        1,
        "{spent:?}"
    );
    assert!(spent.iter().all(Result::is_ok));
    assert!(!store.spend_challenge(&proof).await.expect("spent"));
    // Kept while it could still check; gone once it cannot.
    store
        .purge(proof.expires_at - 1, SessionLimits::default())
        .await
        .expect("purge");
    assert!(!store.spend_challenge(&proof).await.expect("still spent"));
    store
        .purge(proof.expires_at, SessionLimits::default())
        .await
        .expect("purge");
    assert_eq!(
        pow::check(secret, &answer, &owner, proof.expires_at),
        Err(AppError::ChallengeExpired),
        "no answer to it checks any more"
    );
    // So its row could go: the store forgot it.
    assert!(store.spend_challenge(&proof).await.expect("forgotten"));
}

#[tokio::test]
async fn the_guard_counts_new_numbers_sends_and_first_sign_ins_per_range_and_country() {
    let (url, _dir) = fresh_database().await;
    let store = store::connect(&url, 4).await.expect("store");
    // Three codes to one range: one in the first minute, two in the next.
    with_code_at(&*store, "a", "+79001234001", START).await;
    with_code_at(&*store, "b", "+79001234002", START + 60).await;
    with_code_at(&*store, "c", "+79001234003", START + 61).await;
    with_code_at(&*store, "d", "+79001235000", START + 62).await;
    let phone = Phone::parse("+79001234009", &[7]).expect("phone");
    let scopes = Scopes::of(&phone);
    // The first code is entered: a first sign-in, counted with the sign-in.
    let from = Footprint::default();
    let session = NewSession {
        id_hash: "session",
        device_hash: "device",
        from: &from,
    };
    let first = Phone::parse("+79001234001", &[7]).expect("phone");
    store
        .complete_sign_in("a", session, &Scopes::of(&first), START + 70, 5)
        .await
        .expect("signed in")
        .expect("an account");
    let watch = |at| {
        let store = store.clone();
        let scopes = scopes.clone();
        async move {
            let range = store.guard_watch(&scopes.range, at).await.expect("watch");
            let country = store.guard_watch(&scopes.country, at).await.expect("watch");
            [range, country]
        }
    };
    let [range, country] = watch(START + 100).await;
    let rate = |sent, verified| Conversion { sent, verified };
    assert_eq!((range.hour, range.day), (rate(3, 1), rate(3, 1)));
    assert_eq!((country.hour, country.day), (rate(4, 1), rate(4, 1)));
    assert_eq!(range.last, None);
    // The hour counts to the minute, the day to the hour.
    let [range, _] = watch(START + 3600 + 30).await;
    assert_eq!((range.hour, range.day), (rate(2, 1), rate(3, 1)));
    let [range, _] = watch(START + DAY + 1).await;
    assert_eq!((range.hour, range.day), (rate(0, 0), rate(0, 0)));

    // A challenge is imposed once while it holds; after its end, anew.
    let first = Challenged {
        level: 0,
        until: START + 1000,
    };
    let imposing =
        (0..4).map(|_| store.impose_challenge(&scopes.range, first, START + 100, ImposedBy::Guard));
    let imposed = futures::future::join_all(imposing).await;
    assert_eq!(
        imposed.iter().filter(|i| matches!(i, Ok(true))).count(),
        1,
        "{imposed:?}"
    );
    let [range, country] = watch(START + 100).await;
    assert_eq!((range.last, country.last), (Some(first), None));
    let next = Challenged {
        level: 1,
        until: START + 5000,
    };
    assert!(store
        .impose_challenge(&scopes.range, next, START + 1000, ImposedBy::Guard)
        .await
        .expect("imposed"));

    // The purge keeps what a window still reads, and a challenge a day past its end.
    store
        .purge(START + DAY + 100, SessionLimits::default())
        .await
        .expect("purge");
    let [range, _] = watch(START + 100).await;
    assert_eq!(
        range.day,
        rate(3, 1),
        "buckets a day and an hour old are kept"
    );
    assert_eq!(range.last, Some(next));
    store
        .purge(START + 2 * DAY, SessionLimits::default())
        .await
        .expect("purge");
    let [range, _] = watch(START + 100).await;
    assert_eq!((range.day, range.last), (rate(0, 0), None));
}
