//! An existing database upgrades at start: the store opened on a database that the
//! released app left behind (its migrations, its rows) keeps every session, pending
//! code, event, send and passkey it held, and goes on working with them. A
//! migration that changes the schema in place must pass this on both engines.

use std::{borrow::Cow, path::Path};

use sms_auth::{
    otp::Policy,
    phone::Phone,
    store::{
        self, AccountId, AlertAbout, Allowance, EndedBy, EventDetail, Footprint, Novelty,
        SessionLimits, SignInMethod, Word,
    },
};
use sqlx::{migrate::Migrator, AnyPool};

use crate::support::*;

/// The last migration of the released schema.
const RELEASED: i64 = 5;

const OWNER: &str = "+79991234567";
/// The owner's account: the first of a fresh database, 1 on both engines.
const OWNER_ID: AccountId = AccountId(1);
const PENDING: &str = "+79997654321";

/// Migrates the fresh database `url` as the released app did: its migrations only.
async fn released_schema(url: &str) {
    let folder = if on_postgres() {
        "migrations/postgres"
    } else {
        "migrations/sqlite"
    };
    let mut migrator = Migrator::new(Path::new(folder)).await.expect("migrations");
    let released: Vec<_> = migrator
        .migrations
        .iter()
        .filter(|migration| migration.version <= RELEASED)
        .cloned()
        .collect();
    assert_eq!(released.len(), usize::try_from(RELEASED).expect("count"));
    migrator.migrations = Cow::Owned(released);
    if on_postgres() {
        let pool = sqlx::PgPool::connect(url).await.expect("postgres");
        migrator.run(&pool).await.expect("released migrations");
    } else {
        let pool = sqlx::SqlitePool::connect(url).await.expect("sqlite");
        migrator.run(&pool).await.expect("released migrations");
    }
}

/// What the released app left: an account with a live session, a known device and a
/// passkey; its activity; a code pending for another number, with its SMS counted.
async fn released_rows(db: &AnyPool) {
    let rows: [(&str, Vec<Value>); 10] = [
        (
            // The first account of a fresh database: its id is 1 on both engines.
            "INSERT INTO accounts (phone, created_at, last_sign_in_at, sign_ins)
             VALUES ($1, $2, $3, 2)",
            vec![OWNER.into(), (START - 9000).into(), (START - 100).into()],
        ),
        (
            "INSERT INTO sessions
               (id_hash, account_id, created_at, last_seen_at, device, device_hash, country,
                network, novelty, method)
             VALUES ($1, 1, $2, $3, 'Firefox, Linux', 'device-hash', 'RU', '77.88.8.0/24',
                     'device', 'sms')",
            vec![
                "session-hash".into(),
                (START - 100).into(),
                (START - 50).into(),
            ],
        ),
        (
            "INSERT INTO known_devices
               (account_id, id_hash, first_seen_at, last_seen_at, name, country)
             VALUES (1, 'old-device', $1, $1, 'Chrome, Android', 'RU')",
            vec![(START - 9000).into()],
        ),
        (
            "INSERT INTO security_events
               (account_id, at, kind, device, country, network, detail)
             VALUES (1, $1, 'wrong_code', 'Chrome, Android', 'DE', '5.9.0.0/24', '')",
            vec![(START - 200).into()],
        ),
        (
            // Every meaning the released `detail` had, and a footprint with nothing
            // known: the upgrade gives each its column, and NULL for ''.
            "INSERT INTO security_events
               (account_id, at, kind, device, country, network, detail)
             VALUES (1, $1, 'locked', 'Chrome, Android', 'DE', '5.9.0.0/24', '1795650960'),
                    (1, $2, 'passkey_added', 'Chrome, Android', 'RU', '77.88.8.0/24',
                     'My phone'),
                    (1, $3, 'alert_sent', 'Chrome, Android', 'RU', '77.88.8.0/24', 'passkey'),
                    (1, $4, 'alert_sent', 'Firefox, Linux', 'RU', '77.88.8.0/24', 'country'),
                    (1, $5, 'alert_failed', 'Firefox, Linux', 'RU', '77.88.8.0/24', 'timeout'),
                    (1, $6, 'session_ended', '', '', '', 'not_me')",
            vec![
                (START - 300).into(),
                (START - 400).into(),
                (START - 500).into(),
                (START - 600).into(),
                (START - 700).into(),
                (START - 800).into(),
            ],
        ),
        (
            // An alert's SMS of the day before, from no address.
            "INSERT INTO sms_sends (phone, ip, sent_at, allowance) VALUES ($1, '', $2, 'alert')",
            vec![OWNER.into(), (START - 90_000).into()],
        ),
        (
            "INSERT INTO passkeys
               (account_id, credential_id, credential, counter, name, created_at)
             VALUES (1, 'credential-id', '{}', 3, 'Chrome, Android', $1)",
            vec![(START - 500).into()],
        ),
        (
            "INSERT INTO verifications
               (id_hash, phone, code_digest, created_at, expires_at, failed_tries, allowance)
             VALUES ('code-hash', $1, $2, $3, $4, 1, '')",
            vec![
                PENDING.into(),
                Value::Bytes(vec![1, 2, 3]),
                (START - 10).into(),
                (START + 290).into(),
            ],
        ),
        (
            "INSERT INTO sms_sends (phone, ip, sent_at, allowance) VALUES ($1, '10.0.0.1', $2, '')",
            vec![PENDING.into(), (START - 10).into()],
        ),
        (
            "INSERT INTO sms_send_totals (second, total) VALUES ($1, 1), ($2, 2)",
            vec![(START - 90_000).into(), (START - 10).into()],
        ),
    ];
    for (sql, values) in rows {
        let mut query = sqlx::query(sql);
        for value in values {
            query = match value {
                Value::Int(n) => query.bind(n),
                Value::Text(text) => query.bind(text),
                Value::Bytes(bytes) => query.bind(bytes),
            };
        }
        query
            .execute(db)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
}

enum Value {
    Int(i64),
    Text(&'static str),
    Bytes(Vec<u8>),
}

impl From<i64> for Value {
    fn from(n: i64) -> Self {
        Self::Int(n)
    }
}

impl From<&'static str> for Value {
    fn from(text: &'static str) -> Self {
        Self::Text(text)
    }
}

#[tokio::test]
async fn a_released_database_upgrades_without_losing_what_it_holds() {
    let (url, dir) = fresh_database().await;
    std::fs::create_dir_all(dir.path().join("nested")).expect("folder");
    released_schema(&url).await;
    sqlx::any::install_default_drivers();
    let db = AnyPool::connect(&url).await.expect("pool");
    released_rows(&db).await;

    // The app starts on it: the store migrates what is newer.
    let store = store::connect(&url, 4)
        .await
        .expect("the store opens and migrates");
    let limits = SessionLimits::default();

    let session = store
        .session_account("session-hash", START, limits)
        .await
        .expect("read")
        .expect("the session lives on");
    assert_eq!(session.account.phone.e164(), OWNER);
    assert_eq!(session.method, SignInMethod::Sms);
    // 0012: the account got its random public id.
    assert_eq!(session.public_id.len(), 32, "{}", session.public_id);
    assert!(session.public_id.bytes().all(|b| b.is_ascii_hexdigit()));
    let sessions = store
        .sessions_of(OWNER_ID, START, limits)
        .await
        .expect("read");
    assert_eq!(sessions.len(), 1);
    assert_eq!(
        (
            sessions[0].device.as_deref(),
            sessions[0].country.as_deref(),
            sessions[0].novelty.word()
        ),
        (Some("Firefox, Linux"), Some("RU"), "device")
    );

    let code = store
        .verification("code-hash", START, &Policy::default())
        .await
        .expect("read")
        .expect("the pending code lives on");
    assert_eq!(code.phone.e164(), PENDING);
    assert_eq!((code.code_digest, code.failed_tries), (vec![1, 2, 3], 1));
    assert!(code.allowance.is_shared() && !code.consumed);

    let activity = store.activity(OWNER_ID, 0, 10).await.expect("read");
    let kinds: Vec<_> = activity.iter().map(|e| e.kind.map(Word::word)).collect();
    assert_eq!(
        kinds[..2],
        [Some("sign_in"), Some("wrong_code")],
        "the session's sign-in and the event"
    );
    assert_eq!(activity[0].detail.novelty.map(Word::word), Some("device"));
    // Each meaning of the released `detail` is read from its own column now.
    let details: Vec<_> = activity[2..].iter().map(|e| e.detail.clone()).collect();
    assert_eq!(
        details,
        [
            EventDetail {
                locked_until: Some(1_795_650_960),
                ..EventDetail::default()
            },
            EventDetail {
                passkey_name: Some("My phone".into()),
                ..EventDetail::default()
            },
            EventDetail {
                alert_about: Some(AlertAbout::Passkey),
                ..EventDetail::default()
            },
            EventDetail {
                alert_about: Some(AlertAbout::SignIn),
                novelty: Novelty::from_word("country"),
                ..EventDetail::default()
            },
            EventDetail {
                failure: Some("timeout".into()),
                ..EventDetail::default()
            },
            EventDetail {
                ended_by: Some(EndedBy::NotMe),
                ..EventDetail::default()
            },
        ]
    );
    assert_eq!(activity[7].from, Footprint::default(), "'' became unknown");
    // No '' is left standing for "none" anywhere.
    for (table, columns) in [
        (
            "sessions",
            ["device", "device_hash", "country", "network"].as_slice(),
        ),
        ("known_devices", &["name", "country"]),
        ("security_events", &["device", "country", "network"]),
        ("sms_sends", &["ip", "allowance"]),
        ("verifications", &["allowance"]),
    ] {
        for column in columns {
            let sql = format!("SELECT COUNT(*) FROM {table} WHERE {column} = ''");
            let blank: i64 = sqlx::query_scalar(&sql)
                .fetch_one(&db)
                .await
                .expect("count");
            assert_eq!(blank, 0, "{sql}");
        }
    }
    let alert_from: Option<String> =
        sqlx::query_scalar("SELECT ip FROM sms_sends WHERE allowance = 'alert'")
            .fetch_one(&db)
            .await
            .expect("the alert's send");
    assert_eq!(alert_from, None);

    let pending = Phone::parse(PENDING, &[7]).expect("phone");
    let shared = Allowance::shared();
    assert_eq!(
        store
            .last_sms_to(&pending, &shared, START)
            .await
            .expect("read"),
        Some(START - 10),
        "the cooldown still counts the SMS sent before"
    );
    let standing = store
        .standing(
            &pending,
            None,
            &Footprint::default(),
            "10.0.0.1",
            START,
            &Policy::default(),
        )
        .await
        .expect("read");
    assert_eq!(
        (
            standing.sends.sent_last_day,
            standing.sends.sent_new_last_day,
            standing.sends.sent_from_ip_last_hour
        ),
        (1, 1, 1),
        "the day's budget, the new numbers' lane (the number has no account) and the \
         address's cap still count it"
    );

    let owner = Phone::parse(OWNER, &[7]).expect("phone");
    let from_old_device = store
        .standing(
            &owner,
            Some("old-device"),
            &Footprint::default(),
            "10.0.0.2",
            START,
            &Policy::default(),
        )
        .await
        .expect("read");
    assert_eq!(
        from_old_device.allowance,
        Allowance::device("old-device"),
        "a device the account knew is known still"
    );

    let passkeys = store.passkeys_of(OWNER_ID).await.expect("read");
    assert_eq!(passkeys.len(), 1);
    assert_eq!(passkeys[0].name, "Chrome, Android");

    // A session of the released schema ends as any other: its sign-in and its end
    // stay in the activity, and its device stays known to the account.
    store
        .delete_session("session-hash", START)
        .await
        .expect("sign out");
    assert!(store
        .sessions_of(OWNER_ID, START, limits)
        .await
        .expect("read")
        .is_empty());
    let activity = store.activity(OWNER_ID, 0, 3).await.expect("read");
    let told: Vec<_> = activity
        .iter()
        .map(|e| {
            let said = e.detail.ended_by.map(Word::word);
            (
                e.kind.map(Word::word),
                said.or(e.detail.novelty.map(Word::word)),
            )
        })
        .collect();
    assert_eq!(
        told,
        [
            (Some("session_ended"), Some("sign_out")),
            (Some("sign_in"), Some("device")),
            (Some("wrong_code"), None)
        ]
    );
    let from_its_device = store
        .standing(
            &owner,
            Some("device-hash"),
            &Footprint::default(),
            "10.0.0.2",
            START,
            &Policy::default(),
        )
        .await
        .expect("read");
    assert_eq!(from_its_device.allowance, Allowance::device("device-hash"));
}
