//! Curves: `show_report` (one case run: curves, tables, outline) and `show_task_case_aw_chart`
//! (one case run or AW). Downsampled curves merge neighbouring intervals, so the counts of a curve
//! always add up to the totals of the same report.

use std::collections::HashMap;

use perftest_sdk::types;
use serde_json::{json, Map, Value};

use crate::error::ApiError;
use crate::metrics::{self, count, int, round2, Point, Summary};
use crate::reports::RunView;
use crate::state::CaseRun;

/// Merges `curve` into at most `limit` buckets of neighbouring intervals.
pub(crate) fn downsample(curve: &[Point], limit: usize) -> Vec<Point> {
    let limit = limit.max(1);
    if curve.len() <= limit {
        return curve.to_vec();
    }
    (0..limit)
        .filter_map(|b| {
            let part = curve.get(b * curve.len() / limit..(b + 1) * curve.len() / limit)?;
            let first = part.first()?;
            let requests: u64 = part.iter().map(|p| p.requests).sum();
            let weighted: f64 = part.iter().map(|p| p.avg_rt * p.requests as f64).sum();
            Some(Point {
                start: first.start,
                secs: part.iter().map(|p| p.secs).sum(),
                users: part.iter().map(|p| p.users).fold(0.0, f64::max),
                avg_rt: if requests > 0 { weighted / requests as f64 } else { first.avg_rt },
                requests,
                failures: part.iter().map(|p| p.failures).sum(),
                timeouts: part.iter().map(|p| p.timeouts).sum(),
            })
        })
        .collect()
}

struct Curves {
    timestamps: Vec<String>,
    tps: types::TpsBrokens,
    vusers: types::VusersBrokens,
    respcode: types::RespcodeBrokens,
    brand: types::BrandBrokens,
}

fn curves(view: &RunView<'_>, case: &CaseRun, curve: &[Point]) -> Curves {
    let zeros = || Some(vec![0.0; curve.len()]);
    let series = |f: &dyn Fn(&Point) -> f64| Some(curve.iter().map(f).collect::<Vec<f64>>());
    Curves {
        timestamps: curve.iter().map(|p| view.point_time(case, p)).collect(),
        tps: types::TpsBrokens { tps: series(&|p| round2(p.tps())), average: series(&|p| round2(p.avg_rt)) },
        vusers: types::VusersBrokens { vusers: series(&|p| p.users) },
        respcode: types::RespcodeBrokens {
            success: series(&|p| p.success() as f64),
            error: series(&|p| p.http_errors() as f64),
            timeout: series(&|p| p.timeouts as f64),
            check_point_failed: zeros(),
            others_failed: zeros(),
            parsed_failed: zeros(),
            refused_failed: zeros(),
        },
        brand: types::BrandBrokens { rec_bytes: series(&|p| p.rec_kbps()), sent_bytes: series(&|p| p.sent_kbps()) },
    }
}

/// Successful requests per response-time range (ms), spread around the average.
fn rt_ranges(s: &Summary) -> Vec<(&'static str, u64)> {
    const RANGES: [(&str, f64); 6] = [
        ("0-100", 50.0),
        ("100-200", 150.0),
        ("200-500", 350.0),
        ("500-1000", 750.0),
        ("1000-3000", 2000.0),
        ("3000+", 5000.0),
    ];
    let avg = s.avg_rt.max(1.0);
    let weights: Vec<f64> = RANGES.iter().map(|(_, mid)| (-(mid / avg).ln().powi(2) / 0.8).exp()).collect();
    let counts = metrics::split(s.success(), &weights, None);
    RANGES.iter().map(|(name, _)| *name).zip(counts).collect()
}

/// A `PerformanceInfo`/`DetailDataInfo` (same wire keys, all numbers) from a summary.
fn perf_fields<T: serde::de::DeserializeOwned>(
    id: &str,
    name: &str,
    view: &RunView<'_>,
    s: &Summary,
) -> Result<T, ApiError> {
    let mut m = Map::new();
    let mut put = |k: &str, v: Value| {
        m.insert(k.to_owned(), v);
    };
    put("id", json!(id));
    put("detailId", json!(id));
    put("name", json!(name));
    put("taskId", json!(view.run.task_id.to_string()));
    put("taskProjectId", json!(view.run.project_id.to_string()));
    put("requests", json!(s.requests));
    put("successCount", json!(s.success()));
    put("errorCount", json!(s.failures));
    put("successRate", json!(s.success_rate()));
    put("transactionSuccess", json!(s.success_rate()));
    put("averageRespTime", json!(s.avg_rt));
    put("avgTranRespTime", json!(s.avg_rt));
    put("maxRespTime", json!(s.max_rt));
    put("maxTranRespTime", json!(s.max_rt));
    put("max", json!(s.max_rt));
    put("min", json!(s.min_rt));
    for (key, p) in [
        ("tp50", 50.0),
        ("tp75", 75.0),
        ("tp90", 90.0),
        ("tp95", 95.0),
        ("tp99", 99.0),
        ("tp999", 99.9),
        ("tp9999", 99.99),
    ] {
        put(key, json!(s.percentile(p)));
    }
    put("tps", json!(s.tps()));
    put("tranTPS", json!(s.tps()));
    put("transactions", json!(s.requests));
    put("sum1xx", json!(0));
    put("sum2xx", json!(s.success()));
    put("sum3xx", json!(0));
    put("sum4xx", json!(s.http4xx()));
    put("sum5xx", json!(s.http5xx()));
    put("failedAssert", json!(0));
    put("failedOthers", json!(s.http_errors()));
    put("failedParsed", json!(0));
    put("failedRefused", json!(0));
    put("failedTimeout", json!(s.timeouts));
    put("currentThreadNum", json!(s.max_users));
    put("startTime", json!(view.start_time()));
    if let Some(end) = view.end_time() {
        put("endTime", json!(end));
    }
    put("status", json!(view.status.code()));
    put("taskStatus", json!(view.status.code()));
    put("vum", json!(round2(s.max_users * s.secs / 60.0)));
    serde_json::from_value(Value::Object(m)).map_err(|e| ApiError::internal(format!("cannot build the report: {e}")))
}

/// `show_report` for case run number `idx`, curves cut to `limit` points.
pub(crate) fn report(view: &RunView<'_>, idx: usize, limit: usize) -> Result<types::ReportInfo, ApiError> {
    let case = view.run.case_runs.get(idx).ok_or_else(|| ApiError::internal("case run index out of range"))?;
    let curve = view.curve(idx);
    let s = Summary::of(&curve);
    let c = curves(view, case, &downsample(&curve, limit));
    let aw_curves = metrics::aw_curves(view.seed, view.run, case, &curve);
    let detail_datas = case
        .aws
        .iter()
        .zip(&aw_curves)
        .map(|(aw, ac)| perf_fields::<types::DetailDataInfo>(&aw.id, &aw.name, view, &Summary::of(ac)))
        .collect::<Result<Vec<_>, _>>()?;
    let performance = perf_fields::<types::PerformanceInfo>(&case.id.to_string(), &case.name, view, &s)?;
    let ranges: Map<String, Value> = rt_ranges(&s).into_iter().map(|(k, v)| (k.to_owned(), json!(v))).collect();
    Ok(types::ReportInfo {
        brokens: Some(types::ReportbrokensInfo {
            common_timestamps: Some(c.timestamps),
            tps_brokens: Some(c.tps),
            vusers_brokens: Some(c.vusers),
            respcode_brokens: Some(c.respcode),
            brand_brokens: Some(c.brand),
        }),
        details: Some(types::ReportdetailsInfo {
            data: Some(vec![types::ReportdetailItemInfo {
                performance: Some(performance),
                detail_datas: Some(detail_datas),
                custom_transactions: Some(Vec::new()),
            }]),
            page_index: Some(1),
            page_size: Some(1),
            total: Some(1),
        }),
        outline: Some(types::ReportoutlineInfo {
            avg_response_time: Some(s.avg_rt),
            duration: Some(round2(s.secs)),
            start_time: Some(view.start_time()),
            end_time: view.end_time(),
            max_users: Some(s.max_users),
            success_rate: Some(s.success_rate()),
            tps: Some(s.tps()),
            task_status: Some(f64::from(view.status.code())),
            total_num: Some(1.0),
            executed_num: Some(if s.secs > 0.0 { 1.0 } else { 0.0 }),
            complete_num: Some(if view.case_done(case) { 1.0 } else { 0.0 }),
            project_id: Some(view.run.project_id.to_string()),
            create_by: Some("perftest-sim".into()),
            ..Default::default()
        }),
        resp_time_range: Some(Value::Object(ranges)),
        rtproportion: None,
        task_info: Some(types::ReportTaskInfo { vum: Some(round2(s.max_users * s.secs / 60.0)) }),
    })
}

/// `show_task_case_aw_chart` for case run number `idx` and `detail_id` (the case run id for the
/// whole case, or one of its `caseAwId`s); `None` when the detail id is unknown.
pub(crate) fn aw_chart(view: &RunView<'_>, idx: usize, detail_id: &str) -> Option<types::TaskCaseAwChartResult> {
    let case = view.run.case_runs.get(idx)?;
    let curve = view.curve(idx);
    let chosen = if detail_id == case.id.to_string() {
        curve
    } else {
        let k = case.aws.iter().position(|a| a.id == detail_id)?;
        metrics::aw_curves(view.seed, view.run, case, &curve).into_iter().nth(k)?
    };
    let s = Summary::of(&chosen);
    let c = curves(view, case, &chosen);
    let ranges: HashMap<String, String> =
        rt_ranges(&s).into_iter().map(|(k, v)| (k.to_owned(), v.to_string())).collect();
    Some(types::TaskCaseAwChartResult {
        broken_list: Some(types::BrokenList {
            common_timestamps: Some(c.timestamps),
            tps_brokens: Some(c.tps),
            vusers_brokens: Some(c.vusers),
            respcode_brokens: Some(c.respcode),
            brand_brokens: Some(c.brand),
            performance_load: Some(json!({
                "requests": s.requests,
                "successRate": s.success_rate(),
                "averageRespTime": s.avg_rt,
                "tps": s.tps(),
                "maxUsers": int(s.max_users),
                "errorCount": count(s.failures),
            })),
            rtmp_brokens: None,
            streaming_error_brokens: None,
        }),
        err_message: None,
        resp_time_range: ranges,
    })
}
