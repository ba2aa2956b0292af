//! The HTML report: one self-contained page (inline CSS and SVG; no script, no font, no link to
//! anything) a person reads after a run, as a CI artifact or offline.
//!
//! [`render`] is a pure function of the judged result and the [`Details`] fetched for it (see
//! `crate::report_data`): identity and outcome of the run, every threshold, the key metrics, charts
//! over time (throughput, response times, virtual users, failures; built in `html_charts`), a table
//! per case and request, and the response codes.

use super::escape;
use std::fmt::Write;

use super::RunResult;
use super::html_charts::charts_section;
use crate::threshold::{METRICS, Unit, format_number, format_value};

/// What the page shows beyond the judged result: each case run's curves and table rows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Details {
    pub cases: Vec<CaseReport>,
    /// What the x values of the curves count.
    pub time_axis: TimeAxis,
    /// What could not be fetched, for the reader.
    pub notes: Vec<String>,
}

/// The x values of the curves.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum TimeAxis {
    /// Seconds since the run started (the end of each report interval).
    #[default]
    SinceStart,
    /// Point numbers, when the report's timestamps could not be read.
    Samples,
}

/// One case run of the report.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CaseReport {
    pub name: String,
    pub case_run_id: Option<i32>,
    pub series: Series,
    /// The case as a whole first, then each of its requests.
    pub rows: Vec<RequestRow>,
}

/// The curves of a case run, one value per report point; a series the report lacks is empty.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Series {
    pub x: Vec<f64>,
    pub tps: Vec<f64>,
    /// Average response time, ms.
    pub avg_rt: Vec<f64>,
    pub users: Vec<f64>,
    pub http_errors: Vec<f64>,
    pub timeouts: Vec<f64>,
    /// Refused connections, parse and assertion failures, others.
    pub other_failures: Vec<f64>,
}

/// A row of the case and request table (response times in ms).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RequestRow {
    pub name: String,
    /// The case as a whole (else one request of it).
    pub is_case: bool,
    pub requests: Option<f64>,
    pub success_rate: Option<f64>,
    pub errors: Option<f64>,
    pub tps: Option<f64>,
    pub avg_rt: Option<f64>,
    pub tp50: Option<f64>,
    pub tp90: Option<f64>,
    pub tp95: Option<f64>,
    pub tp99: Option<f64>,
    pub max_rt: Option<f64>,
}

const STYLE: &str = "
:root{--ink:#1f2328;--muted:#59636e;--line:#d1d9e0;--pass:#1a7f37;--fail:#cf222e;--warn:#9a6700;--bg:#f6f8fa}
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif;color:var(--ink);background:#fff}
main{max-width:1320px;margin:0 auto;padding:20px 28px 40px}
h1{font-size:26px;margin:0 0 4px}
h2{font-size:19px;margin:28px 0 10px;padding-bottom:4px;border-bottom:1px solid var(--line)}
h3{font-size:15px;margin:18px 0 6px}
.sub{color:var(--muted);margin:0 0 12px}
.badge{display:inline-block;padding:3px 12px;border-radius:14px;color:#fff;font-weight:700;letter-spacing:.04em;vertical-align:middle}
.passed{background:var(--pass)}.failed{background:var(--fail)}.other{background:var(--warn)}
.outcome{font-size:18px;margin:10px 0 0}
dl.run{display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:8px 24px;margin:0}
dl.run div{background:var(--bg);border-radius:6px;padding:8px 12px}
dt{color:var(--muted);font-size:13px}dd{margin:0;font-weight:600;overflow-wrap:anywhere}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
th,td{text-align:left;padding:6px 10px;border-bottom:1px solid var(--line);vertical-align:top}
th{background:var(--bg);font-size:13px;color:var(--muted)}
td.n,th.n{text-align:right;white-space:nowrap}
.pass{color:var(--pass);font-weight:700}.fail{color:var(--fail);font-weight:700}
tr.case td{font-weight:600;background:#fbfcfd}tr.req td:first-child{padding-left:28px}
.tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:10px}
.tile{border:1px solid var(--line);border-radius:8px;padding:8px 12px}
.tile b{display:block;font-size:21px}.tile span{color:var(--muted);font-size:13px}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(520px,1fr));gap:18px}
figure{margin:0;border:1px solid var(--line);border-radius:8px;padding:8px}
figure svg{display:block;width:100%;height:auto}
figcaption{color:var(--muted);font-size:13px;padding:4px 6px 0}
.bar{background:var(--bg);border-radius:3px;height:12px;min-width:120px}
.bar i{display:block;height:12px;border-radius:3px;background:#4e79a7}
.bar i.bad{background:var(--fail)}
.note{color:var(--warn)}
footer{margin-top:32px;color:var(--muted);font-size:13px}
";

/// The page for a judged run; `generated` is the time written in its footer.
pub fn render(r: &RunResult, d: &Details, generated: &str) -> String {
    let mut h = String::with_capacity(64 * 1024);
    let task = r.task.as_ref().map(|t| t.label()).unwrap_or_else(|| "CPTS run".into());
    let run = r.task_run_id.map(|id| format!(", run {id}")).unwrap_or_default();
    let summary = r.summary();
    let word = summary.split(':').next().unwrap_or("").to_owned();
    let title = format!("perftest report: {task}{run}: {word}");
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"perftest {}\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n",
        env!("CARGO_PKG_VERSION"),
        escape(&title)
    );
    let class = match word.as_str() {
        "PASSED" => "passed",
        "FAILED" => "failed",
        _ => "other",
    };
    let _ = write!(
        h,
        "<header>\n<h1>Performance test report</h1>\n<p class=\"sub\">{}{}</p>\n\
         <p class=\"outcome\" id=\"outcome\"><span class=\"badge {class}\">{}</span> {}</p>\n</header>\n",
        escape(&task),
        escape(&run),
        escape(&word),
        escape(summary.split_once(": ").map_or("", |(_, rest)| rest))
    );
    identity(&mut h, r);
    thresholds(&mut h, r);
    key_metrics(&mut h, r);
    h.push_str(&charts_section(r, d));
    cases_table(&mut h, d);
    responses(&mut h, r);
    let notes: Vec<&String> = r.notes.iter().chain(&d.notes).collect();
    if !notes.is_empty() {
        h.push_str("<section id=\"notes\">\n<h2>Notes</h2>\n<ul>\n");
        for n in notes {
            let _ = writeln!(h, "<li>{}</li>", escape(n));
        }
        h.push_str("</ul>\n</section>\n");
    }
    let _ = write!(
        h,
        "<footer>Generated by perftest {} on {}. This page is self-contained: it loads nothing from anywhere.</footer>\n\
         </main>\n</body>\n</html>\n",
        env!("CARGO_PKG_VERSION"),
        escape(generated)
    );
    h
}

fn identity(h: &mut String, r: &RunResult) {
    let rep = r.report.as_ref();
    let mut fields: Vec<(&str, String)> = Vec::new();
    if let Some(t) = &r.task {
        fields.push(("Task", t.label()));
        fields.push(("CPTS project", t.project_id.to_string()));
    }
    fields.push(("Task run (report) id", r.task_run_id.map(|i| i.to_string()).unwrap_or_else(|| "unknown".into())));
    let status = match r.status {
        Some(s) => format!("{s} ({})", s.code()),
        None => "unknown".into(),
    };
    fields.push(("Final status", status));
    fields.push(("Outcome", format!("{} (exit code {})", r.outcome.as_str(), r.outcome.code())));
    fields.push(("Started", rep.and_then(|r| r.start_time.clone()).unwrap_or_else(|| "-".into())));
    fields.push(("Ended", rep.and_then(|r| r.end_time.clone()).unwrap_or_else(|| "-".into())));
    let duration =
        rep.and_then(|r| r.duration).map(|s| crate::run::humanize(std::time::Duration::from_secs(s.max(0) as u64)));
    fields.push(("Duration (load)", duration.unwrap_or_else(|| "-".into())));
    if let Some(w) = r.waited {
        fields.push(("Waited", crate::run::humanize(w)));
    }
    h.push_str("<section id=\"run\">\n<h2>Run</h2>\n<dl class=\"run\">\n");
    for (k, v) in fields {
        let _ = writeln!(h, "<div><dt>{}</dt><dd>{}</dd></div>", escape(k), escape(&v));
    }
    h.push_str("</dl>\n</section>\n");
}

fn thresholds(h: &mut String, r: &RunResult) {
    h.push_str("<section id=\"thresholds\">\n<h2>Thresholds</h2>\n");
    if r.verdicts.is_empty() {
        h.push_str("<p>No thresholds were given (<code>--fail-on</code>).</p>\n</section>\n");
        return;
    }
    h.push_str(
        "<table>\n<thead><tr><th>Result</th><th>Threshold</th><th>Metric</th><th class=\"n\">Measured</th>\
         <th class=\"n\">Limit</th><th>Fails when</th></tr></thead>\n<tbody>\n",
    );
    for v in &r.verdicts {
        let t = &v.threshold;
        let (class, word) = if v.passed { ("pass", "PASS") } else { ("fail", "FAIL") };
        let measured = v.measured.map(|m| format_value(m, t.metric.unit())).unwrap_or_else(|| "not reported".into());
        let _ = writeln!(
            h,
            "<tr class=\"threshold\"><td class=\"{class}\">{word}</td><td><code>{}</code></td><td>{}</td>\
             <td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
            escape(&t.expression),
            escape(t.metric.name()),
            escape(&measured),
            escape(&t.limit_text()),
            escape(&t.condition())
        );
    }
    h.push_str("</tbody>\n</table>\n</section>\n");
}

fn key_metrics(h: &mut String, r: &RunResult) {
    let Some(rep) = r.report.as_ref().filter(|rep| !rep.metrics.is_empty()) else {
        h.push_str("<section id=\"metrics\">\n<h2>Key metrics</h2>\n<p class=\"note\">The report has no metrics.</p>\n</section>\n");
        return;
    };
    h.push_str("<section id=\"metrics\">\n<h2>Key metrics</h2>\n<div class=\"tiles\">\n");
    for (metric, name, unit, meaning) in METRICS {
        if let Some(v) = rep.metrics.get(*metric) {
            let _ = writeln!(
                h,
                "<div class=\"tile\" title=\"{}\"><b>{}</b><span>{}</span></div>",
                escape(meaning),
                escape(&metric_value(v, *unit)),
                escape(name)
            );
        }
    }
    h.push_str("</div>\n</section>\n");
}

/// A metric for people: counts with thousands separators, others as in the thresholds.
pub fn metric_value(v: f64, unit: Unit) -> String {
    match unit {
        Unit::Count if v.fract() == 0.0 => grouped(v),
        _ => format_value(v, unit),
    }
}

/// `1234567` as `1,234,567`.
pub fn grouped(v: f64) -> String {
    let s = format!("{:.0}", v.abs());
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if v < 0.0 { format!("-{out}") } else { out }
}

fn cases_table(h: &mut String, d: &Details) {
    h.push_str("<section id=\"cases\">\n<h2>Cases and requests</h2>\n");
    if d.cases.iter().all(|c| c.rows.is_empty()) {
        h.push_str("<p class=\"note\">The report has no per-case figures.</p>\n</section>\n");
        return;
    }
    h.push_str(
        "<table>\n<thead><tr><th>Case / request</th><th class=\"n\">Requests</th><th class=\"n\">Success</th>\
         <th class=\"n\">Errors</th><th class=\"n\">TPS</th><th class=\"n\">Avg</th><th class=\"n\">TP50</th>\
         <th class=\"n\">TP90</th><th class=\"n\">TP95</th><th class=\"n\">TP99</th><th class=\"n\">Max</th></tr></thead>\n<tbody>\n",
    );
    let cell = |v: Option<f64>, f: &dyn Fn(f64) -> String| v.map(f).unwrap_or_else(|| "-".into());
    for row in d.cases.iter().flat_map(|c| &c.rows) {
        let ms = |v: Option<f64>| cell(v, &|x| format!("{} ms", format_number(x.round())));
        let _ = writeln!(
            h,
            "<tr class=\"{}\"><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
             <td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
             <td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            if row.is_case { "case" } else { "req" },
            escape(&row.name),
            cell(row.requests, &grouped),
            cell(row.success_rate, &|x| format!("{}%", format_number(x))),
            cell(row.errors, &grouped),
            cell(row.tps, &format_number),
            ms(row.avg_rt),
            ms(row.tp50),
            ms(row.tp90),
            ms(row.tp95),
            ms(row.tp99),
            ms(row.max_rt),
        );
    }
    h.push_str("</tbody>\n</table>\n</section>\n");
}

fn responses(h: &mut String, r: &RunResult) {
    h.push_str("<section id=\"responses\">\n<h2>Response codes</h2>\n");
    let Some(rep) = r.report.as_ref().filter(|rep| !rep.response_codes.is_empty()) else {
        h.push_str("<p class=\"note\">The report has no response-code counts.</p>\n</section>\n");
        return;
    };
    let table = |h: &mut String, head: &str, rows: Vec<(String, i64, bool)>| {
        let total: i64 = rows.iter().map(|(_, n, _)| n).sum();
        let _ = write!(
            h,
            "<table class=\"codes\">\n<thead><tr><th>{}</th><th class=\"n\">Count</th><th class=\"n\">Share</th><th></th></tr></thead>\n<tbody>\n",
            escape(head)
        );
        for (label, n, bad) in rows {
            let share = if total > 0 { n as f64 * 100.0 / total as f64 } else { 0.0 };
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}%</td>\
                 <td style=\"width:40%\"><div class=\"bar\"><i class=\"{}\" style=\"width:{:.1}%\"></i></div></td></tr>",
                escape(&label),
                grouped(n as f64),
                format_number((share * 100.0).round() / 100.0),
                if bad { "bad" } else { "" },
                share.clamp(0.0, 100.0)
            );
        }
        h.push_str("</tbody>\n</table>\n");
    };
    let classes = rep.response_codes.iter().map(|(k, n)| (k.to_string(), *n, k.starts_with('4') || k.starts_with('5')));
    table(h, "Class", classes.collect());
    if !rep.code_details.is_empty() {
        h.push_str("<h3>By code</h3>\n");
        let codes = rep.code_details.iter().map(|(k, n)| (k.clone(), *n, k.starts_with('4') || k.starts_with('5')));
        table(h, "Code", codes.collect());
    }
    if rep.failure_kinds.iter().any(|(_, n)| *n > 0) {
        h.push_str("<h3>Failed requests by kind</h3>\n");
        let kinds = rep.failure_kinds.iter().filter(|(_, n)| *n > 0);
        table(h, "Kind", kinds.map(|(k, n)| (k.to_string(), *n, true)).collect());
    }
    h.push_str("</section>\n");
}
