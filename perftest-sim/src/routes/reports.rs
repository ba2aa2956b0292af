//! Run history and reports: `/v1/{project_id}/tasks/history-run-list/{task_id}`,
//! `/v1|v2/{project_id}/task-run-infos/{task_run_id}/...`.

use perftest_sdk::types;

use super::{ok, success_code, success_message, Call, Reply};
use crate::charts;
use crate::error::ApiError;
use crate::reports::{self, RunView};
use crate::state::Store;

fn trace_extend(run_id: i32) -> Option<types::Extend> {
    let mut m = serde_json::Map::new();
    m.insert(
        "trace_id".into(),
        serde_json::Value::String(format!("{:016x}", (run_id as u64).wrapping_mul(0x9e37_79b9))),
    );
    Some(types::Extend::Object(m))
}

pub(crate) fn show_history_run_info(call: &Call<'_>, store: &mut Store) -> Result<Reply, ApiError> {
    let task = store.task(call.path_id("task_id")?)?;
    let list = reports::history(store, task, call.config.seed, call.now, call.scale());
    ok(&types::ShowHistoryRunInfoResponse { code: success_code(), message: success_message(), log_list: Some(list) })
}

pub(crate) fn show_merge_report_logs_outline(call: &Call<'_>, store: &mut Store) -> Result<Reply, ApiError> {
    let run = store.run(call.path_id("task_run_id")?)?;
    let view = RunView::new(run, call.config.seed, call.now, call.scale());
    ok(&types::ShowMergeReportLogsOutlineResponse {
        code: success_code(),
        message: success_message(),
        extend: trace_extend(run.id),
        result: Some(reports::outline(&view)),
    })
}

pub(crate) fn show_merge_task_case(call: &Call<'_>, store: &mut Store) -> Result<Reply, ApiError> {
    let run = store.run(call.path_id("task_run_id")?)?;
    let view = RunView::new(run, call.config.seed, call.now, call.scale());
    ok(&types::ShowMergeTaskCaseResponse {
        code: success_code(),
        message: success_message(),
        extend: trace_extend(run.id),
        result: Some(reports::task_cases(&view)),
    })
}

pub(crate) fn show_merge_case_detail(call: &Call<'_>, store: &mut Store) -> Result<Reply, ApiError> {
    let run_id = call.path_id("task_run_id")?;
    let case_run_id = call.path_id("case_run_id")?;
    let (run, idx) = store.case_run(run_id, case_run_id)?;
    let view = RunView::new(run, call.config.seed, call.now, call.scale());
    let result = reports::case_detail(&view, idx).ok_or_else(|| ApiError::not_found("case_run_id", case_run_id))?;
    ok(&types::ShowMergeCaseDetailResponse {
        code: success_code(),
        message: success_message(),
        extend: trace_extend(run.id),
        result: Some(result),
    })
}

pub(crate) fn show_report(call: &Call<'_>, store: &mut Store) -> Result<Reply, ApiError> {
    let run_id = call.path_id("task_run_id")?;
    let case_run_id = call.path_id("case_run_id")?;
    let limit = call.query_required("brokens_limit_count")?;
    if limit < 1 {
        return Err(ApiError::bad_request(
            crate::error::codes::BAD_PARAM,
            "Invalid parameter: query parameter brokens_limit_count must be at least 1",
        ));
    }
    let (run, idx) = store.case_run(run_id, case_run_id)?;
    let view = RunView::new(run, call.config.seed, call.now, call.scale());
    let result = charts::report(&view, idx, usize::try_from(limit).unwrap_or(1))?;
    ok(&types::ShowReportResponse {
        code: success_code(),
        message: success_message(),
        extend: Some(types::Extend::String(String::new())),
        result: Some(result),
    })
}

pub(crate) fn show_task_case_aw_chart(call: &Call<'_>, store: &mut Store) -> Result<Reply, ApiError> {
    let run_id = call.path_id("task_run_id")?;
    let case_run_id = call.path_id("case_run_id")?;
    let detail_id = call.path_str("detail_id")?;
    let (run, idx) = store.case_run(run_id, case_run_id)?;
    let view = RunView::new(run, call.config.seed, call.now, call.scale());
    let result = charts::aw_chart(&view, idx, detail_id).ok_or_else(|| ApiError::not_found("detail_id", detail_id))?;
    ok(&types::ShowTaskCaseAwChartResponse {
        code: success_code(),
        message: success_message(),
        extend: trace_extend(run.id),
        result: Some(result),
    })
}
