//! The report page's "Over time" section: which curves the [`Details`] give for throughput,
//! response times, virtual users and failures, on what x axis, rendered by [`super::charts`].

use std::fmt::Write;

use super::charts::{self, Chart, GREY, Line, ORANGE, PALETTE, PURPLE, RED, Rgb, Stroke};
use super::html::{Details, Series, TimeAxis};
use super::{escape, RunResult};
use crate::threshold::format_number;

/// The x axis: its description and the factor from seconds.
fn x_axis(d: &Details) -> (String, f64) {
    if d.time_axis == TimeAxis::Samples {
        return ("report point (timestamps unreadable)".into(), 1.0);
    }
    let span = d.cases.iter().flat_map(|c| c.series.x.iter().copied()).fold(0.0, f64::max);
    if span > 3.0 * 3600.0 {
        ("time since start (h)".into(), 3600.0)
    } else if span > 600.0 {
        ("time since start (min)".into(), 60.0)
    } else {
        ("time since start (s)".into(), 1.0)
    }
}

fn points(x: &[f64], y: &[f64], per: f64) -> Vec<(f64, f64)> {
    x.iter().zip(y).map(|(x, y)| (x / per, *y)).collect()
}

/// One line per case, or the sum over cases at each x (for failures).
fn per_case(d: &Details, per: f64, pick: fn(&Series) -> &Vec<f64>, stroke: Stroke, suffix: &str) -> Vec<Line> {
    d.cases
        .iter()
        .enumerate()
        .filter(|(_, c)| !pick(&c.series).is_empty())
        .map(|(i, c)| Line {
            label: format!("{}{suffix}", c.name),
            points: points(&c.series.x, pick(&c.series), per),
            color: PALETTE[i % PALETTE.len()],
            stroke: if d.cases.len() > 1 && stroke == Stroke::Area { Stroke::Solid } else { stroke },
        })
        .collect()
}

fn summed(d: &Details, per: f64, pick: fn(&Series) -> &Vec<f64>) -> Vec<(f64, f64)> {
    let mut at: std::collections::BTreeMap<i64, f64> = std::collections::BTreeMap::new();
    for c in &d.cases {
        for (x, y) in c.series.x.iter().zip(pick(&c.series)) {
            *at.entry((x * 1000.0).round() as i64).or_default() += y;
        }
    }
    at.into_iter().map(|(x, y)| (x as f64 / 1000.0 / per, y)).collect()
}

/// The four charts, each an inline `<svg>` in a `<figure>`.
pub(super) fn charts_section(r: &RunResult, d: &Details) -> String {
    let mut h = String::from("<section id=\"charts\">\n<h2>Over time</h2>\n");
    if d.cases.iter().all(|c| c.series.x.is_empty()) {
        h.push_str("<p class=\"note\">The report has no curves to chart.</p>\n</section>\n");
        return h;
    }
    let (x_desc, per) = x_axis(d);
    let (x0, x1) = d
        .cases
        .iter()
        .flat_map(|c| c.series.x.iter().copied())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| (a.min(x / per), b.max(x / per)));
    let x0 = if d.time_axis == TimeAxis::SinceStart { x0.min(0.0) } else { x0 };
    let level =
        |label: String, v: f64, color| Line { label, points: vec![(x0, v), (x1, v)], color, stroke: Stroke::Dashed };

    let mut rt = per_case(d, per, |s| &s.avg_rt, Stroke::Solid, ": average");
    let single = d.cases.first().filter(|_| d.cases.len() == 1).and_then(|c| c.rows.first());
    let run_metrics = r.report.as_ref().map(|r| &r.metrics);
    let levels: Vec<(&str, Option<f64>, Rgb)> = match single {
        Some(row) => vec![("TP50", row.tp50, PALETTE[2]), ("TP90", row.tp90, PURPLE), ("TP99", row.tp99, RED)],
        None => vec![
            ("TP50", run_metrics.and_then(|m| m.tp50), PALETTE[2]),
            ("TP90", run_metrics.and_then(|m| m.tp90), PURPLE),
        ],
    };
    for (name, v, color) in levels {
        if let Some(v) = v {
            rt.push(level(format!("{name} of the run: {} ms", format_number(v)), v, color));
        }
    }

    let interval = d
        .cases
        .iter()
        .find_map(|c| c.series.x.windows(2).map(|w| w[1] - w[0]).find(|dx| *dx > 0.0))
        .filter(|_| d.time_axis == TimeAxis::SinceStart);
    let per_point = match interval {
        Some(s) => format!("failed requests per {} s", format_number(s)),
        None => "failed requests per report point".into(),
    };
    let mut errors = vec![
        Line {
            label: "HTTP errors (4xx/5xx)".into(),
            points: summed(d, per, |s| &s.http_errors),
            color: RED,
            stroke: Stroke::Solid,
        },
        Line {
            label: "timeouts".into(),
            points: summed(d, per, |s| &s.timeouts),
            color: ORANGE,
            stroke: Stroke::Solid,
        },
    ];
    let others = summed(d, per, |s| &s.other_failures);
    if others.iter().any(|(_, y)| *y > 0.0) {
        errors.push(Line { label: "other failures".into(), points: others, color: GREY, stroke: Stroke::Solid });
    }

    let specs = [
        (
            "chart-tps",
            "Throughput",
            "transactions per second (1/s)",
            per_case(d, per, |s| &s.tps, Stroke::Solid, ""),
            "Transactions per second in each report interval, per case.",
        ),
        (
            "chart-rt",
            "Response time",
            "response time (ms)",
            rt,
            "Average response time per interval (solid); dashed: percentiles of the whole run, as the report gives them.",
        ),
        (
            "chart-users",
            "Concurrency (virtual users)",
            "virtual users",
            per_case(d, per, |s| &s.users, Stroke::Area, ""),
            "Concurrent virtual users generating load, per case.",
        ),
        (
            "chart-errors",
            "Failed requests",
            per_point.as_str(),
            errors,
            "Failed requests per report interval, by kind, over all cases.",
        ),
    ];
    h.push_str("<div class=\"charts\">\n");
    for (id, title, y_desc, lines, caption) in specs {
        let x_from = (d.time_axis == TimeAxis::SinceStart).then_some(0.0);
        let chart =
            Chart { id: id.into(), title: title.into(), x_desc: x_desc.clone(), y_desc: y_desc.into(), x_from, lines };
        let _ =
            write!(h, "<figure>\n{}<figcaption>{}</figcaption>\n</figure>\n", charts::render(&chart), escape(caption));
    }
    h.push_str("</div>\n</section>\n");
    h
}
