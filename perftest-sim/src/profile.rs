//! How a task's runs behave: healthy, degraded, or aborting midway.

use serde::{Deserialize, Serialize};

/// The behaviour of a task's next runs (a run keeps the profile it started with).
///
/// In JSON (control API): `{"profile":"healthy"}`, `{"profile":"degraded"}`,
/// `{"profile":"abort","at_fraction":0.5}` or
/// `{"profile":"custom","success_rate":97.5,"avg_rt_ms":300,"abort_at_fraction":null}`.
///
/// ```
/// use perftest_sim::Profile;
///
/// let p: Profile = serde_json::from_str(r#"{"profile":"degraded"}"#).unwrap();
/// assert_eq!(p, Profile::Degraded);
/// assert!(Profile::Healthy.success_rate() > 99.0);
/// assert!(Profile::Degraded.avg_rt_ms() > 500.0);
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(tag = "profile", rename_all = "snake_case")]
pub enum Profile {
    /// Success rate about 99.9 %, average response time about 120 ms.
    #[default]
    Healthy,
    /// Success rate about 90 %, average response time about 900 ms.
    Degraded,
    /// Healthy metrics, but the run aborts (run status 3) after `at_fraction` of its duration.
    Abort {
        /// Fraction (0..1) of the planned duration after which the run aborts.
        #[serde(default = "half")]
        at_fraction: f64,
    },
    /// Chosen numbers.
    Custom {
        /// Success rate in percent (0..=100).
        success_rate: f64,
        /// Average response time in milliseconds.
        avg_rt_ms: f64,
        /// Abort after this fraction (0..1) of the planned duration, if set.
        #[serde(default)]
        abort_at_fraction: Option<f64>,
    },
}

fn half() -> f64 {
    0.5
}

impl Profile {
    /// Target success rate in percent.
    pub fn success_rate(&self) -> f64 {
        match self {
            Self::Healthy | Self::Abort { .. } => 99.9,
            Self::Degraded => 90.0,
            Self::Custom { success_rate, .. } => finite_or(*success_rate, 100.0).clamp(0.0, 100.0),
        }
    }

    /// Target average response time in milliseconds.
    pub fn avg_rt_ms(&self) -> f64 {
        match self {
            Self::Healthy | Self::Abort { .. } => 120.0,
            Self::Degraded => 900.0,
            Self::Custom { avg_rt_ms, .. } => finite_or(*avg_rt_ms, 120.0).clamp(1.0, 600_000.0),
        }
    }

    /// Fraction of the planned duration after which the run aborts, if it does.
    pub fn abort_at_fraction(&self) -> Option<f64> {
        match self {
            Self::Abort { at_fraction } => Some(finite_or(*at_fraction, 0.5).clamp(0.0, 1.0)),
            Self::Custom { abort_at_fraction, .. } => abort_at_fraction.map(|f| finite_or(f, 0.5).clamp(0.0, 1.0)),
            Self::Healthy | Self::Degraded => None,
        }
    }

    /// Share of failures that are timeouts (the rest are 4xx/5xx answers).
    pub(crate) fn timeout_share(&self) -> f64 {
        if self.avg_rt_ms() > 500.0 {
            0.3
        } else {
            0.1
        }
    }
}

fn finite_or(v: f64, fallback: f64) -> f64 {
    if v.is_finite() {
        v
    } else {
        fallback
    }
}
