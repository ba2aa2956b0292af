//! `--html` and `--summary-md` of `perftest run` and `perftest report`, against the simulator: the
//! page shows the run, its thresholds, metrics, one chart per series, the case table and the
//! response codes, and refers to nothing outside itself.

mod cli_support;

use cli_support::{Scratch, Sim, text};
use perftest_sim::Profile;

/// Simulated seconds per real second: a 5-minute case and its queue take about half a second.
const FAST: f64 = 600.0;

/// The `<svg class="chart" id="ID" ...>...</svg>` element of a chart.
fn chart<'a>(page: &'a str, id: &str) -> &'a str {
    let open = format!("<svg class=\"chart\" id=\"{id}\"");
    let start = page.find(&open).unwrap_or_else(|| panic!("no chart {id}"));
    let end = page[start..].find("</svg>").expect("the chart is closed") + start + "</svg>".len();
    assert_eq!(page.matches(&open).count(), 1, "one chart {id}");
    &page[start..end]
}

/// The points of the longest `<polyline>` of a chart.
fn longest_line(svg: &str) -> usize {
    svg.split("<polyline")
        .skip(1)
        .filter_map(|p| {
            let pts = p.split("points=\"").nth(1)?.split('"').next()?;
            Some(pts.split_whitespace().count())
        })
        .max()
        .unwrap_or(0)
}

/// `1234567` as the page writes it: `1,234,567`.
fn grouped(n: i64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Nothing that would load or run anything: no address but the SVG namespace, no script, no
/// style import or `url(...)`, no element that fetches.
fn assert_self_contained(page: &str) {
    let svg_ns = "http://www.w3.org/2000/svg";
    let outside = page.replace(&format!("xmlns=\"{svg_ns}\""), "");
    assert!(!outside.contains(svg_ns), "the SVG namespace appears only as xmlns");
    let lower = outside.to_ascii_lowercase();
    for bad in
        ["http://", "https://", "<script", "@import", "url(", "<link", "<img", "<iframe", "<object", "src=", "href="]
    {
        assert!(!lower.contains(bad), "the page contains {bad:?}");
    }
}

#[test]
fn run_writes_a_self_contained_html_report_and_a_markdown_summary() {
    let sim = Sim::start(FAST);
    let s = sim.seed_task("shop", "checkout", 300);
    assert!(sim.handle().set_profile(s.task_id, Profile::Degraded));
    let dir = Scratch::new("report-html");
    let (html, md, json) = (dir.path("report.html"), dir.path("summary.md"), dir.path("result.json"));
    let mut cmd = sim.perftest(["run", "--project", "shop", "--task", "checkout", "--poll-interval", "50ms"]);
    cmd.args(["--fail-on", "max_users>1000", "--fail-on", "success_rate<99", "--fail-on", "avg_rt>500ms"]);
    cmd.arg("--html").arg(&html).arg("--summary-md").arg(&md).arg("--json").arg(&json);
    let out = cmd.output().unwrap();
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(1), "thresholds failed\n{stdout}\n{stderr}");

    let result: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let run_id = result["task_run_id"].as_i64().unwrap();
    let page = std::fs::read_to_string(&html).unwrap();
    let names: Vec<String> =
        std::fs::read_dir(&dir.0).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    assert_eq!(names.len(), 3, "no temporary file left behind: {names:?}");

    // Identity and outcome.
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(
        page.contains(&format!("<title>perftest report: checkout (task {}), run {run_id}: FAILED</title>", s.task_id))
    );
    assert!(page.contains("badge failed") && page.contains("2 of 3 thresholds failed"));
    for needle in [
        "Final status",
        "finished (2)",
        "Started",
        "Ended",
        "Duration (load)",
        "5m 0s",
        "thresholds_failed (exit code 1)",
    ] {
        assert!(page.contains(needle), "run identity: missing {needle:?}");
    }
    let start = result["start_time"].as_str().unwrap();
    assert!(page.contains(start), "the start time {start}");

    // Every threshold with measured value, limit and verdict.
    let thresholds = result["thresholds"].as_array().unwrap();
    assert_eq!(page.matches("<tr class=\"threshold\">").count(), 3);
    for t in thresholds {
        let expr = t["expression"].as_str().unwrap().replace('<', "&lt;").replace('>', "&gt;");
        let verdict = if t["passed"] == true { "<td class=\"pass\">PASS</td>" } else { "<td class=\"fail\">FAIL</td>" };
        assert!(page.contains(&format!("{verdict}<td><code>{expr}</code></td>")), "threshold {expr}");
        let measured = t["message"].as_str().unwrap().split(' ').nth(1).unwrap().to_owned();
        assert!(page.contains(&format!("<td class=\"n\">{measured}</td>")), "measured {measured} of {expr}");
    }
    assert!(page.contains("<td class=\"n\">99%</td>") && page.contains("<td class=\"n\">500ms</td>"), "limits");

    // Key metrics, as the JSON result has them.
    let requests = result["metrics"]["requests"].as_i64().unwrap();
    assert!(requests > 1000);
    let requests_text = grouped(requests);
    assert!(page.contains(&format!("<b>{requests_text}</b><span>requests</span>")), "requests {requests_text}");
    for metric in ["success_rate", "avg_rt", "tp50", "tp90", "max_users", "tps"] {
        assert!(page.contains(&format!("<span>{metric}</span>")), "metric {metric}");
    }

    // One chart per series, each with axes, units, a legend and a curve of the run's 30 points.
    for (id, title, unit) in [
        ("chart-tps", "Throughput", "transactions per second (1/s)"),
        ("chart-rt", "Response time", "response time (ms)"),
        ("chart-users", "Concurrency (virtual users)", "virtual users"),
        ("chart-errors", "Failed requests", "failed requests per 10 s"),
    ] {
        let svg = chart(&page, id);
        assert!(svg.contains(&format!("<title id=\"{id}-title\">{title}</title>")), "{id} title");
        assert!(svg.contains("time since start (s)") && svg.contains(unit), "{id} axes");
        assert!(longest_line(svg) >= 30, "{id}: a curve of the 30 report points ({} points)", longest_line(svg));
    }
    let rt = chart(&page, "chart-rt");
    for level in ["TP50 of the run", "TP90 of the run", "TP99 of the run"] {
        assert!(rt.contains(level), "response-time chart shows {level}");
    }
    let errors = chart(&page, "chart-errors");
    assert!(errors.contains("HTTP errors (4xx/5xx)") && errors.contains("timeouts"), "error kinds in the legend");

    // The case and request table.
    assert!(page.contains("<tr class=\"case\"><td>checkout case</td>"), "the case row");
    assert!(page.matches("<tr class=\"req\">").count() >= 1, "request rows");
    for col in ["Requests", "Success", "Errors", "Avg", "TP50", "TP90", "TP95", "TP99", "Max"] {
        assert!(page.contains(&format!("<th class=\"n\">{col}</th>")), "column {col}");
    }

    // Response codes.
    let codes = result["response_codes"].as_object().unwrap();
    for (class, n) in codes {
        let n = grouped(n.as_i64().unwrap());
        assert!(page.contains(&format!("<td>{class}</td><td class=\"n\">{n}</td>")), "{class} = {n}");
    }
    assert!(page.contains("<td>4xx</td>") && page.contains("<td>503</td>"), "classes and codes");

    assert_self_contained(&page);

    // The Markdown summary.
    let md = std::fs::read_to_string(&md).unwrap();
    assert!(md.starts_with(&format!("### ❌ perftest: checkout (task {}), run {run_id}", s.task_id)), "{md}");
    assert!(md.contains("**FAILED: 2 of 3 thresholds failed** (exit code 1)"), "{md}");
    assert!(md.contains("| ✅ pass | `max_users>1000` | 20 | 1000 |"), "{md}");
    assert!(md.contains("| ❌ **FAIL** | `success_rate<99` |"), "{md}");
    assert!(md.contains("| ❌ **FAIL** | `avg_rt>500ms` |"), "{md}");
    assert!(md.contains(&format!("| requests | {requests_text} |")), "{md}");
    assert!(md.contains("Response codes: "), "{md}");
    assert!(md.lines().count() < 40, "short: {md}");
}

#[test]
fn report_writes_the_page_of_an_earlier_run_and_names_a_file_it_cannot_write() {
    let sim = Sim::start(FAST);
    let s = sim.seed_task("shop", "checkout", 60);
    let dir = Scratch::new("report-html-later");
    let out = sim.perftest(["run", "--task-id", &s.task_id.to_string(), "--poll-interval", "50ms"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let run_id = sim.handle().task(s.task_id).unwrap().current_run_id.unwrap();

    let html = dir.path("later.html");
    let md = dir.path("later.md");
    let mut cmd = sim.perftest(["report", "--task-run-id", &run_id.to_string(), "--fail-on", "errors>1000000"]);
    cmd.arg("--html").arg(&html).arg("--summary-md").arg(&md);
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains(&format!("run {run_id}: PASSED</title>")), "no task named: the run alone");
    assert!(page.contains("badge passed") && page.contains("<td class=\"pass\">PASS</td>"));
    for id in ["chart-tps", "chart-rt", "chart-users", "chart-errors"] {
        assert!(longest_line(chart(&page, id)) >= 6, "{id}: 60 s in 10 s points");
    }
    assert!(page.contains("<tr class=\"case\"><td>checkout case</td>"));
    assert_self_contained(&page);
    assert!(std::fs::read_to_string(&md).unwrap().starts_with(&format!("### ✅ perftest: CPTS run, run {run_id}")));

    let missing = dir.path("no/such/dir/r.html");
    let mut cmd = sim.perftest(["report", "--task-run-id", &run_id.to_string()]);
    cmd.arg("--html").arg(&missing);
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(2), "a file that cannot be written is a usage error");
    let stderr = text(&out.stderr);
    assert!(stderr.contains("cannot write the HTML report to") && stderr.contains("no/such/dir/r.html"), "{stderr}");
    assert!(text(&out.stdout).contains("PASSED"), "the result was shown first");
}
