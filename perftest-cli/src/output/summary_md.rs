//! `--summary-md`: a short Markdown summary (outcome, thresholds, key metrics) for a pipeline's step
//! summary (`$GITHUB_STEP_SUMMARY`) or a pull-request comment.

use std::fmt::Write;

use super::html::metric_value;
use super::{Outcome, RunResult};
use crate::threshold::{METRICS, Metric, format_value};

/// The metrics the summary shows, when the report has them.
const KEY_METRICS: [Metric; 9] = [
    Metric::Requests,
    Metric::SuccessRate,
    Metric::Errors,
    Metric::Tps,
    Metric::AvgRt,
    Metric::Tp50,
    Metric::Tp90,
    Metric::MaxRt,
    Metric::MaxUsers,
];

pub fn render(r: &RunResult) -> String {
    let mut md = String::new();
    let icon = match r.outcome {
        Outcome::Passed => "✅",
        Outcome::ThresholdsFailed | Outcome::Abnormal | Outcome::TimedOut => "❌",
        Outcome::Interrupted => "⚠️",
    };
    let task = r.task.as_ref().map(|t| t.label()).unwrap_or_else(|| "CPTS run".into());
    let run = r.task_run_id.map(|id| format!(", run {id}")).unwrap_or_default();
    let _ = writeln!(md, "### {icon} perftest: {}{}\n", text(&task), text(&run));
    let _ = writeln!(md, "**{}** (exit code {})\n", text(&r.summary()), r.outcome.code());

    let mut facts = Vec::new();
    if let Some(s) = r.status {
        facts.push(format!("status {s}"));
    }
    if let Some(rep) = &r.report {
        if let Some(d) = rep.duration {
            facts.push(format!("{} of load", crate::run::humanize(std::time::Duration::from_secs(d.max(0) as u64))));
        }
        match (&rep.start_time, &rep.end_time) {
            (Some(a), Some(b)) => facts.push(format!("{a} to {b}")),
            (Some(a), None) => facts.push(format!("started {a}")),
            _ => {}
        }
    }
    if !facts.is_empty() {
        let _ = writeln!(md, "{}\n", text(&facts.join(" · ")));
    }

    if !r.verdicts.is_empty() {
        md.push_str("| Result | Threshold | Measured | Limit |\n|---|---|--:|--:|\n");
        for v in &r.verdicts {
            let t = &v.threshold;
            let measured =
                v.measured.map(|m| format_value(m, t.metric.unit())).unwrap_or_else(|| "not reported".into());
            let _ = writeln!(
                md,
                "| {} | `{}` | {} | {} |",
                if v.passed { "✅ pass" } else { "❌ **FAIL**" },
                t.expression.replace('`', "'").replace('|', "\\|"),
                text(&measured),
                text(&t.limit_text())
            );
        }
        md.push('\n');
    }

    if let Some(rep) = r.report.as_ref().filter(|rep| !rep.metrics.is_empty()) {
        let rows: Vec<String> = KEY_METRICS
            .iter()
            .filter_map(|m| {
                let (_, name, unit, meaning) = METRICS.iter().find(|(x, ..)| x == m)?;
                let v = rep.metrics.get(*m)?;
                Some(format!("| {} | {} | {} |", text(name), text(&metric_value(v, *unit)), text(meaning)))
            })
            .collect();
        if !rows.is_empty() {
            md.push_str("| Metric | Value | Meaning |\n|---|--:|---|\n");
            md.push_str(&rows.join("\n"));
            md.push_str("\n\n");
        }
        if !rep.response_codes.is_empty() {
            let codes: Vec<String> = rep
                .response_codes
                .iter()
                .map(|(k, n)| format!("{k} {}", metric_value(*n as f64, crate::threshold::Unit::Count)))
                .collect();
            let _ = writeln!(md, "Response codes: {}\n", text(&codes.join(" · ")));
        }
    } else if r.report.is_some() {
        md.push_str("The report has no metrics.\n\n");
    }
    for note in &r.notes {
        let _ = writeln!(md, "> {}\n", text(note));
    }
    md
}

/// Text for Markdown: the characters that would format, link or break a table are escaped, and
/// HTML is shown as text.
pub fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '#' | '~' | '!' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}
