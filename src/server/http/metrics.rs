//! Prometheus metrics: what an operator watches. One registry per app state (no
//! global recorder), rendered as text at `/metrics`.

use std::{sync::Arc, time::Instant};

use axum::{
    extract::{Request, State},
    middleware::Next,
    response::Response,
};
use prometheus_client::{
    encoding::EncodeLabelSet,
    metrics::{
        counter::Counter,
        family::Family,
        gauge::Gauge,
        histogram::{exponential_buckets, Histogram},
    },
    registry::Registry,
};

use http::{Method, StatusCode};

use crate::{
    error::AppError,
    otp::{
        guard::{self, Conversion},
        Lane, Limit, Policy,
    },
    store::BudgetSpend,
};

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Reason {
    reason: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Outcome {
    result: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Signal {
    signal: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct LimitLabel {
    limit: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct LaneLabel {
    lane: &'static str,
}

/// A kind of the guard's scopes: `range` or `country`.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ScopeLabel {
    scope: &'static str,
}

/// A served country's calling code: the configuration bounds them.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CountryLabel {
    country: String,
}

/// The labels of a timed request: both from fixed sets, so no client can make a
/// new series (a method or status it invents is `OTHER` or its class).
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Exchange {
    method: &'static str,
    status: &'static str,
}

fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        _ => "OTHER",
    }
}

/// The statuses this service answers with by name; any other by its class.
#[allow(clippy::match_overlapping_arm)] // named codes first, then their classes
fn status_label(status: StatusCode) -> &'static str {
    match status.as_u16() {
        200 => "200",
        204 => "204",
        302 => "302",
        303 => "303",
        304 => "304",
        307 => "307",
        400 => "400",
        401 => "401",
        403 => "403",
        404 => "404",
        405 => "405",
        413 => "413",
        415 => "415",
        422 => "422",
        429 => "429",
        500 => "500",
        503 => "503",
        100..=199 => "1xx",
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        500..=599 => "5xx",
        _ => "other",
    }
}

type LatencyFamily = Family<Exchange, Histogram, fn() -> Histogram>;

pub struct Metrics {
    registry: Registry,
    sms_sent: Counter,
    sms_failed: Family<Reason, Counter>,
    verifications: Family<Outcome, Counter>,
    rate_limited: Family<LimitLabel, Counter>,
    security_alerts: Family<Outcome, Counter>,
    new_sign_ins: Family<Signal, Counter>,
    passkeys: Family<Outcome, Counter>,
    challenges: Family<Outcome, Counter>,
    challenged: Family<ScopeLabel, Gauge>,
    guard_sent: Family<CountryLabel, Gauge>,
    guard_verified: Family<CountryLabel, Gauge>,
    budget_spent: Family<LaneLabel, Gauge>,
    budget_limit: Family<LaneLabel, Gauge>,
    latency: LatencyFamily,
}

fn latency_histogram() -> Histogram {
    // 0.25 ms … ~8 s.
    Histogram::new(exponential_buckets(0.000_25, 2.0, 16))
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("sms_auth");
        let sms_sent = Counter::default();
        let sms_failed = Family::<Reason, Counter>::default();
        let verifications = Family::<Outcome, Counter>::default();
        let rate_limited = Family::<LimitLabel, Counter>::default();
        let security_alerts = Family::<Outcome, Counter>::default();
        let new_sign_ins = Family::<Signal, Counter>::default();
        let passkeys = Family::<Outcome, Counter>::default();
        let challenges = Family::<Outcome, Counter>::default();
        let challenged = Family::<ScopeLabel, Gauge>::default();
        let guard_sent = Family::<CountryLabel, Gauge>::default();
        let guard_verified = Family::<CountryLabel, Gauge>::default();
        let budget_spent = Family::<LaneLabel, Gauge>::default();
        let budget_limit = Family::<LaneLabel, Gauge>::default();
        let latency = LatencyFamily::new_with_constructor(latency_histogram);
        registry.register("sms_sent", "SMS accepted by the sender", sms_sent.clone());
        registry.register(
            "sms_failed",
            "SMS the sender did not accept, by reason",
            sms_failed.clone(),
        );
        registry.register(
            "verifications",
            "Code checks, by result",
            verifications.clone(),
        );
        registry.register(
            "rate_limited",
            "Requests refused by a limit, by limit",
            rate_limited.clone(),
        );
        registry.register(
            "security_alerts",
            "Alerts to owners after a sign-in from a new device or country, by result: \
             sent, failed, already_alerted, daily_cap, budget, off, error",
            security_alerts.clone(),
        );
        registry.register(
            "new_sign_ins",
            "Sign-ins to an existing account from a new device or a new country, by signal",
            new_sign_ins.clone(),
        );
        registry.register(
            "passkeys",
            "Passkey events, by result: added, removed, signed_in, refused",
            passkeys.clone(),
        );
        registry.register(
            "challenges",
            "Proofs of work asked of new numbers' browsers, by result: issued, solved, \
             failed (forged, for another number, expired or used before)",
            challenges.clone(),
        );
        registry.register(
            "guard_challenged",
            "Ranges and countries the conversion guard or the operator challenges now, by \
             scope: range, country; read from the store when scraped",
            challenged.clone(),
        );
        registry.register(
            "guard_sent",
            "Codes sent to new numbers in the last 24 hours (to the hour), by served \
             country (calling code); read from the store when scraped",
            guard_sent.clone(),
        );
        registry.register(
            "guard_verified",
            "Of those, the codes entered (first sign-ins), by served country: with \
             guard_sent, the country's conversion",
            guard_verified.clone(),
        );
        registry.register(
            "budget_spent",
            "SMS of the last 24 hours, by the budget's lane they were spent from: new \
             (codes to numbers never signed in with), trusted (the rest: codes to numbers \
             that have signed in, and alerts); read from the store when scraped",
            budget_spent.clone(),
        );
        registry.register(
            "budget_limit",
            "What each lane may spend in 24 hours: new, its share of the budget; trusted, \
             the whole budget (less what the new lane spent)",
            budget_limit.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "Time to answer an HTTP request, by method and status",
            latency.clone(),
        );
        Self {
            registry,
            sms_sent,
            sms_failed,
            verifications,
            rate_limited,
            security_alerts,
            new_sign_ins,
            passkeys,
            challenges,
            challenged,
            guard_sent,
            guard_verified,
            budget_spent,
            budget_limit,
            latency,
        }
    }

    /// Sets each lane's spend of the last 24 hours, as the store counted it, and its
    /// limit under `policy`.
    pub fn budget(&self, spend: BudgetSpend, policy: &Policy) {
        let whole = policy.limit(Limit::SmsPerDay);
        for (lane, spent, limit) in [
            (Lane::New, spend.new, policy.new_numbers_lane()),
            (Lane::Trusted, spend.all.saturating_sub(spend.new), whole),
        ] {
            let label = LaneLabel { lane: lane.key() };
            self.budget_spent
                .get_or_create(&label)
                .set(i64::from(spent));
            self.budget_limit
                .get_or_create(&label)
                .set(i64::from(limit));
        }
    }

    /// Sets how many scopes are challenged now, of each kind, from the scopes'
    /// names in the store (`range:…`, `country:…`).
    pub fn challenged<'a>(&self, scopes: impl IntoIterator<Item = &'a str>) {
        let kinds: Vec<&str> = scopes.into_iter().map(guard::kind_of).collect();
        for scope in ["range", "country"] {
            let count = kinds.iter().filter(|&&kind| kind == scope).count();
            self.challenged
                .get_or_create(&ScopeLabel { scope })
                .set(i64::try_from(count).unwrap_or(i64::MAX));
        }
    }

    /// Sets a served country's codes to new numbers of the last day and how many were
    /// entered.
    pub fn conversion(&self, country: u16, day: Conversion) {
        let label = CountryLabel {
            country: country.to_string(),
        };
        self.guard_sent
            .get_or_create(&label)
            .set(i64::from(day.sent));
        self.guard_verified
            .get_or_create(&label)
            .set(i64::from(day.verified));
    }

    /// Counts a sign-in from a new device and/or a new country.
    pub fn new_sign_in(&self, device: bool, country: bool) {
        for (new, signal) in [(device, "device"), (country, "country")] {
            if new {
                self.new_sign_ins.get_or_create(&Signal { signal }).inc();
            }
        }
    }

    /// Counts what became of an alert.
    pub fn security_alert(&self, result: &'static str) {
        self.security_alerts
            .get_or_create(&Outcome { result })
            .inc();
    }

    /// Counts a passkey added, removed, signed in with, or refused.
    pub fn passkey(&self, result: &'static str) {
        self.passkeys.get_or_create(&Outcome { result }).inc();
    }

    /// Counts a proof of work issued, solved or failed.
    pub fn challenge(&self, result: &'static str) {
        self.challenges.get_or_create(&Outcome { result }).inc();
    }

    pub fn sms_sent(&self) {
        self.sms_sent.inc();
    }

    pub fn sms_failed(&self, reason: &'static str) {
        self.sms_failed.get_or_create(&Reason { reason }).inc();
    }

    /// Counts a refusal if `error` is one of the limits.
    pub fn refused(&self, error: &AppError) {
        if let Some(limit) = limit_name(error) {
            self.rate_limited.get_or_create(&LimitLabel { limit }).inc();
        }
    }

    /// Counts a code check by its result, and a refusal if a limit stopped it.
    pub fn verification<T>(&self, result: &Result<T, AppError>) {
        let outcome = match result {
            Ok(_) => "success",
            Err(error) => {
                self.refused(error);
                verification_result(error)
            }
        };
        self.verifications
            .get_or_create(&Outcome { result: outcome })
            .inc();
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        let mut text = String::new();
        if prometheus_client::encoding::text::encode(&mut text, &self.registry).is_err() {
            tracing::error!("metrics could not be encoded");
        }
        text
    }
}

/// The metrics name of the limit that refused `error`, from the table of limits.
fn limit_name(error: &AppError) -> Option<&'static str> {
    Limit::of_refusal(error).map(|limit| limit.spec().label)
}

fn verification_result(error: &AppError) -> &'static str {
    match error {
        AppError::WrongCode { .. } => "wrong_code",
        AppError::CodeExpired => "expired",
        AppError::TooManyTries => "too_many_tries",
        AppError::PhoneLocked { .. } => "locked",
        AppError::NoPendingVerification => "no_pending_code",
        AppError::MalformedCode => "malformed",
        _ => "error",
    }
}

/// Middleware: times every request into the latency histogram.
pub async fn track(State(metrics): State<Arc<Metrics>>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = method_label(request.method());
    let response = next.run(request).await;
    metrics
        .latency
        .get_or_create(&Exchange {
            method,
            status: status_label(response.status()),
        })
        .observe(started.elapsed().as_secs_f64());
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_every_family_with_its_labels() {
        let metrics = Metrics::new();
        metrics.sms_sent();
        metrics.sms_failed("timeout");
        metrics.verification(&Err::<(), _>(AppError::WrongCode { tries_left: 2 }));
        metrics.verification(&Err::<(), _>(AppError::PhoneLocked { until: 0 }));
        metrics.verification(&Ok::<(), AppError>(()));
        metrics.refused(&AppError::ResendCooldown { seconds: 3 });
        metrics.refused(&AppError::InvalidPhone);
        let mut policy = Policy::default();
        policy.limits[Limit::SmsPerDay] = 60;
        metrics.budget(BudgetSpend { all: 41, new: 30 }, &policy);
        metrics.challenged(["range:+79001234", "range:+79001235", "country:7"]);
        metrics.conversion(
            7,
            Conversion {
                sent: 40,
                verified: 12,
            },
        );
        let text = metrics.render();
        for line in [
            "sms_auth_guard_challenged{scope=\"range\"} 2",
            "sms_auth_guard_challenged{scope=\"country\"} 1",
            "sms_auth_guard_sent{country=\"7\"} 40",
            "sms_auth_guard_verified{country=\"7\"} 12",
            "sms_auth_sms_sent_total 1",
            "sms_auth_sms_failed_total{reason=\"timeout\"} 1",
            "sms_auth_verifications_total{result=\"wrong_code\"} 1",
            "sms_auth_verifications_total{result=\"locked\"} 1",
            "sms_auth_verifications_total{result=\"success\"} 1",
            "sms_auth_rate_limited_total{limit=\"resend_cooldown\"} 1",
            "sms_auth_rate_limited_total{limit=\"phone_failures_per_hour\"} 1",
            "sms_auth_budget_spent{lane=\"new\"} 30",
            "sms_auth_budget_spent{lane=\"trusted\"} 11",
            "sms_auth_budget_limit{lane=\"new\"} 30",
            "sms_auth_budget_limit{lane=\"trusted\"} 60",
        ] {
            assert!(text.contains(line), "{line} missing in\n{text}");
        }
        assert_eq!(text.matches("sms_auth_rate_limited_total{").count(), 2);
    }

    #[test]
    fn request_labels_come_from_fixed_sets() {
        let invented = Method::from_bytes(b"BREW").expect("method");
        assert_eq!(method_label(&invented), "OTHER");
        assert_eq!(method_label(&Method::PUT), "OTHER");
        assert_eq!(method_label(&Method::HEAD), "HEAD");
        assert_eq!(status_label(StatusCode::OK), "200");
        assert_eq!(status_label(StatusCode::IM_A_TEAPOT), "4xx");
        assert_eq!(
            status_label(StatusCode::from_u16(599).expect("status")),
            "5xx"
        );
        assert_eq!(
            status_label(StatusCode::from_u16(299).expect("status")),
            "2xx"
        );
        let mut labels = std::collections::HashSet::new();
        for code in 100..=999 {
            if let Ok(status) = StatusCode::from_u16(code) {
                labels.insert(status_label(status));
            }
        }
        assert!(labels.len() <= 30, "{labels:?}");
    }
}
