//! What the HTML report needs beyond the outline: the case runs of a task run
//! (`show_merge_task_case`, else `show_task`'s `related_temp_running_data`), each one's curves and
//! table rows (`show_report`, else `show_merge_case_detail` for the rows). Nothing here fails the
//! command: what cannot be fetched becomes a note on the page.

use perftest_sdk::auth::SdkDate;
use perftest_sdk::{Client, Error, types};
use serde_json::Value;

use crate::metrics::Report;
use crate::output::html::{CaseReport, Details, RequestRow, Series, TimeAxis};

/// Points asked for per curve (CPTS merges neighbouring intervals beyond that).
const MAX_POINTS: i32 = 360;
/// Case runs shown at most.
const MAX_CASES: usize = 20;

/// The details of run `task_run_id` (of task `task_id`, when known).
pub async fn fetch(client: &Client, task_run_id: i32, task_id: Option<i32>, report: Option<&Report>) -> Details {
    let mut notes = Vec::new();
    let mut runs = match case_runs(client, task_run_id).await {
        Ok(list) => list,
        Err(e) => {
            notes.push(format!("the case list of run {task_run_id} could not be read: {e:#}"));
            Vec::new()
        }
    };
    if runs.is_empty()
        && let Some(task) = task_id
    {
        match crate::lookup::show_task(client, task).await {
            Ok(info) => runs = current_case_runs(&info, task_run_id),
            Err(e) => notes.push(format!("task {task} could not be read: {e:#}")),
        }
    }
    if runs.is_empty() {
        notes.push(format!("CPTS listed no case runs for run {task_run_id}: no curves or case table"));
    }
    if runs.len() > MAX_CASES {
        notes.push(format!("the run has {} case runs; the first {MAX_CASES} are shown", runs.len()));
        runs.truncate(MAX_CASES);
    }
    let mut raw = Vec::new();
    for (id, name) in runs {
        let mut case = RawCase { name, case_run_id: id, ..RawCase::default() };
        match client.show_report().task_run_id(task_run_id).case_run_id(id).brokens_limit_count(MAX_POINTS).send().await
        {
            Ok(r) => {
                let info = r.into_inner().result.unwrap_or_default();
                case.brokens = info.brokens;
                if let Some(item) = info.details.and_then(|d| d.data).and_then(|d| d.into_iter().next()) {
                    case.rows.extend(item.performance.iter().filter_map(|p| row(p, true)));
                    case.rows.extend(item.detail_datas.iter().flatten().filter_map(|p| row(p, false)));
                }
            }
            Err(e) => notes.push(format!("the curves of case run {id} could not be read: {}", Error::from(e))),
        }
        if case.rows.is_empty() {
            match client.show_merge_case_detail().task_run_id(task_run_id).case_run_id(id).send().await {
                Ok(r) => {
                    let detail = r.into_inner().result.and_then(|r| r.detail).unwrap_or_default();
                    case.rows.extend(detail.performance.iter().filter_map(|p| row(p, true)));
                    case.rows.extend(detail.detail_datas.iter().flatten().filter_map(|p| row(p, false)));
                }
                Err(e) => notes.push(format!("the figures of case run {id} could not be read: {}", Error::from(e))),
            }
        }
        raw.push(case);
    }
    let start = report.and_then(|r| r.start_time.as_deref()).and_then(parse_time);
    let mut details = assemble(raw, start);
    details.notes.splice(0..0, notes);
    details
}

/// A case run as fetched.
#[derive(Debug, Default)]
pub struct RawCase {
    pub name: String,
    pub case_run_id: i32,
    pub brokens: Option<types::ReportbrokensInfo>,
    pub rows: Vec<RequestRow>,
}

/// The case runs CPTS lists for a task run: (case run id, name).
async fn case_runs(client: &Client, task_run_id: i32) -> anyhow::Result<Vec<(i32, String)>> {
    let r = client.show_merge_task_case().task_run_id(task_run_id).send().await.map_err(Error::from)?;
    let list = r.into_inner().result.and_then(|r| r.case_aw_info_list).unwrap_or_default();
    Ok(list
        .into_iter()
        .filter_map(|c| {
            let id =
                [&c.case_uri_i, &c.id, &c.testcase_id].into_iter().flatten().find_map(|s| s.trim().parse().ok())?;
            Some((id, c.name.unwrap_or_else(|| format!("case run {id}"))))
        })
        .collect())
}

/// The case runs `show_task` gives for its latest run, when that is `task_run_id`.
fn current_case_runs(info: &types::TaskInfo, task_run_id: i32) -> Vec<(i32, String)> {
    info.related_temp_running_data
        .iter()
        .flatten()
        .filter(|d| d.task_run_info_id == Some(task_run_id))
        .filter_map(|d| {
            let id = d.related_temp_running_id?;
            Some((id, d.temp_name.clone().unwrap_or_else(|| format!("case run {id}"))))
        })
        .collect()
}

/// A table row from a `PerformanceInfo`, `DetailDataInfo` or `CaseReportDetail` (same wire keys).
pub fn row<T: serde::Serialize>(item: &T, is_case: bool) -> Option<RequestRow> {
    let v = serde_json::to_value(item).ok()?;
    let num = |keys: &[&str]| {
        keys.iter().find_map(|k| match v.get(*k)? {
            Value::Number(n) => n.as_f64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        })
    };
    let requests = num(&["requests"]);
    let successes = num(&["successCount"]);
    let success_rate = match (successes, requests) {
        (Some(s), Some(r)) if r > 0.0 && s <= r => Some((s / r * 10000.0).round() / 100.0),
        _ => num(&["successRate"]),
    };
    let name = ["name", "alias"].iter().find_map(|k| v.get(*k)?.as_str().map(str::to_owned));
    Some(RequestRow {
        name: name.unwrap_or_else(|| if is_case { "case".into() } else { "request".into() }),
        is_case,
        requests,
        success_rate,
        errors: num(&["errorCount"]),
        tps: num(&["tps", "tranTPS"]),
        avg_rt: num(&["averageRespTime", "avgTranRespTime"]),
        tp50: num(&["tp50"]),
        tp90: num(&["tp90"]),
        tp95: num(&["tp95"]),
        tp99: num(&["tp99"]),
        max_rt: num(&["maxRespTime", "max"]),
    })
}

/// The page's details from the fetched case runs; `start` is the run's start (Unix seconds).
pub fn assemble(raw: Vec<RawCase>, start: Option<f64>) -> Details {
    let stamps: Vec<Option<Vec<f64>>> = raw
        .iter()
        .map(|c| {
            let list = c.brokens.as_ref().and_then(|b| b.common_timestamps.as_ref())?;
            list.iter().map(|s| parse_time(s)).collect()
        })
        .collect();
    let readable = raw.iter().zip(&stamps).all(|(c, s)| s.is_some() || c.brokens.is_none());
    let first = stamps.iter().flatten().filter_map(|s| s.first().copied()).fold(f64::INFINITY, f64::min);
    // The start of the run, unless the timestamps disagree with it (another time zone, say).
    let origin = match start {
        Some(s) if first.is_finite() && s <= first && first - s < 86_400.0 => s,
        _ if first.is_finite() => {
            let step = stamps.iter().flatten().find_map(|s| s.windows(2).map(|w| w[1] - w[0]).find(|d| *d > 0.0));
            first - step.unwrap_or(0.0)
        }
        _ => 0.0,
    };
    let cases = raw
        .into_iter()
        .zip(stamps)
        .map(|(c, stamps)| {
            let series = c.brokens.as_ref().map(|b| series(b, stamps.as_deref(), origin, readable)).unwrap_or_default();
            CaseReport { name: c.name, case_run_id: Some(c.case_run_id), series, rows: c.rows }
        })
        .collect();
    Details { cases, time_axis: if readable { TimeAxis::SinceStart } else { TimeAxis::Samples }, notes: Vec::new() }
}

fn series(b: &types::ReportbrokensInfo, stamps: Option<&[f64]>, origin: f64, readable: bool) -> Series {
    let get = |v: Option<&Vec<f64>>| v.cloned().unwrap_or_default();
    let tps = b.tps_brokens.as_ref();
    let codes = b.respcode_brokens.as_ref();
    let mut s = Series {
        x: Vec::new(),
        tps: get(tps.and_then(|t| t.tps.as_ref())),
        avg_rt: get(tps.and_then(|t| t.average.as_ref())),
        users: get(b.vusers_brokens.as_ref().and_then(|u| u.vusers.as_ref())),
        http_errors: get(codes.and_then(|c| c.error.as_ref())),
        timeouts: get(codes.and_then(|c| c.timeout.as_ref())),
        other_failures: Vec::new(),
    };
    if let Some(c) = codes {
        let parts = [&c.check_point_failed, &c.others_failed, &c.parsed_failed, &c.refused_failed];
        let n = parts.iter().filter_map(|p| p.as_ref().map(Vec::len)).max().unwrap_or(0);
        s.other_failures = (0..n).map(|i| parts.iter().filter_map(|p| p.as_ref()?.get(i)).sum()).collect::<Vec<f64>>();
    }
    let n = [&s.tps, &s.avg_rt, &s.users, &s.http_errors, &s.timeouts].iter().map(|v| v.len()).max().unwrap_or(0);
    s.x = match stamps {
        Some(t) if readable => t.iter().map(|t| t - origin).collect(),
        _ => (1..=n).map(|i| i as f64).collect(),
    };
    let len = s.x.len();
    for v in [&mut s.tps, &mut s.avg_rt, &mut s.users, &mut s.http_errors, &mut s.timeouts, &mut s.other_failures] {
        v.truncate(len);
    }
    s
}

/// Unix seconds of a CPTS time: `YYYY-MM-DD HH:MM:SS` (also with `T`, fractions, `Z`), taken as
/// UTC, or a number of seconds or milliseconds since the epoch.
pub fn parse_time(s: &str) -> Option<f64> {
    let s = s.trim();
    if !s.is_empty() && s.chars().all(|c| c.is_ascii_digit()) {
        let n: f64 = s.parse().ok()?;
        return Some(if n > 1e11 { n / 1000.0 } else { n });
    }
    let b = s.as_bytes();
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || !(b[10] == b' ' || b[10] == b'T') || b[13] != b':' {
        return None;
    }
    let n = |r: std::ops::Range<usize>| s.get(r)?.parse::<i64>().ok();
    let (y, mo, d, h, mi, se) = (n(0..4)?, n(5..7)?, n(8..10)?, n(11..13)?, n(14..16)?, n(17..19)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || se > 60 {
        return None;
    }
    let date = SdkDate::parse(&format!("{y:04}{mo:02}{d:02}T{h:02}{mi:02}{se:02}Z")).ok()?;
    Some(date.unix_seconds() as f64)
}

/// `YYYY-MM-DD HH:MM:SS UTC` of Unix seconds.
pub fn format_utc(secs: i64) -> String {
    let date = SdkDate::from_unix_seconds(secs);
    let s = date.as_str(); // YYYYMMDDTHHMMSSZ
    format!("{}-{}-{} {}:{}:{} UTC", &s[0..4], &s[4..6], &s[6..8], &s[9..11], &s[11..13], &s[13..15])
}

/// Now, as [`format_utc`] writes it.
pub fn now_utc() -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    format_utc(secs as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times() {
        assert_eq!(parse_time("2025-01-02 03:04:05"), Some(1_735_787_045.0));
        assert_eq!(parse_time("2025-01-02T03:04:05Z"), Some(1_735_787_045.0));
        assert_eq!(parse_time("1735787045000"), Some(1_735_787_045.0));
        assert_eq!(parse_time("1735787045"), Some(1_735_787_045.0));
        assert_eq!(parse_time("yesterday"), None);
        assert_eq!(parse_time("2025-13-02 03:04:05"), None);
        assert_eq!(format_utc(1_735_787_045), "2025-01-02 03:04:05 UTC");
        assert_eq!(format_utc(951_782_400), "2000-02-29 00:00:00 UTC");
        assert_eq!(parse_time("2000-02-29 00:00:00"), Some(951_782_400.0));
    }

    fn brokens(stamps: &[&str], tps: &[f64]) -> types::ReportbrokensInfo {
        types::ReportbrokensInfo {
            common_timestamps: Some(stamps.iter().map(|s| s.to_string()).collect()),
            tps_brokens: Some(types::TpsBrokens { tps: Some(tps.to_vec()), average: Some(vec![100.0; tps.len()]) }),
            respcode_brokens: Some(types::RespcodeBrokens {
                error: Some(vec![1.0; tps.len()]),
                refused_failed: Some(vec![2.0; tps.len()]),
                parsed_failed: Some(vec![1.0; tps.len()]),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    #[test]
    fn curves_are_placed_in_seconds_since_the_start() {
        let raw = vec![RawCase {
            name: "c".into(),
            case_run_id: 7,
            brokens: Some(brokens(&["2025-01-02 03:04:25", "2025-01-02 03:04:35"], &[5.0, 6.0])),
            rows: Vec::new(),
        }];
        let d = assemble(raw, parse_time("2025-01-02 03:04:05"));
        assert_eq!(d.time_axis, TimeAxis::SinceStart);
        let s = &d.cases[0].series;
        assert_eq!(s.x, vec![20.0, 30.0]);
        assert_eq!(s.tps, vec![5.0, 6.0]);
        assert_eq!(s.other_failures, vec![3.0, 3.0]);
        assert!(s.users.is_empty());

        // Without a usable start: from one interval before the first point.
        let raw = vec![RawCase {
            brokens: Some(brokens(&["2025-01-02 03:04:25", "2025-01-02 03:04:35"], &[5.0, 6.0])),
            ..RawCase::default()
        }];
        assert_eq!(assemble(raw, parse_time("2025-01-03 00:00:00")).cases[0].series.x, vec![10.0, 20.0]);

        // Unreadable timestamps: point numbers.
        let raw = vec![RawCase { brokens: Some(brokens(&["a", "b"], &[5.0, 6.0])), ..RawCase::default() }];
        let d = assemble(raw, None);
        assert_eq!(d.time_axis, TimeAxis::Samples);
        assert_eq!(d.cases[0].series.x, vec![1.0, 2.0]);
    }

    #[test]
    fn rows_read_the_wire_keys() {
        let perf: types::PerformanceInfo = serde_json::from_value(serde_json::json!({
            "name": "browse", "requests": 200.0, "successCount": 199.0, "successRate": 99.0, "errorCount": 1.0,
            "averageRespTime": 120.5, "tp50": 110.0, "tp90": 180.0, "tp95": 220.0, "tp99": 300.0, "maxRespTime": 480.0, "tps": 20.0
        }))
        .unwrap();
        let r = row(&perf, true).unwrap();
        assert_eq!((r.name.as_str(), r.is_case), ("browse", true));
        assert_eq!(r.success_rate, Some(99.5), "from the counts");
        assert_eq!((r.tp99, r.max_rt, r.avg_rt, r.tps), (Some(300.0), Some(480.0), Some(120.5), Some(20.0)));
        let detail: types::CaseReportDetail =
            serde_json::from_value(serde_json::json!({"name": "GET /", "requests": 10, "max": 90, "tp90": 50}))
                .unwrap();
        let r = row(&detail, false).unwrap();
        assert_eq!((r.requests, r.max_rt, r.tp90, r.success_rate), (Some(10.0), Some(90.0), Some(50.0), None));
    }
}
