//! Tasks: old edition (`/v1/{project_id}/tasks`), new edition (`/v3/{project_id}/tasks`), listing,
//! and starting/stopping (`update_task_status`, `batch_update_task_status`).

use perftest_sdk::{types, TaskStatus};

use super::{created, done, ok, require_name, success_code, success_message, Call, Reply};
use crate::error::{codes, ApiError};
use crate::lifecycle;
use crate::state::{page, Edition, Store, Task};
use crate::timefmt::cpts_time;

/// The `TaskInfo` of a task: its cases, the status of its latest run and that run's case runs.
pub(crate) fn task_info(store: &Store, task: &Task, call: &Call<'_>) -> types::TaskInfo {
    let last = lifecycle::last_run(store, task);
    types::TaskInfo {
        name: Some(task.name.clone()),
        description: task.description.clone(),
        project_id: Some(task.project_id),
        bench_concurrent: task.bench_concurrent,
        operate_mode: Some(task.operate_mode),
        parallel: Some(task.parallel),
        case_list: Some(store.task_cases(task).into_iter().map(|c| c.detail.clone()).collect()),
        run_status: last.map(|r| lifecycle::status(r, call.now, call.scale())),
        related_temp_running_data: last.map(|r| {
            r.case_runs
                .iter()
                .map(|c| types::RelatedTempRunningData {
                    task_run_info_id: Some(r.id),
                    related_temp_running_id: Some(c.id),
                    temp_id: Some(c.case_id),
                    temp_name: Some(c.name.clone()),
                    ..Default::default()
                })
                .collect()
        }),
        create_time: Some(cpts_time(task.created)),
        update_time: Some(cpts_time(task.updated)),
    }
}

fn check_unique(store: &Store, project_id: i32, name: &str, except: Option<i32>) -> Result<(), ApiError> {
    if store.tasks.values().any(|t| t.project_id == project_id && t.name == name && Some(t.id) != except) {
        return Err(ApiError::duplicate("name", name, &format!("the tasks of project {project_id}")));
    }
    Ok(())
}

/// Validates a new-edition case list: every case exists and belongs to the project; duplicates dropped.
fn case_list(store: &Store, project_id: i32, ids: &[i32]) -> Result<Vec<i32>, ApiError> {
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        let case = store.case(*id)?;
        if case.project_id != project_id {
            return Err(ApiError::bad_value(format!(
                "Invalid parameter: case_id_list: case {id} does not belong to project {project_id}"
            )));
        }
        if !out.contains(id) {
            out.push(*id);
        }
    }
    Ok(out)
}

fn require_fixed_mode(operate_mode: i32) -> Result<(), ApiError> {
    if operate_mode != 2 {
        return Err(ApiError::bad_value(format!("Invalid parameter: operate_mode must be 2, got {operate_mode}")));
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn new_task(
    call: &Call<'_>,
    id: i32,
    project_id: i32,
    edition: Edition,
    name: String,
    parallel: bool,
    operate_mode: i32,
    case_ids: Vec<i32>,
) -> Task {
    Task {
        id,
        project_id,
        edition,
        name,
        description: None,
        parallel,
        operate_mode,
        bench_concurrent: None,
        enable_full_link: None,
        case_ids,
        temps: Vec::new(),
        profile: None,
        runs: Vec::new(),
        starts: 0,
        stops: 0,
        created: call.now,
        updated: call.now,
    }
}

pub(crate) fn create_task(call: &Call<'_>, store: &mut Store) -> Result<Reply, ApiError> {
    let body: types::CreateTaskRequestBody = call.body()?;
    store.project(body.project_id)?;
    require_name("name", &body.name)?;
    check_unique(store, body.project_id, &body.name, None)?;
    let id = store.alloc()?;
    let mut task =
        new_task(call, id, body.project_id, Edition::V1, body.name, false, body.operate_mode.unwrap_or(0), Vec::new());
    task.bench_concurrent = body.bench_concurrent;
    task.temps = body.temps.unwrap_or_default();
    store.tasks.insert(id, task);
    created(&types::CreateTaskResponse { code: success_code(), message: success_message(), task_id: Some(id) })
}

pub(crate) fn create_new_task(call: &Call<'_>, store: &mut Store) -> Result<Reply, ApiError> {
    let body: types::NewTaskInfo = call.body()?;
    store.project(body.project_id)?;
    require_name("name", &body.name)?;
    require_fixed_mode(body.operate_mode)?;
    check_unique(store, body.project_id, &body.name, None)?;
    let cases = case_list(store, body.project_id, &body.case_id_list)?;
    let id = store.alloc()?;
    let mut task = new_task(call, id, body.project_id, Edition::V3, body.name, body.parallel, body.operate_mode, cases);
    task.enable_full_link = body.enable_full_link;
    store.tasks.insert(id, task);
    created(&types::CreateNewTaskResponse { code: success_code(), message: success_message(), task_id: Some(id) })
}

pub(crate) fn update_task_related_test_case(call: &Call<'_>, store: &mut Store) -> Result<Reply, ApiError> {
    let id = call.path_id("task_id")?;
    let body: types::UpdateNewTaskRequestBody = call.body()?;
    let task = store.task(id)?;
    if body.project_id != task.project_id {
        return Err(ApiError::bad_value(format!(
            "Invalid parameter: project_id {} is not the project of task {id} ({})",
            body.project_id, task.project_id
        )));
    }
    lifecycle::check_idle(store, task, call.now, call.scale(), "changing it")?;
    require_name("name", &body.name)?;
    require_fixed_mode(body.operate_mode)?;
    check_unique(store, body.project_id, &body.name, Some(id))?;
    let cases = case_list(store, body.project_id, &body.case_id_list)?;
    let task = store.task_mut(id)?;
    task.name = body.name;
    task.parallel = body.parallel;
    task.operate_mode = body.operate_mode;
    task.case_ids = cases;
    task.updated = call.now;
    let info = task_info(store, store.task(id)?, call);
    ok(&types::UpdateTaskRelatedTestCaseResponse {
        code: success_code(),
        message: success_message(),
        task_info: Some(info),
    })
}

pub(crate) fn update_task(call: &Call<'_>, store: &mut Store) -> Result<Reply, ApiError> {
    let id = call.path_id("task_id")?;
    let body: types::UpdateTaskRequestBody = call.body()?;
    let task = store.task(id)?;
    if body.id != id {
        return Err(ApiError::bad_value(format!(
            "Invalid parameter: id {} in the body does not match task_id {id} in the path",
            body.id
        )));
    }
    if body.project_id != task.project_id {
        return Err(ApiError::bad_value(format!(
            "Invalid parameter: project_id {} is not the project of task {id} ({})",
            body.project_id, task.project_id
        )));
    }
    lifecycle::check_idle(store, task, call.now, call.scale(), "changing it")?;
    require_name("name", &body.name)?;
    check_unique(store, body.project_id, &body.name, Some(id))?;
    let linked = task.case_ids.clone();
    for detail in body.case_list.into_iter().flatten() {
        let Some(case_id) = detail.case_id.filter(|c| linked.contains(c)) else { continue };
        if let Ok(case) = store.case_mut(case_id) {
            let keep_id = case.detail.case_id;
            let keep_dir = case.detail.directory_id;
            case.detail = types::CaseInfoDetail { case_id: keep_id, directory_id: keep_dir, ..detail };
            case.updated = call.now;
        }
    }
    let task = store.task_mut(id)?;
    task.name = body.name;
    if body.description.is_some() {
        task.description = body.description;
    }
    if let Some(mode) = body.operate_mode {
        task.operate_mode = mode;
    }
    if body.bench_concurrent.is_some() {
        task.bench_concurrent = body.bench_concurrent;
    }
    task.updated = call.now;
    let info = task_info(store, store.task(id)?, call);
    ok(&types::UpdateTaskResponse { code: success_code(), message: success_message(), task_info: Some(info) })
}

/// `delete_task` and `delete_new_task` (either edition).
pub(crate) fn delete_task(call: &Call<'_>, store: &mut Store) -> Result<Reply, ApiError> {
    let id = call.path_id("task_id")?;
    let task = store.task(id)?;
    lifecycle::check_idle(store, task, call.now, call.scale(), "deleting it")?;
    store.remove_task(id);
    done()
}

pub(crate) fn show_task(call: &Call<'_>, store: &mut Store) -> Result<Reply, ApiError> {
    let task = store.task(call.path_id("task_id")?)?;
    let info = task_info(store, task, call);
    ok(&types::ShowTaskResponse { code: success_code(), message: success_message(), task_info: Some(info) })
}

pub(crate) fn list_task_cases(call: &Call<'_>, store: &mut Store) -> Result<Reply, ApiError> {
    let project_id = call.path_id("test_suit_id")?;
    let task = store.task_in(project_id, call.path_id("task_id")?)?;
    let cases = store
        .task_cases(task)
        .into_iter()
        .map(|c| types::TestCaseBriefInfo {
            id: Some(c.id),
            name: Some(c.name()),
            parent_id: Some(c.parent_id()),
            status: Some(c.detail.status.unwrap_or(1)),
            type_: Some(2),
            create_time: Some(cpts_time(c.created)),
            update_time: Some(cpts_time(c.updated)),
        })
        .collect();
    ok(&types::ListTaskCasesResponse { code: success_code(), message: success_message(), test_cases: Some(cases) })
}

pub(crate) fn show_task_set(call: &Call<'_>, store: &mut Store) -> Result<Reply, ApiError> {
    let project_id = call.path_id("test_suite_id")?;
    let offset = call.query_int("offset")?;
    let limit = call.query_int("limit")?;
    store.project(project_id)?;
    let tasks: Vec<types::Task> = store
        .tasks
        .values()
        .filter(|t| t.project_id == project_id)
        .map(|t| types::Task {
            id: Some(t.id),
            name: Some(t.name.clone()),
            description: t.description.clone(),
            bench_concurrent: t.bench_concurrent,
            operate_mode: Some(t.operate_mode),
            parallel: Some(t.parallel),
            task_run_info: t.runs.last().map(|r| types::TaskRunInfo { id: Some(*r), run_type: Some(t.edition.code()) }),
            update_time: Some(cpts_time(t.updated)),
        })
        .collect();
    ok(&types::ShowTaskSetResponse {
        code: success_code(),
        message: success_message(),
        extend: Some(types::Extend::Array(Vec::new())),
        tasks: Some(page(tasks, offset, limit)),
    })
}

fn require_without_package(v: Option<i32>) -> Result<(), ApiError> {
    match v {
        Some(other) if other != 0 => {
            Err(ApiError::bad_value(format!("Invalid parameter: without_package must be 0, got {other}")))
        }
        _ => Ok(()),
    }
}

pub(crate) fn update_task_status(call: &Call<'_>, store: &mut Store) -> Result<Reply, ApiError> {
    let project_id = call.path_id("test_suite_id")?;
    let task_id = call.path_id("task_id")?;
    let body: types::UpdateTaskStatusRequestBody = call.body()?;
    require_without_package(Some(body.without_package))?;
    store.task_in(project_id, task_id)?;
    let run_id = match body.status {
        TaskStatus::Start => lifecycle::start(store, call.config, task_id, call.now)?,
        TaskStatus::Stop => lifecycle::stop(store, task_id, call.now, call.scale())?,
    };
    ok(&types::UpdateTaskStatusResponse {
        code: success_code(),
        message: success_message(),
        extend: Some(types::Extend::String(String::new())),
        result: Some(types::UpdateTaskStatusResult { task_run_id: Some(run_id) }),
    })
}

pub(crate) fn batch_update_task_status(call: &Call<'_>, store: &mut Store) -> Result<Reply, ApiError> {
    let project_id = call.path_id("test_suit_id")?;
    let body: types::BatchUpdateTaskStatusRequestBody = call.body()?;
    if body.project_id != project_id {
        return Err(ApiError::bad_value(format!(
            "Invalid parameter: project_id {} in the body does not match test_suit_id {project_id} in the path",
            body.project_id
        )));
    }
    require_without_package(body.without_package)?;
    if body.task_id_list.is_empty() {
        return Err(ApiError::bad_value("Invalid parameter: task_id_list must not be empty"));
    }
    let mut ids: Vec<i32> = Vec::with_capacity(body.task_id_list.len());
    for id in &body.task_id_list {
        if !ids.contains(id) {
            ids.push(*id);
        }
    }
    // Check every task before changing any, so that a rejected batch changes nothing.
    for id in &ids {
        let task = store.task_in(project_id, *id)?;
        if let Some(t) = body.type_ {
            if t != task.edition.code() {
                return Err(ApiError::bad_value(format!(
                    "Invalid parameter: type {t} does not match task {id}, which is an {} task (type {})",
                    task.edition.label(),
                    task.edition.code()
                )));
            }
        }
        match body.status {
            TaskStatus::Start => lifecycle::check_startable(store, task, call.now, call.scale())?,
            TaskStatus::Stop if task.runs.is_empty() => {
                return Err(ApiError::bad_request(
                    codes::TASK_NOT_RUNNING,
                    format!("task {id} has not been started; there is nothing to stop"),
                ))
            }
            TaskStatus::Stop => {}
        }
    }
    let mut result = Vec::with_capacity(ids.len());
    for id in ids {
        let run_id = match body.status {
            TaskStatus::Start => lifecycle::start(store, call.config, id, call.now)?,
            TaskStatus::Stop => lifecycle::stop(store, id, call.now, call.scale())?,
        };
        result.push(types::BatchUpdateTaskStatusResponseBodyResult { task_id: Some(id), task_run_id: Some(run_id) });
    }
    ok(&types::BatchUpdateTaskStatusResponse {
        code: success_code(),
        message: success_message(),
        extend: None,
        result: Some(result),
    })
}
