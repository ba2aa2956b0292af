//! Fault injection: throttling, gateway errors, latency, dropped connections and broken bodies,
//! per operation or for all, always or with a (seeded) probability, for the next N matches or forever.

use std::time::Duration;

use http::StatusCode;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};

use crate::error::{codes, ApiError};

/// One fault rule.
///
/// In JSON (control API `POST /_sim/faults`) the kind's fields sit beside the rule's:
/// `{"operation":"show_task","kind":"server_error","status":503,"times":1}`.
///
/// ```
/// use perftest_sim::{Fault, FaultKind};
///
/// let f = Fault::new(FaultKind::Throttle { retry_after_secs: 2 }).on("show_task").times(1);
/// let json = serde_json::to_value(&f).unwrap();
/// assert_eq!(json["kind"], "throttle");
/// let back: Fault = serde_json::from_value(json).unwrap();
/// assert_eq!(back, f);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fault {
    /// Operation id to match (`show_task`, ...; see `perftest_sdk::dispatch::OPERATIONS`);
    /// `None` matches every CPTS request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    /// What happens.
    #[serde(flatten)]
    pub kind: FaultKind,
    /// Chance (0..=1) that a matching request is hit, drawn from the seeded generator.
    #[serde(default = "one")]
    pub probability: f64,
    /// Hit at most this many requests, then stay inert; `None` = no limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub times: Option<u32>,
}

fn one() -> f64 {
    1.0
}

/// What a fault does to a request it hits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FaultKind {
    /// `429` with `Retry-After: retry_after_secs` and an APIG body (`APIGW.0308`); the request is
    /// not processed.
    Throttle {
        /// Seconds in the `Retry-After` header.
        #[serde(default = "one_u64")]
        retry_after_secs: u64,
    },
    /// A 5xx with an APIG-style JSON body (`500` → `CPTS.05001001`, `502`/`503` → `APIGW.0202`,
    /// `504` → `APIGW.0203`); the request is not processed.
    ServerError {
        /// 500..=599.
        status: u16,
    },
    /// Wait this long (real time) before handling the request normally. Latency faults add up
    /// and combine with one other fault.
    Latency {
        /// Milliseconds.
        millis: u64,
    },
    /// Close the connection without answering (the request is not processed). Implemented by
    /// dropping the HTTP connection task, so the client sees the socket close mid-request.
    DropConnection,
    /// Process the request, then send only the first half of the JSON body (`Content-Length`
    /// matches what is sent, so the client reads a complete but truncated document).
    TruncatedBody,
    /// Answer with an HTML page and this status; the request is not processed.
    HtmlBody {
        /// The status (200 makes a "successful" non-JSON answer).
        #[serde(default = "ok200")]
        status: u16,
    },
}

fn one_u64() -> u64 {
    1
}

fn ok200() -> u16 {
    200
}

impl Fault {
    /// A fault of `kind` on every operation, always, without limit.
    pub fn new(kind: FaultKind) -> Self {
        Self { operation: None, kind, probability: 1.0, times: None }
    }

    /// Only requests for this operation id.
    pub fn on(mut self, operation: impl Into<String>) -> Self {
        self.operation = Some(operation.into());
        self
    }

    /// At most `n` hits.
    pub fn times(mut self, n: u32) -> Self {
        self.times = Some(n);
        self
    }

    /// Hit a matching request with probability `p` (0..=1).
    pub fn probability(mut self, p: f64) -> Self {
        self.probability = p;
        self
    }

    /// Checks the rule; the message says what is wrong.
    pub fn validate(&self) -> Result<(), String> {
        if !(self.probability.is_finite() && (0.0..=1.0).contains(&self.probability)) {
            return Err(format!("probability must be within 0..=1, got {}", self.probability));
        }
        if let Some(op) = &self.operation {
            if perftest_sdk::dispatch::operation(op).is_none() {
                return Err(format!("unknown operation {op:?}"));
            }
        }
        match self.kind {
            FaultKind::ServerError { status } if !(500..=599).contains(&status) => {
                Err(format!("server_error status must be within 500..=599, got {status}"))
            }
            FaultKind::HtmlBody { status } if StatusCode::from_u16(status).is_err() || status < 200 => {
                Err(format!("html_body status must be a valid status of at least 200, got {status}"))
            }
            FaultKind::Latency { millis } if millis > 600_000 => {
                Err(format!("latency is limited to 600000 ms, got {millis}"))
            }
            _ => Ok(()),
        }
    }
}

/// A rule with its bookkeeping, as listed by `GET /_sim/faults`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FaultState {
    /// Identifier for `DELETE /_sim/faults/{id}`.
    pub id: u64,
    /// The rule.
    pub fault: Fault,
    /// Hits left (`None` = unlimited).
    pub remaining: Option<u32>,
    /// Requests hit so far.
    pub hits: u64,
}

/// What the active faults decided for one request.
#[derive(Debug, Default)]
pub(crate) struct Decision {
    /// Added latency.
    pub delay: Duration,
    /// The one non-latency fault hit, if any.
    pub action: Option<FaultKind>,
}

/// The active fault rules and the generator their probabilities draw from.
#[derive(Debug)]
pub(crate) struct Faults {
    entries: Vec<FaultState>,
    next_id: u64,
    rng: StdRng,
}

impl Faults {
    pub(crate) fn new(seed: u64, initial: &[Fault]) -> Self {
        let mut faults = Self { entries: Vec::new(), next_id: 1, rng: StdRng::seed_from_u64(seed ^ 0x6661_756c_7473) };
        for f in initial {
            faults.add(f.clone());
        }
        faults
    }

    pub(crate) fn add(&mut self, fault: Fault) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        let remaining = fault.times;
        self.entries.push(FaultState { id, fault, remaining, hits: 0 });
        id
    }

    pub(crate) fn remove(&mut self, id: u64) -> bool {
        let before = self.entries.len();
        self.entries.retain(|e| e.id != id);
        self.entries.len() != before
    }

    pub(crate) fn clear(&mut self) {
        self.entries.clear();
    }

    pub(crate) fn list(&self) -> Vec<FaultState> {
        self.entries.clone()
    }

    /// Rolls every rule matching `operation`, in the order they were added.
    pub(crate) fn decide(&mut self, operation: &str) -> Decision {
        let mut decision = Decision::default();
        for entry in &mut self.entries {
            let matches = entry.fault.operation.as_deref().is_none_or(|op| op == operation);
            let is_latency = matches!(entry.fault.kind, FaultKind::Latency { .. });
            if !matches || entry.remaining == Some(0) || (!is_latency && decision.action.is_some()) {
                continue;
            }
            let p = entry.fault.probability;
            let hit = if p >= 1.0 { true } else { p > 0.0 && self.rng.random::<f64>() < p };
            if !hit {
                continue;
            }
            if let Some(n) = entry.remaining.as_mut() {
                *n -= 1;
            }
            entry.hits += 1;
            match &entry.fault.kind {
                FaultKind::Latency { millis } => decision.delay += Duration::from_millis(*millis),
                other => decision.action = Some(other.clone()),
            }
        }
        decision
    }
}

/// The gateway error a throttle or server-error fault answers with.
pub(crate) fn fault_error(kind: &FaultKind) -> Option<ApiError> {
    match kind {
        FaultKind::Throttle { retry_after_secs } => Some(ApiError::Gateway {
            status: StatusCode::TOO_MANY_REQUESTS,
            code: codes::APIG_THROTTLED,
            message: "The throttling threshold has been reached".into(),
            retry_after: Some(*retry_after_secs),
        }),
        FaultKind::ServerError { status } => {
            let status = StatusCode::from_u16(*status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
            let (code, message) = match status.as_u16() {
                502 | 503 => (codes::APIG_BACKEND_UNAVAILABLE, "Backend unavailable"),
                504 => (codes::APIG_BACKEND_TIMEOUT, "Backend timeout"),
                _ => (codes::UNKNOWN_ERROR, "unknown error"),
            };
            Some(ApiError::gateway(status, code, message))
        }
        _ => None,
    }
}

/// The HTML page of an `html_body` fault.
pub(crate) fn html_page(status: StatusCode) -> Vec<u8> {
    format!(
        "<html><head><title>{code} {reason}</title></head><body><h1>{code} {reason}</h1>\
         <hr><center>simulated fault (perftest-sim)</center></body></html>",
        code = status.as_u16(),
        reason = status.canonical_reason().unwrap_or("")
    )
    .into_bytes()
}

/// The first half of a body (at least one byte shorter than the whole).
pub(crate) fn truncate_body(body: &[u8]) -> Vec<u8> {
    let keep = (body.len() / 2).min(body.len().saturating_sub(1));
    body[..keep].to_vec()
}
