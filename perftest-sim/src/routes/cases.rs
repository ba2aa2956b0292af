//! Test cases: old edition (`/v1/{project_id}/task-cases`, owned by a task) and new edition
//! (`/v2/{project_id}/test-cases`, in a directory), plus debugging.

use perftest_sdk::types;
use rand::Rng;

use super::{created, done, ok, require_name, success_code, success_message, Call, Reply};
use crate::error::{codes, ApiError};
use crate::metrics::seeded;
use crate::state::{Case, CaseOwner, Store};

/// Copies every field present in `new` over `old` (`case_id` and `directory_id` excepted).
fn merge_detail(old: &mut types::CaseInfoDetail, new: types::CaseInfoDetail) {
    macro_rules! take {
        ($($f:ident),*) => { $( if new.$f.is_some() { old.$f = new.$f; } )* };
    }
    take!(
        case_info,
        case_type,
        collect_log_policy,
        contents,
        for_loop_params,
        link_app_list,
        name,
        setup_contents,
        sort,
        stages,
        status,
        temp_id,
        user_replicas
    );
}

/// Fails when another case of the same owner scope already has this name.
fn check_unique(
    store: &Store,
    owner: CaseOwner,
    project_id: i32,
    name: &str,
    except: Option<i32>,
) -> Result<(), ApiError> {
    let clash = store.cases.values().any(|c| {
        Some(c.id) != except
            && c.name() == name
            && match (owner, c.owner) {
                (CaseOwner::Task(t), CaseOwner::Task(u)) => t == u,
                (CaseOwner::Directory(_), CaseOwner::Directory(_)) => c.project_id == project_id,
                _ => false,
            }
    });
    if clash {
        let scope = match owner {
            CaseOwner::Task(t) => format!("the cases of task {t}"),
            CaseOwner::Directory(_) => format!("the cases of project {project_id}"),
        };
        return Err(ApiError::duplicate("name", name, &scope));
    }
    Ok(())
}

pub(crate) fn create_case(call: &Call<'_>, store: &mut Store) -> Result<Reply, ApiError> {
    let body: types::CreateCaseRequestBody = call.body()?;
    require_name("name", &body.name)?;
    let task = store.task(body.task_id)?;
    let project_id = task.project_id;
    let owner = CaseOwner::Task(task.id);
    check_unique(store, owner, project_id, &body.name, None)?;
    let id = store.alloc()?;
    let detail = types::CaseInfoDetail {
        case_id: Some(id),
        name: Some(body.name),
        case_type: Some(body.type_),
        status: Some(1),
        ..Default::default()
    };
    store.cases.insert(id, Case { id, project_id, owner, detail, created: call.now, updated: call.now });
    store.task_mut(body.task_id)?.case_ids.push(id);
    created(&types::CreateCaseResponse {
        code: success_code(),
        message: success_message(),
        json: Some(types::CreateCaseResultJson { task_case_id: Some(id) }),
    })
}

pub(crate) fn create_new_case(call: &Call<'_>, store: &mut Store) -> Result<Reply, ApiError> {
    let mut detail: types::CaseInfoDetail = call.body()?;
    let name = detail
        .name
        .clone()
        .ok_or_else(|| ApiError::bad_request(codes::BAD_FIELD, "Invalid request body: missing field `name`"))?;
    require_name("name", &name)?;
    let directory_id = detail
        .directory_id
        .ok_or_else(|| ApiError::bad_request(codes::BAD_FIELD, "Invalid request body: missing field `directory_id`"))?;
    let project_id = store.directory(directory_id)?.project_id;
    let owner = CaseOwner::Directory(directory_id);
    check_unique(store, owner, project_id, &name, None)?;
    let id = store.alloc()?;
    detail.case_id = Some(id);
    detail.status.get_or_insert(1);
    detail.case_type.get_or_insert(0);
    store.cases.insert(id, Case { id, project_id, owner, detail, created: call.now, updated: call.now });
    created(&types::CreateNewCaseResponse {
        code: success_code(),
        message: success_message(),
        json: Some(types::CreaseCaseResponseJson { test_case_id: Some(id) }),
    })
}

pub(crate) fn show_case(call: &Call<'_>, store: &mut Store) -> Result<Reply, ApiError> {
    let case = store.case(call.path_id("case_id")?)?;
    ok(&types::ShowCaseResponse {
        code: success_code(),
        message: success_message(),
        test_case: Some(case.detail.clone()),
    })
}

/// Shared by `update_new_case` and `update_case`.
fn update(call: &Call<'_>, store: &mut Store) -> Result<Reply, ApiError> {
    let id = call.path_id("case_id")?;
    let body: types::CaseInfoDetail = call.body()?;
    let case = store.case(id)?;
    let (owner, project_id) = (case.owner, case.project_id);
    let mut new_owner = owner;
    if let (Some(dir), CaseOwner::Directory(current)) = (body.directory_id, owner) {
        if dir != current {
            let target = store.directory(dir)?;
            if target.project_id != project_id {
                return Err(ApiError::bad_value(format!(
                    "Invalid parameter: directory_id {dir} belongs to another project than case {id}"
                )));
            }
            new_owner = CaseOwner::Directory(dir);
        }
    }
    if let Some(name) = &body.name {
        require_name("name", name)?;
        check_unique(store, owner, project_id, name, Some(id))?;
    }
    let case = store.case_mut(id)?;
    merge_detail(&mut case.detail, body);
    case.owner = new_owner;
    if let CaseOwner::Directory(d) = new_owner {
        case.detail.directory_id = Some(d);
    }
    case.updated = call.now;
    done()
}

pub(crate) fn update_new_case(call: &Call<'_>, store: &mut Store) -> Result<Reply, ApiError> {
    update(call, store)
}

pub(crate) fn update_case(call: &Call<'_>, store: &mut Store) -> Result<Reply, ApiError> {
    // `target` is a free-form segment (the official example uses `name`); any value is accepted.
    call.path_str("target")?;
    update(call, store)
}

pub(crate) fn delete_case(call: &Call<'_>, store: &mut Store) -> Result<Reply, ApiError> {
    let id = call.path_id("case_id")?;
    store.case(id)?;
    store.remove_case(id);
    done()
}

pub(crate) fn delete_new_case(call: &Call<'_>, store: &mut Store) -> Result<Reply, ApiError> {
    delete_case(call, store)
}

pub(crate) fn debug_case(call: &Call<'_>, store: &mut Store) -> Result<Reply, ApiError> {
    let project_id = call.path_id("test_suite_id")?;
    let task_id = call.path_id("task_id")?;
    let case_id = call.path_id("case_id")?;
    let body: types::DebugCaseRequestBody = call.body()?;
    let task = store.task_in(project_id, task_id)?;
    let case = store
        .cases
        .get(&case_id)
        .filter(|c| task.case_ids.contains(&c.id) || c.owner == CaseOwner::Task(task_id))
        .ok_or_else(|| ApiError::not_found("case_id", case_id))?;
    if body.status != 9 {
        return Err(ApiError::bad_value(format!(
            "Invalid parameter: status must be 9 (start debugging), got {}",
            body.status
        )));
    }
    if body.without_package != 0 {
        return Err(ApiError::bad_value(format!(
            "Invalid parameter: without_package must be 0, got {}",
            body.without_package
        )));
    }
    let mut rng = seeded(call.config.seed, &[case_id as u64, 3]);
    let requests: Vec<types::ContentInfo> = case.request_cards().cloned().collect();
    let results = requests
        .iter()
        .map(|info| {
            let url = info.url.clone().unwrap_or_default();
            let host = url.split("://").nth(1).and_then(|r| r.split('/').next()).unwrap_or("").to_owned();
            types::DebugCaseResult {
                name: info.name.clone().or_else(|| Some(case.name())),
                url: Some(url),
                status_code: Some("200".into()),
                response_time: Some(rng.random_range(40..240)),
                result: Some(1),
                error_reason: Some(String::new()),
                body: info.bodys.as_ref().and_then(|b| serde_json::to_string(b).ok()),
                header: Some(types::DebugCaseResultHeader {
                    connection: Some("keep-alive".into()),
                    content_type: Some("application/json".into()),
                    host: Some(host),
                }),
                return_body: Some("{\"ok\":true}".into()),
                return_header: Some(types::DebugCaseReturnHeader {
                    connection: Some("keep-alive".into()),
                    content_length: Some("11".into()),
                    content_type: Some("application/json".into()),
                    date: Some(crate::timefmt::cpts_time(call.now)),
                    vary: Some("Accept-Encoding".into()),
                }),
            }
        })
        .collect();
    ok(&types::DebugCaseResponse {
        code: success_code(),
        message: success_message(),
        extend: Some(types::Extend::String(String::new())),
        result: Some(results),
    })
}
