//! Retry policy: which outcomes are retried, and how long to wait between attempts.

use std::time::Duration;

use reqwest::{Method, StatusCode};

/// When and how often a call is retried.
///
/// By default only what is safe is retried: connection failures before the request was sent (any
/// method), and 429/502/503/504 answers or broken connections on GET, PUT and DELETE. A POST (which
/// starts a paid run) is retried after it may have reached the server only with
/// [`RetryPolicy::retry_non_idempotent`].
///
/// ```
/// use std::time::Duration;
/// use perftest_sdk::RetryPolicy;
/// let policy = RetryPolicy::default().max_attempts(5).initial_backoff(Duration::from_millis(50));
/// assert_eq!(policy.attempts(), 5);
/// let never = RetryPolicy::disabled();
/// assert_eq!(never.attempts(), 1);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    retry_non_idempotent: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(20),
            retry_non_idempotent: false,
        }
    }
}

/// What an attempt ended with, as far as retrying is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// The connection could not be established: the server never saw the request.
    NotSent,
    /// The connection broke or timed out after the request may have been sent.
    MaybeSent,
    /// The server answered with this status.
    Status(StatusCode),
}

impl RetryPolicy {
    /// No retries: every call makes exactly one attempt.
    ///
    /// ```
    /// assert_eq!(perftest_sdk::RetryPolicy::disabled().attempts(), 1);
    /// ```
    pub fn disabled() -> Self {
        Self { max_attempts: 1, ..Self::default() }
    }
    /// Total attempts per call, the first included (at least 1).
    ///
    /// ```
    /// assert_eq!(perftest_sdk::RetryPolicy::default().max_attempts(0).attempts(), 1);
    /// ```
    pub fn max_attempts(mut self, n: u32) -> Self {
        self.max_attempts = n.max(1);
        self
    }
    /// The wait before the first retry; it doubles for each further retry (with jitter).
    ///
    /// ```
    /// let p = perftest_sdk::RetryPolicy::default().initial_backoff(std::time::Duration::from_millis(50));
    /// # let _ = p;
    /// ```
    pub fn initial_backoff(mut self, d: Duration) -> Self {
        self.initial_backoff = d;
        self
    }
    /// The longest wait between two attempts (also caps a server's `Retry-After`).
    ///
    /// ```
    /// let p = perftest_sdk::RetryPolicy::default().max_backoff(std::time::Duration::from_secs(5));
    /// # let _ = p;
    /// ```
    pub fn max_backoff(mut self, d: Duration) -> Self {
        self.max_backoff = d;
        self
    }
    /// Also retry POST requests after they may have reached the server. Starting a run is a POST:
    /// turn this on only when a duplicate start is acceptable or checked for.
    ///
    /// ```
    /// // Only when a duplicate start is acceptable, or checked for (as `perftest run --retry-start` does).
    /// let p = perftest_sdk::RetryPolicy::default().retry_non_idempotent(true);
    /// # let _ = p;
    /// ```
    pub fn retry_non_idempotent(mut self, yes: bool) -> Self {
        self.retry_non_idempotent = yes;
        self
    }
    /// The configured number of attempts.
    ///
    /// ```
    /// assert_eq!(perftest_sdk::RetryPolicy::default().attempts(), 3);
    /// ```
    pub fn attempts(&self) -> u32 {
        self.max_attempts
    }

    /// Whether an attempt with this outcome should be retried (attempt limits aside).
    pub(crate) fn should_retry(&self, method: &Method, outcome: Outcome) -> bool {
        let idempotent = matches!(*method, Method::GET | Method::PUT | Method::DELETE | Method::HEAD | Method::OPTIONS)
            || self.retry_non_idempotent;
        match outcome {
            Outcome::NotSent => true,
            Outcome::MaybeSent => idempotent,
            Outcome::Status(s) => idempotent && is_retryable_status(s),
        }
    }

    /// The wait before retry number `retry` (1 for the first retry): exponential with equal jitter,
    /// or the server's `Retry-After` when it gave one, capped by `max_backoff`.
    pub(crate) fn backoff(&self, retry: u32, retry_after: Option<Duration>, jitter: f64) -> Duration {
        if let Some(after) = retry_after {
            return after.min(self.max_backoff);
        }
        let exp = self.initial_backoff.saturating_mul(1u32 << (retry.saturating_sub(1)).min(16));
        let exp = exp.min(self.max_backoff);
        // Equal jitter: half fixed, half random, so retries from many clients spread out.
        exp / 2 + exp.mul_f64(jitter.clamp(0.0, 1.0) / 2.0)
    }
}

/// A uniform draw from `[0, 1)` for backoff jitter: xorshift64* per thread, seeded from the
/// process's random hash keys. Jitter only has to spread retries of many clients apart; it is
/// not a secret, so no cryptographic generator (and no dependency) is needed.
pub(crate) fn jitter() -> f64 {
    use std::cell::Cell;
    use std::hash::{BuildHasher, RandomState};
    thread_local! {
        static STATE: Cell<u64> = Cell::new(RandomState::new().hash_one(std::thread::current().id()) | 1);
    }
    STATE.with(|s| {
        let mut x = s.get();
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        s.set(x);
        // The top 53 bits as a fraction.
        (x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    })
}

/// 429 and the gateway's transient 5xx answers.
pub(crate) fn is_retryable_status(s: StatusCode) -> bool {
    matches!(s.as_u16(), 429 | 502 | 503 | 504)
}

/// `Retry-After` in seconds (the HTTP-date form is not used by the API gateway).
pub(crate) fn parse_retry_after(v: &str) -> Option<Duration> {
    v.trim().parse::<f64>().ok().filter(|s| s.is_finite() && *s >= 0.0).map(Duration::from_secs_f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn post_is_retried_only_when_unsent_unless_opted_in() {
        let p = RetryPolicy::default();
        assert!(p.should_retry(&Method::POST, Outcome::NotSent));
        assert!(!p.should_retry(&Method::POST, Outcome::MaybeSent));
        assert!(!p.should_retry(&Method::POST, Outcome::Status(StatusCode::SERVICE_UNAVAILABLE)));
        let p = p.retry_non_idempotent(true);
        assert!(p.should_retry(&Method::POST, Outcome::Status(StatusCode::TOO_MANY_REQUESTS)));
    }

    #[test]
    fn statuses() {
        let p = RetryPolicy::default();
        for s in [429, 502, 503, 504] {
            assert!(p.should_retry(&Method::GET, Outcome::Status(StatusCode::from_u16(s).unwrap())));
        }
        for s in [400, 401, 403, 404, 500, 501] {
            assert!(!p.should_retry(&Method::GET, Outcome::Status(StatusCode::from_u16(s).unwrap())));
        }
    }

    #[test]
    fn backoff_grows_is_capped_and_honours_retry_after() {
        let p = RetryPolicy::default().initial_backoff(Duration::from_millis(100)).max_backoff(Duration::from_secs(1));
        assert_eq!(p.backoff(1, None, 0.0), Duration::from_millis(50));
        assert_eq!(p.backoff(2, None, 1.0), Duration::from_millis(200));
        assert_eq!(p.backoff(30, None, 1.0), Duration::from_secs(1));
        assert_eq!(p.backoff(1, Some(Duration::from_secs(7)), 0.5), Duration::from_secs(1));
        assert_eq!(parse_retry_after(" 2 "), Some(Duration::from_secs(2)));
        assert_eq!(parse_retry_after("soon"), None);
    }

    #[test]
    fn jitter_is_uniform_enough_to_spread_retries() {
        let draws: Vec<f64> = (0..10_000).map(|_| jitter()).collect();
        assert!(draws.iter().all(|j| (0.0..1.0).contains(j)));
        // Ten equal buckets, each within 20 % of the expected 1,000 draws.
        let mut buckets = [0u32; 10];
        for j in &draws {
            buckets[(*j * 10.0) as usize] += 1;
        }
        assert!(buckets.iter().all(|&n| (800..=1200).contains(&n)), "{buckets:?}");
        // Two threads start from different seeds.
        let other: Vec<f64> = std::thread::spawn(|| (0..4).map(|_| jitter()).collect()).join().unwrap();
        assert_ne!(other, draws[..4]);
    }
}
