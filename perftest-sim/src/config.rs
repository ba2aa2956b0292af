//! What a simulator is started with.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::clock::{Clock, SystemClock};
use crate::faults::Fault;
use crate::profile::Profile;

/// Access key the simulator accepts by default (fake: it grants nothing anywhere else).
pub const DEFAULT_ACCESS_KEY: &str = "SIMAK0000000000000001";
/// Secret key paired with [`DEFAULT_ACCESS_KEY`] (fake).
pub const DEFAULT_SECRET_KEY: &str = "SIMSK00000000000000000000000000000000001";
/// IAM project id (the `{project_id}` path segment and `X-Project-Id`) the simulator serves by default.
pub const DEFAULT_PROJECT_ID: &str = "5e1a0000000000000000000000000001";

/// Simulator settings.
///
/// ```
/// use perftest_sim::SimConfig;
///
/// let config = SimConfig { time_scale: 60.0, seed: 7, ..SimConfig::default() };
/// assert_eq!(config.access_key, perftest_sim::DEFAULT_ACCESS_KEY);
/// assert!(config.check_date);
/// ```
#[derive(Clone)]
pub struct SimConfig {
    /// The only access key accepted (`Authorization: SDK-HMAC-SHA256 Access=…`).
    pub access_key: String,
    /// The secret key signatures are checked with.
    pub secret_key: String,
    /// The IAM project id the path and `X-Project-Id` must carry.
    pub project_id: String,
    /// Simulated seconds per real (clock) second: `60.0` plays one simulated minute per second.
    pub time_scale: f64,
    /// Seed of every random choice: metrics, AW ids and probabilistic faults.
    pub seed: u64,
    /// Reject requests whose `X-Sdk-Date` is more than [`SimConfig::max_date_skew`] away from
    /// the clock. Turn off to replay recorded requests.
    pub check_date: bool,
    /// Allowed distance between `X-Sdk-Date` and the clock (15 minutes, like the API gateway).
    pub max_date_skew: Duration,
    /// Faults active from the start (more can be added at run time).
    pub faults: Vec<Fault>,
    /// The clock run progress and the date check read ([`SystemClock`] by default).
    pub clock: Arc<dyn Clock>,
    /// Simulated seconds a started run waits (run status 9) before it runs.
    pub queue_secs: f64,
    /// Simulated run length when the task's cases define no stage durations.
    pub default_duration_secs: f64,
    /// Profile of tasks that were not given one through the control API.
    pub default_profile: Profile,
    /// Answer unknown ids like the real service (`403 SVCSTG.CPTS.4032002`) instead of the
    /// default `404 SVCSTG.CPTS.4042002`.
    pub not_found_as_403: bool,
    /// Largest request body accepted (larger ones get 413).
    pub max_body_bytes: usize,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            access_key: DEFAULT_ACCESS_KEY.to_owned(),
            secret_key: DEFAULT_SECRET_KEY.to_owned(),
            project_id: DEFAULT_PROJECT_ID.to_owned(),
            time_scale: 1.0,
            seed: 0,
            check_date: true,
            max_date_skew: Duration::from_secs(15 * 60),
            faults: Vec::new(),
            clock: Arc::new(SystemClock),
            queue_secs: 10.0,
            default_duration_secs: 300.0,
            default_profile: Profile::Healthy,
            not_found_as_403: false,
            max_body_bytes: 8 * 1024 * 1024,
        }
    }
}

impl SimConfig {
    /// Settings for the given credentials, everything else default.
    pub fn with_credentials(
        access_key: impl Into<String>,
        secret_key: impl Into<String>,
        project_id: impl Into<String>,
    ) -> Self {
        Self {
            access_key: access_key.into(),
            secret_key: secret_key.into(),
            project_id: project_id.into(),
            ..Self::default()
        }
    }

    /// The time scale actually used: non-finite or non-positive values fall back to 1.
    pub(crate) fn effective_time_scale(&self) -> f64 {
        if self.time_scale.is_finite() && self.time_scale > 0.0 {
            self.time_scale
        } else {
            1.0
        }
    }
}

impl fmt::Debug for SimConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ak: String = self.access_key.chars().take(4).collect();
        f.debug_struct("SimConfig")
            .field("access_key", &format_args!("{ak}…"))
            .field("secret_key", &"<redacted>")
            .field("project_id", &self.project_id)
            .field("time_scale", &self.time_scale)
            .field("seed", &self.seed)
            .field("check_date", &self.check_date)
            .field("max_date_skew", &self.max_date_skew)
            .field("faults", &self.faults)
            .field("clock", &self.clock)
            .field("queue_secs", &self.queue_secs)
            .field("default_duration_secs", &self.default_duration_secs)
            .field("default_profile", &self.default_profile)
            .field("not_found_as_403", &self.not_found_as_403)
            .field("max_body_bytes", &self.max_body_bytes)
            .finish()
    }
}
