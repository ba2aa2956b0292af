//! The human-readable report.

use std::fmt::Write;

use super::RunResult;
use crate::threshold::{METRICS, format_value};

/// Render a result as aligned text.
pub fn render(r: &RunResult) -> String {
    let mut x = String::new();
    let mut field = |name: &str, value: String| {
        let _ = writeln!(x, "{name:<10} {value}");
    };
    if let Some(t) = &r.task {
        field("Task", format!("{}, CPTS project {}", t.label(), t.project_id));
    }
    if let Some(id) = r.task_run_id {
        field("Run", id.to_string());
    }
    if let Some(s) = r.status {
        field("Status", s.to_string());
    }
    if let Some(rep) = &r.report {
        if let Some(s) = &rep.start_time {
            field("Started", s.clone());
        }
        if let Some(s) = &rep.end_time {
            field("Ended", s.clone());
        }
        if let Some(d) = rep.duration {
            field("Duration", format!("{d}s"));
        }
    }
    if let Some(w) = r.waited {
        field("Waited", format!("{:.1}s", w.as_secs_f64()));
    }

    if let Some(rep) = r.report.as_ref().filter(|rep| !rep.metrics.is_empty()) {
        x.push_str("\nMetrics\n");
        for (metric, name, unit, meaning) in METRICS {
            if let Some(v) = rep.metrics.get(*metric) {
                let _ = writeln!(x, "  {name:<13} {:>12}   {meaning}", format_value(v, *unit));
            }
        }
        if !rep.response_codes.is_empty() {
            let codes: Vec<String> = rep.response_codes.iter().map(|(k, n)| format!("{k}={n}")).collect();
            let _ = writeln!(x, "  {:<13} {}", "responses", codes.join(" "));
        }
    } else if r.report.is_some() {
        x.push_str("\nMetrics    the report has no metrics yet\n");
    }

    if !r.verdicts.is_empty() {
        x.push_str("\nThresholds\n");
        let width = r.verdicts.iter().map(|v| v.threshold.expression.chars().count()).max().unwrap_or(0);
        for v in &r.verdicts {
            let mark = if v.passed { "PASS" } else { "FAIL" };
            let _ = writeln!(x, "  {mark}  {:<width$}  {}", v.threshold.expression, v.explanation());
        }
    }
    for note in &r.notes {
        let _ = writeln!(x, "\nNote: {note}");
    }
    let _ = writeln!(x, "\n{}", r.summary());
    x
}
