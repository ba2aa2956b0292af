//! Report bodies built from the synthetic curves (see [`crate::metrics`]): the outline of a task
//! run, its case list, one case run's details, and a task's run history. Curves and charts are in
//! [`crate::charts`].
//!
//! Ids: the case run id (`case_run_id` of the report paths) is also the case-level `detail_id`, and
//! appears as `id`, `case_uri_i` and `testcaseId` of the case list (the official documents disagree
//! on which of these to use; all of them work here). AW-level `detail_id`s are the `caseAwId`s.

use std::time::SystemTime;

use perftest_sdk::{types, RunStatus};

use crate::lifecycle;
use crate::metrics::{self, count, int, round2, Point, Summary};
use crate::state::{CaseRun, Run, Store, Task};
use crate::timefmt::{cpts_time, plus_secs};

/// Case runs whose success rate is at least this count as passed (`pass_num`).
const PASS_SUCCESS_RATE: f64 = 99.0;

/// A run as seen at one instant.
pub(crate) struct RunView<'a> {
    pub run: &'a Run,
    pub seed: u64,
    pub status: RunStatus,
    /// Seconds of load so far.
    pub window: f64,
    /// Simulated seconds after the start at which it ended, if it has.
    pub ended_at: Option<f64>,
}

impl<'a> RunView<'a> {
    pub(crate) fn new(run: &'a Run, seed: u64, now: SystemTime, scale: f64) -> Self {
        Self {
            run,
            seed,
            status: lifecycle::status(run, now, scale),
            window: lifecycle::load_window(run, now, scale),
            ended_at: lifecycle::ended_at_secs(run, now, scale),
        }
    }

    /// The curve of case run number `idx`.
    pub(crate) fn curve(&self, idx: usize) -> Vec<Point> {
        self.run
            .case_runs
            .get(idx)
            .map(|c| metrics::case_curve(self.seed, self.run, c, self.window))
            .unwrap_or_default()
    }

    pub(crate) fn start_time(&self) -> String {
        cpts_time(self.run.started_at)
    }

    pub(crate) fn end_time(&self) -> Option<String> {
        self.ended_at.map(|s| cpts_time(plus_secs(self.run.started_at, s)))
    }

    /// Clock time (simulated) at the end of `point` of case run `case`.
    pub(crate) fn point_time(&self, case: &CaseRun, point: &Point) -> String {
        cpts_time(plus_secs(self.run.started_at, self.run.queue_secs + case.offset_secs + point.start + point.secs))
    }

    /// Seconds of load of one case run so far.
    pub(crate) fn case_window(&self, case: &CaseRun) -> f64 {
        (self.window - case.offset_secs).clamp(0.0, case.duration_secs)
    }

    /// Whether case run `case` has generated all the load it will.
    pub(crate) fn case_done(&self, case: &CaseRun) -> bool {
        self.ended_at.is_some() || self.case_window(case) >= case.duration_secs
    }

    /// Summaries of every case run, in order.
    pub(crate) fn case_summaries(&self) -> Vec<Summary> {
        (0..self.run.case_runs.len()).map(|i| Summary::of(&self.curve(i))).collect()
    }
}

/// `show_merge_report_logs_outline`.
pub(crate) fn outline(view: &RunView<'_>) -> types::ReportOutlineResult {
    let cases = view.case_summaries();
    let s = Summary::merge(&cases, view.window, view.run.parallel);
    let n = view.run.case_runs.len();
    let executed = view.run.case_runs.iter().filter(|c| view.case_window(c) > 0.0).count();
    let completed = view.run.case_runs.iter().filter(|c| view.case_done(c)).count();
    let passed = view
        .run
        .case_runs
        .iter()
        .zip(&cases)
        .filter(|(c, s)| view.case_done(c) && s.requests > 0 && s.success_rate() >= PASS_SUCCESS_RATE)
        .count();
    let avg_kbps = if s.secs > 0.0 { round2(s.requests as f64 * 3.0 / s.secs) } else { 0.0 };
    let outline = types::ReportOutline {
        core_index: Some(types::CoreIndex {
            error_request_count: Some(count(s.failures)),
            max_rps: Some(int(s.max_tps)),
            max_users: Some(int(s.max_users)),
            request_count: Some(count(s.requests)),
            response_time: Some(types::ResponseTimeInfo {
                avg_response_time: Some(s.avg_rt),
                avg_tp50: Some(int(s.percentile(50.0))),
                avg_tp90: Some(int(s.percentile(90.0))),
                max_response_time: Some(s.max_rt as i64),
                min_response_time: Some(s.min_rt as i64),
            }),
            rps: Some(s.tps()),
            success_count: Some(count(s.success())),
            success_rate: Some(int(s.success_rate())),
            trans_tps: Some(s.tps()),
        }),
        exception_response_sum: Some(types::ExceptionResponseSum {
            failed_assert: Some(0),
            failed_others: Some(count(s.http_errors())),
            failed_parsed: Some(0),
            failed_refused: Some(0),
            failed_timeout: Some(s.timeouts as i64),
        }),
        network_traffic: Some(types::NetworkTraffic {
            avg_network_traffic: Some(avg_kbps),
            max_down_stream: Some(int(s.max_tps * 2.4)),
            max_network_traffic: Some(int(s.max_tps * 3.0)),
            max_upstream: Some(int(s.max_tps * 0.6)),
            min_network_traffic: Some(0.0),
        }),
        response_code_sum: Some(types::ResponseCodeSum {
            sum1xx: Some(0),
            sum2xx: Some(count(s.success())),
            sum3xx: Some(0),
            sum4xx: Some(count(s.http4xx())),
            sum5xx: Some(count(s.http5xx())),
        }),
        response_code_details: Some(vec![
            serde_json::json!({"code": "200", "count": s.success()}),
            serde_json::json!({"code": "429", "count": s.http4xx()}),
            serde_json::json!({"code": "503", "count": s.http5xx()}),
        ]),
        sla_statistic: None,
        streaming_media: None,
        task_basic_attribute: Some(types::TaskBasicAttribute {
            project_id: Some(view.run.project_id.to_string()),
            task_id: Some(view.run.task_id.to_string()),
            protocols: Some(vec!["HTTP".into()]),
            create_by: Some("perftest-sim".into()),
            ..Default::default()
        }),
        task_basic_execution_data: Some(types::TaskBasicExecutionData {
            complete_num: Some(count(completed as u64)),
            duration: Some(int(view.window)),
            end_time: view.end_time(),
            executed_num: Some(count(executed as u64)),
            kpi_case_count: Some(count(n as u64)),
            kpi_case_execute_count: Some(count(executed as u64)),
            kpi_case_pass_count: Some(count(passed as u64)),
            parallel: Some(view.run.parallel),
            pass_num: Some(count(passed as u64)),
            start_time: Some(view.start_time()),
            task_status: Some(view.status.code()),
            total_num: Some(count(n as u64)),
            vum: Some(int(s.max_users * view.window / 60.0)),
        }),
    };
    types::ReportOutlineResult { err_message: None, outline: Some(outline) }
}

/// `show_merge_task_case`.
pub(crate) fn task_cases(view: &RunView<'_>) -> types::CaseReportSummary {
    let list = view
        .run
        .case_runs
        .iter()
        .map(|c| {
            let id = c.id.to_string();
            types::CaseAwInfo {
                id: Some(id.clone()),
                name: Some(c.name.clone()),
                case_uri_i: Some(id.clone()),
                testcase_id: Some(id),
                case_uri: Some(c.case_id.to_string()),
                case_aw_id: None,
                task_id: Some(view.run.task_id.to_string()),
                task_exec_id: Some(view.run.id.to_string()),
                datum_type: Some(0),
                aw: Some(
                    c.aws
                        .iter()
                        .map(|a| types::AwInfoDto {
                            datum_type: Some(1),
                            id: Some(a.id.clone()),
                            name: Some(a.name.clone()),
                        })
                        .collect(),
                ),
                aw_list: Some(
                    c.aws
                        .iter()
                        .map(|a| types::DetailItem {
                            case_aw_id: Some(a.id.clone()),
                            datum_type: Some(1),
                            name: Some(a.name.clone()),
                            transaction_id: None,
                            aw_list: None,
                        })
                        .collect(),
                ),
                transaction_list: Some(Vec::new()),
            }
        })
        .collect();
    types::CaseReportSummary { case_aw_info_list: Some(list), err_message: None }
}

/// Identity of a row of a case detail.
pub(crate) struct Row<'a> {
    pub id: String,
    pub name: &'a str,
    pub is_aw: bool,
    pub url: Option<&'a str>,
}

/// A `CaseReportDetail` row from a summary.
pub(crate) fn detail_row(
    view: &RunView<'_>,
    case: &CaseRun,
    row: Row<'_>,
    s: &Summary,
    curve: &[Point],
) -> types::CaseReportDetail {
    let last_users = curve.last().map_or(0.0, |p| p.users);
    let max_rec = curve.iter().map(Point::rec_kbps).fold(0.0, f64::max);
    let max_sent = curve.iter().map(Point::sent_kbps).fold(0.0, f64::max);
    types::CaseReportDetail {
        id: Some(row.id.clone()),
        detail_id: Some(row.id),
        name: Some(row.name.to_owned()),
        alias: Some(row.name.to_owned()),
        url: row.url.map(str::to_owned),
        case_uri: Some(case.case_id.to_string()),
        task_id: Some(view.run.task_id.to_string()),
        task_project_id: Some(view.run.project_id.to_string()),
        datum_type: Some(i32::from(row.is_aw)),
        is_aw: Some(row.is_aw),
        requests: Some(count(s.requests)),
        success_count: Some(count(s.success())),
        error_count: Some(count(s.failures)),
        success_rate: Some(int(s.success_rate())),
        transaction_success: Some(s.success_rate()),
        average_resp_time: Some(s.avg_rt),
        avg_tran_resp_time: Some(s.avg_rt),
        max_resp_time: Some(s.max_rt as i64),
        max_tran_resp_time: Some(s.max_rt),
        max: Some(int(s.max_rt)),
        min: Some(int(s.min_rt)),
        tp50: Some(int(s.percentile(50.0))),
        tp75: Some(int(s.percentile(75.0))),
        tp85: Some(int(s.percentile(85.0))),
        tp90: Some(int(s.percentile(90.0))),
        tp95: Some(int(s.percentile(95.0))),
        tp99: Some(int(s.percentile(99.0))),
        tp999: Some(int(s.percentile(99.9))),
        tp9999: Some(int(s.percentile(99.99))),
        tps: Some(s.tps()),
        max_tps: Some(round2(s.max_tps)),
        tran_tps: Some(s.tps()),
        transactions: Some(s.requests as f64),
        sum1xx: Some(0),
        sum2xx: Some(count(s.success())),
        sum3xx: Some(0),
        sum4xx: Some(count(s.http4xx())),
        sum5xx: Some(count(s.http5xx())),
        failed_assert: Some(0),
        failed_others: Some(count(s.http_errors())),
        failed_parsed: Some(0),
        failed_refused: Some(0),
        failed_timeout: Some(s.timeouts as i64),
        current_thread_num: Some(int(last_users)),
        max_thread_num: Some(s.max_users),
        user_concur: Some(int(s.max_users)),
        duration: Some(int(s.secs)),
        start_time: Some(view.start_time()),
        end_time: view.end_time(),
        status: Some(view.status.code()),
        task_status: Some(view.status.code()),
        avg_rec_bytes: Some(if s.secs > 0.0 { round2(s.requests as f64 * 2.4 / s.secs) } else { 0.0 }),
        avg_sent_bytes: Some(if s.secs > 0.0 { round2(s.requests as f64 * 0.6 / s.secs) } else { 0.0 }),
        max_rec_bytes: Some(int(max_rec)),
        max_sent_bytes: Some(int(max_sent)),
        ..Default::default()
    }
}

/// `show_merge_case_detail` for case run number `idx`.
pub(crate) fn case_detail(view: &RunView<'_>, idx: usize) -> Option<types::CaseReportDetailResult> {
    let case = view.run.case_runs.get(idx)?;
    let curve = view.curve(idx);
    let s = Summary::of(&curve);
    let row = Row { id: case.id.to_string(), name: &case.name, is_aw: false, url: None };
    let performance = detail_row(view, case, row, &s, &curve);
    let aw_curves = metrics::aw_curves(view.seed, view.run, case, &curve);
    let detail_datas = case
        .aws
        .iter()
        .zip(&aw_curves)
        .map(|(aw, c)| {
            let row = Row { id: aw.id.clone(), name: &aw.name, is_aw: true, url: Some(&aw.url) };
            detail_row(view, case, row, &Summary::of(c), c)
        })
        .collect();
    Some(types::CaseReportDetailResult {
        detail: Some(types::CaseReportDetails {
            performance: Some(performance),
            detail_datas: Some(detail_datas),
            custom_transactions: Some(Vec::new()),
        }),
        err_message: None,
    })
}

/// `show_history_run_info`: the task's runs, newest first.
pub(crate) fn history(
    store: &Store,
    task: &Task,
    seed: u64,
    now: SystemTime,
    scale: f64,
) -> Vec<types::HistoryRunInfo> {
    task.runs
        .iter()
        .rev()
        .filter_map(|id| store.runs.get(id))
        .map(|run| {
            let view = RunView::new(run, seed, now, scale);
            types::HistoryRunInfo {
                run_id: Some(f64::from(run.id)),
                run_type: Some(f64::from(run.run_type)),
                name: Some(run.task_name.clone()),
                start_time: Some(view.start_time()),
                end_time: view.end_time(),
                continue_time: Some(round2(view.window)),
                temp_names: Some(
                    run.case_runs.iter().map(|c| types::TempName { name: Some(c.name.clone()) }).collect(),
                ),
                parallel: Some(run.parallel),
            }
        })
        .collect()
}
