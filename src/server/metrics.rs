//! Prometheus metrics: what an operator watches. One registry per app state (no
//! global recorder), rendered as text at `/metrics`.

use std::time::Instant;

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
        histogram::{exponential_buckets, Histogram},
    },
    registry::Registry,
};

use super::state::AppState;
use crate::error::AppError;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Reason {
    reason: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Outcome {
    result: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Limit {
    limit: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Exchange {
    method: String,
    status: u16,
}

type LatencyFamily = Family<Exchange, Histogram, fn() -> Histogram>;

pub struct Metrics {
    registry: Registry,
    sms_sent: Counter,
    sms_failed: Family<Reason, Counter>,
    verifications: Family<Outcome, Counter>,
    rate_limited: Family<Limit, Counter>,
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
        let rate_limited = Family::<Limit, Counter>::default();
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
            latency,
        }
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
            self.rate_limited.get_or_create(&Limit { limit }).inc();
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

fn limit_name(error: &AppError) -> Option<&'static str> {
    Some(match error {
        AppError::ResendCooldown { .. } => "resend_cooldown",
        AppError::PhoneHourlyCap => "sms_per_phone_per_hour",
        AppError::IpHourlyCap => "sms_per_ip_per_hour",
        AppError::DailyBudget => "sms_per_day",
        AppError::PhoneLocked => "phone_failures_per_hour",
        _ => return None,
    })
}

fn verification_result(error: &AppError) -> &'static str {
    match error {
        AppError::WrongCode { .. } => "wrong_code",
        AppError::CodeExpired => "expired",
        AppError::TooManyTries => "too_many_tries",
        AppError::PhoneLocked => "locked",
        AppError::NoPendingVerification => "no_pending_code",
        AppError::MalformedCode => "malformed",
        _ => "error",
    }
}

/// Middleware: times every request into the latency histogram.
pub async fn track(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().as_str().to_owned();
    let response = next.run(request).await;
    state
        .metrics
        .latency
        .get_or_create(&Exchange {
            method,
            status: response.status().as_u16(),
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
        metrics.verification(&Err::<(), _>(AppError::PhoneLocked));
        metrics.verification(&Ok::<(), AppError>(()));
        metrics.refused(&AppError::ResendCooldown { seconds: 3 });
        metrics.refused(&AppError::InvalidPhone);
        let text = metrics.render();
        for line in [
            "sms_auth_sms_sent_total 1",
            "sms_auth_sms_failed_total{reason=\"timeout\"} 1",
            "sms_auth_verifications_total{result=\"wrong_code\"} 1",
            "sms_auth_verifications_total{result=\"locked\"} 1",
            "sms_auth_verifications_total{result=\"success\"} 1",
            "sms_auth_rate_limited_total{limit=\"resend_cooldown\"} 1",
            "sms_auth_rate_limited_total{limit=\"phone_failures_per_hour\"} 1",
        ] {
            assert!(text.contains(line), "{line} missing in\n{text}");
        }
        assert_eq!(text.matches("sms_auth_rate_limited_total{").count(), 2);
    }
}
