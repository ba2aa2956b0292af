//! The JSON result: a stable schema (`"schema": "perftest.run/v1"`) for pipelines and scripts.
//!
//! ```json
//! {"schema": "perftest.run/v1", "outcome": "passed", "exit_code": 0, "summary": "...",
//!  "task": {"id": 7, "name": "checkout", "project_id": 3}, "task_run_id": 123,
//!  "status": "finished", "status_code": 2, "start_time": "...", "end_time": "...",
//!  "duration_seconds": 300, "waited_seconds": 12.5,
//!  "metrics": {"requests": 1000, "success_rate": 99.9, "avg_rt": 120.5, ...},   // null when not reported
//!  "response_codes": {"2xx": 999, ...},
//!  "thresholds": [{"expression": "tp90>1s", "metric": "tp90", "operator": ">", "limit": 1000,
//!                  "unit": "ms", "measured": 800, "passed": true, "message": "measured 800ms vs limit 1000ms ..."}],
//!  "notes": []}
//! ```

use serde_json::{Map, Value, json};

use super::RunResult;

/// Version tag of the schema; bump it on any incompatible change.
pub const SCHEMA: &str = "perftest.run/v1";

pub fn render(r: &RunResult) -> Value {
    let report = r.report.as_ref();
    let thresholds: Vec<Value> = r
        .verdicts
        .iter()
        .map(|v| {
            let t = &v.threshold;
            json!({
                "expression": t.expression,
                "metric": t.metric.name(),
                "operator": t.op.symbol(),
                "limit": number(t.limit),
                "unit": t.metric.unit().suffix(),
                "measured": v.measured.map(number),
                "passed": v.passed,
                "message": v.explanation(),
            })
        })
        .collect();
    let codes: Map<String, Value> =
        report.map(|r| r.response_codes.iter().map(|(k, n)| ((*k).to_owned(), json!(n))).collect()).unwrap_or_default();
    json!({
        "schema": SCHEMA,
        "outcome": r.outcome.as_str(),
        "exit_code": r.outcome.code(),
        "summary": r.summary(),
        "task": r.task,
        "task_run_id": r.task_run_id,
        "status": r.status.map(|s| s.to_string()),
        "status_code": r.status.map(|s| s.code()),
        "start_time": report.and_then(|r| r.start_time.clone()),
        "end_time": report.and_then(|r| r.end_time.clone()),
        "duration_seconds": report.and_then(|r| r.duration),
        "waited_seconds": r.waited.map(|d| (d.as_secs_f64() * 1000.0).round() / 1000.0),
        "metrics": whole_numbers(json!(report.map(|r| r.metrics.clone()).unwrap_or_default())),
        "response_codes": codes,
        "thresholds": thresholds,
        "notes": r.notes,
    })
}

/// A whole number as an integer (`59`, not `59.0`).
fn number(v: f64) -> Value {
    if v.fract() == 0.0 && v.abs() < 9.0e15 { json!(v as i64) } else { json!(v) }
}

fn whole_numbers(v: Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(m.into_iter().map(|(k, v)| (k, whole_numbers(v))).collect()),
        Value::Number(n) => n.as_f64().map(number).unwrap_or(Value::Number(n)),
        other => other,
    }
}
