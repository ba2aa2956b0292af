//! The metrics of a run, taken from the report outline (`show_merge_report_logs_outline`).

use perftest_sdk::types;
use serde::Serialize;

use crate::threshold::Metric;

/// Every metric a threshold can test; `None` when the report does not carry it.
/// Response times are in milliseconds, rates in percent.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Metrics {
    pub requests: Option<f64>,
    pub successes: Option<f64>,
    pub errors: Option<f64>,
    pub success_rate: Option<f64>,
    pub error_rate: Option<f64>,
    pub tps: Option<f64>,
    pub rps: Option<f64>,
    pub max_rps: Option<f64>,
    pub avg_rt: Option<f64>,
    pub max_rt: Option<f64>,
    pub min_rt: Option<f64>,
    pub tp50: Option<f64>,
    pub tp90: Option<f64>,
    pub max_users: Option<f64>,
}

impl Metrics {
    /// Read the core index of a report outline.
    ///
    /// The rates are computed from the request counts when they are consistent (the report's own
    /// `success_rate` is a rounded integer); the report's value is the fallback.
    pub fn from_core_index(core: &types::CoreIndex) -> Self {
        let requests = core.request_count.map(f64::from);
        let successes = core.success_count.map(f64::from);
        let errors = core.error_request_count.map(f64::from).or(match (requests, successes) {
            (Some(r), Some(s)) if s <= r => Some(r - s),
            _ => None,
        });
        let counted = |n: Option<f64>| match (n, requests) {
            (Some(n), Some(r)) if r > 0.0 && n <= r => Some(n / r * 100.0),
            _ => None,
        };
        let success_rate = counted(successes).or(core.success_rate.map(f64::from));
        let error_rate = counted(errors).or(success_rate.map(|s| 100.0 - s));
        let rt = core.response_time.as_ref();
        Self {
            requests,
            successes,
            errors,
            success_rate,
            error_rate,
            tps: core.trans_tps,
            rps: core.rps,
            max_rps: core.max_rps.map(f64::from),
            avg_rt: rt.and_then(|r| r.avg_response_time),
            max_rt: rt.and_then(|r| r.max_response_time).map(|v| v as f64),
            min_rt: rt.and_then(|r| r.min_response_time).map(|v| v as f64),
            tp50: rt.and_then(|r| r.avg_tp50).map(f64::from),
            tp90: rt.and_then(|r| r.avg_tp90).map(f64::from),
            max_users: core.max_users.map(f64::from),
        }
    }

    /// The value of one metric.
    pub fn get(&self, metric: Metric) -> Option<f64> {
        match metric {
            Metric::SuccessRate => self.success_rate,
            Metric::ErrorRate => self.error_rate,
            Metric::Errors => self.errors,
            Metric::Requests => self.requests,
            Metric::Successes => self.successes,
            Metric::Tps => self.tps,
            Metric::Rps => self.rps,
            Metric::MaxRps => self.max_rps,
            Metric::AvgRt => self.avg_rt,
            Metric::MaxRt => self.max_rt,
            Metric::MinRt => self.min_rt,
            Metric::Tp50 => self.tp50,
            Metric::Tp90 => self.tp90,
            Metric::MaxUsers => self.max_users,
        }
    }

    /// Whether the report carried anything at all.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// What a report outline says about a run beyond its metrics.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    pub metrics: Metrics,
    pub start_time: Option<String>,
    pub end_time: Option<String>,
    /// Seconds, as the report gives them.
    pub duration: Option<i64>,
    /// `task_basic_execution_data.task_status`, when given.
    pub task_status: Option<i32>,
    /// Response-code counts (`1xx` .. `5xx`).
    pub response_codes: Vec<(&'static str, i64)>,
    /// Counts per response code (`200`, `503`, ...), when the report details them.
    pub code_details: Vec<(String, i64)>,
    /// Failed requests by kind (`timeout`, `connection refused`, ...), when the report gives them.
    pub failure_kinds: Vec<(&'static str, i64)>,
}

impl Report {
    pub fn from_outline(outline: &types::ReportOutline) -> Self {
        let metrics = outline.core_index.as_ref().map(Metrics::from_core_index).unwrap_or_default();
        let exec = outline.task_basic_execution_data.as_ref();
        let mut response_codes = Vec::new();
        if let Some(sum) = &outline.response_code_sum {
            for (label, n) in [
                ("1xx", sum.sum1xx),
                ("2xx", sum.sum2xx),
                ("3xx", sum.sum3xx),
                ("4xx", sum.sum4xx),
                ("5xx", sum.sum5xx),
            ] {
                if let Some(n) = n {
                    response_codes.push((label, i64::from(n)));
                }
            }
        }
        let code_details = outline
            .response_code_details
            .iter()
            .flatten()
            .filter_map(|d| {
                let code = match d.get("code")? {
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                let count = d.get("count").and_then(|c| c.as_i64().or_else(|| c.as_f64().map(|f| f as i64)))?;
                Some((code, count))
            })
            .collect();
        let failure_kinds = match &outline.exception_response_sum {
            Some(e) => [
                ("timeout", e.failed_timeout),
                ("connection refused", e.failed_refused.map(i64::from)),
                ("parse failure", e.failed_parsed.map(i64::from)),
                ("assertion failed", e.failed_assert.map(i64::from)),
                ("other (HTTP error)", e.failed_others.map(i64::from)),
            ]
            .into_iter()
            .filter_map(|(k, n)| n.map(|n| (k, n)))
            .collect(),
            None => Vec::new(),
        };
        Self {
            metrics,
            start_time: exec.and_then(|e| e.start_time.clone()),
            end_time: exec.and_then(|e| e.end_time.clone()),
            duration: exec.and_then(|e| e.duration).map(i64::from),
            task_status: exec.and_then(|e| e.task_status),
            response_codes,
            code_details,
            failure_kinds,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_come_from_the_counts_when_consistent() {
        let core: types::CoreIndex = serde_json::from_value(serde_json::json!({
            "request_count": 2000, "success_count": 1990, "error_request_count": 10, "success_rate": 99,
            "trans_tps": 120.5, "rps": 130.0, "max_users": 50,
            "response_time": {"avg_response_time": 210.5, "avg_tp50": 180, "avg_tp90": 400, "max_response_time": 1200, "min_response_time": 12}
        }))
        .unwrap();
        let m = Metrics::from_core_index(&core);
        assert_eq!(m.success_rate, Some(99.5));
        assert_eq!(m.error_rate, Some(0.5));
        assert_eq!((m.tp90, m.max_rt, m.max_users), (Some(400.0), Some(1200.0), Some(50.0)));
        assert_eq!(m.get(Metric::AvgRt), Some(210.5));
    }

    #[test]
    fn inconsistent_counts_fall_back_to_the_reported_rate() {
        let core: types::CoreIndex =
            serde_json::from_value(serde_json::json!({"request_count": 10, "success_count": 40, "success_rate": 97}))
                .unwrap();
        let m = Metrics::from_core_index(&core);
        assert_eq!(m.success_rate, Some(97.0));
        assert_eq!(m.error_rate, Some(3.0));
        assert!(Metrics::default().is_empty());
    }
}
