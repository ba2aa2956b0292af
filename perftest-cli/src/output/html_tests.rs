//! The HTML page and the Markdown summary, rendered from hand-made data (no server).

use perftest_sdk::RunStatus;

use super::html::{self, CaseReport, Details, RequestRow, Series, TimeAxis};
use super::{Outcome, RunResult, summary_md};
use crate::lookup::TaskRef;
use crate::metrics::{Metrics, Report};
use crate::threshold;

fn result(name: &str) -> RunResult {
    let metrics = Metrics {
        requests: Some(12000.0),
        successes: Some(11940.0),
        errors: Some(60.0),
        success_rate: Some(99.5),
        error_rate: Some(0.5),
        tps: Some(40.0),
        avg_rt: Some(120.5),
        tp50: Some(110.0),
        tp90: Some(190.0),
        max_users: Some(20.0),
        ..Metrics::default()
    };
    let report = Report {
        metrics: metrics.clone(),
        start_time: Some("2025-01-02 03:04:05".into()),
        end_time: Some("2025-01-02 03:09:15".into()),
        duration: Some(300),
        task_status: Some(2),
        response_codes: vec![("2xx", 11940), ("4xx", 40), ("5xx", 20)],
        code_details: vec![("200".into(), 11940), ("503".into(), 20)],
        failure_kinds: vec![("timeout", 0), ("other (HTTP error)", 60)],
    };
    let verdicts: Vec<_> =
        ["success_rate<99", "tp90>150ms"].iter().map(|e| threshold::parse(e).unwrap().check(&metrics)).collect();
    RunResult {
        task: Some(TaskRef { id: 7, name: Some(name.into()), project_id: 3 }),
        task_run_id: Some(1001),
        status: Some(RunStatus::Finished),
        report: Some(report),
        outcome: Outcome::judge(Some(RunStatus::Finished), &verdicts),
        verdicts,
        notes: vec!["a note & more".into()],
        waited: None,
    }
}

fn details(case: &str) -> Details {
    let x: Vec<f64> = (1..=30).map(|i| 10.0 * f64::from(i)).collect();
    let wave = |base: f64| x.iter().map(|t| base + (t / 40.0).sin() * base * 0.1).collect::<Vec<_>>();
    let row = |name: &str, is_case| RequestRow {
        name: name.into(),
        is_case,
        requests: Some(12000.0),
        success_rate: Some(99.5),
        errors: Some(60.0),
        tps: Some(40.0),
        avg_rt: Some(120.5),
        tp50: Some(110.0),
        tp90: Some(190.0),
        tp95: Some(230.0),
        tp99: Some(310.0),
        max_rt: Some(480.0),
    };
    Details {
        cases: vec![CaseReport {
            name: case.into(),
            case_run_id: Some(1002),
            series: Series {
                tps: wave(40.0),
                avg_rt: wave(120.0),
                users: vec![20.0; 30],
                http_errors: wave(2.0),
                timeouts: wave(0.5),
                other_failures: Vec::new(),
                x,
            },
            rows: vec![row(case, true), row("GET /cart?a=1&b=<2>", false)],
        }],
        time_axis: TimeAxis::SinceStart,
        notes: Vec::new(),
    }
}

/// Everything that would make the page load or run something.
fn assert_self_contained(page: &str) {
    let outside = page.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
    for bad in ["http://", "https://", "<script", "@import", "url(", "<link", "<img", "<iframe", "src=", "href="] {
        assert!(!outside.to_ascii_lowercase().contains(bad), "the page contains {bad:?}");
    }
}

#[test]
fn the_page_shows_the_run_its_thresholds_charts_cases_and_codes() {
    let r = result("checkout");
    let page = html::render(&r, &details("browse"), "2025-01-02 04:00:00 UTC");
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains("<title>perftest report: checkout (task 7), run 1001: FAILED</title>"), "{page}");
    assert!(page.contains("badge failed"));
    for needle in [
        "1001",
        "finished (2)",
        "2025-01-02 03:04:05",
        "2025-01-02 03:09:15",
        "5m 0s",
        "thresholds_failed (exit code 1)",
    ] {
        assert!(page.contains(needle), "run identity: {needle}");
    }
    // Thresholds: result, expression, measured, limit.
    assert!(page.contains("<td class=\"pass\">PASS</td><td><code>success_rate&lt;99</code></td>"), "{page}");
    assert!(page.contains("<td class=\"fail\">FAIL</td><td><code>tp90&gt;150ms</code></td>"));
    assert!(page.contains("<td class=\"n\">190ms</td><td class=\"n\">150ms</td>"));
    assert!(page.contains("<b>12,000</b><span>requests</span>"));
    for id in ["chart-tps", "chart-rt", "chart-users", "chart-errors"] {
        assert_eq!(page.matches(&format!("<svg class=\"chart\" id=\"{id}\"")).count(), 1, "one chart {id}");
    }
    assert!(page.contains("TP99 of the run: 310 ms"), "percentile levels of the single case");
    assert!(page.contains("time since start (s)") && page.contains("failed requests per 10 s"));
    assert!(page.contains("<tr class=\"req\"><td>GET /cart?a=1&amp;b=&lt;2&gt;</td>"), "escaped request name");
    assert!(page.contains("<td class=\"n\">310 ms</td>"));
    assert!(page.contains("<td>4xx</td><td class=\"n\">40</td>") && page.contains("<td>503</td>"));
    assert!(page.contains("other (HTTP error)") && !page.contains("<td>timeout</td>"), "only kinds that occurred");
    assert!(page.contains("a note &amp; more"));
    assert_self_contained(&page);
}

#[test]
fn hostile_names_are_text() {
    let evil = "<script>alert('x')</script> http://evil.example/\"";
    let page = html::render(&result(evil), &details(evil), "now");
    assert!(!page.contains("<script"), "escaped everywhere, charts included");
    assert!(page.contains("&lt;script&gt;alert(&apos;x&apos;)&lt;/script&gt;"));
    // The name is shown, but as text: it may contain what looks like an address.
    let without_name = page.replace("http://evil.example/", "");
    assert_self_contained(&without_name);
}

#[test]
fn a_report_without_details_still_renders() {
    let mut r = result("t");
    r.report = None;
    r.verdicts.clear();
    r.outcome = Outcome::TimedOut;
    let page = html::render(&r, &Details::default(), "now");
    assert!(page.contains("No thresholds were given"));
    assert!(page.contains("The report has no curves to chart."));
    assert!(page.contains("The report has no metrics."));
    assert!(page.contains("badge failed") && page.contains("</html>"));
    assert_self_contained(&page);
}

#[test]
fn the_markdown_summary_has_outcome_thresholds_and_metrics() {
    let md = summary_md::render(&result("check|out_*"));
    assert!(md.starts_with("### ❌ perftest: check\\|out\\_\\* (task 7), run 1001\n"), "{md}");
    assert!(md.contains("**FAILED: 1 of 2 thresholds failed** (exit code 1)"), "{md}");
    assert!(md.contains("| ✅ pass | `success_rate<99` | 99.5% | 99% |"), "{md}");
    assert!(md.contains("| ❌ **FAIL** | `tp90>150ms` | 190ms | 150ms |"), "{md}");
    assert!(md.contains("| requests | 12,000 |"), "{md}");
    assert!(md.contains("Response codes: 2xx 11,940 · 4xx 40 · 5xx 20"), "{md}");
    assert!(md.contains("> a note &amp; more"), "{md}");
}
