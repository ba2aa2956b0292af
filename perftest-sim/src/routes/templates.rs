//! Transactions (templates): `/v1/{project_id}/templates...` and `/all-templates/{test_suite_id}`.

use perftest_sdk::types;

use super::{created, done, ok, require_name, success_code, success_message, Call, Reply};
use crate::error::ApiError;
use crate::state::{page, Store, Template};
use crate::timefmt::cpts_time;

fn check_unique(store: &Store, project_id: i32, name: &str, except: Option<i32>) -> Result<(), ApiError> {
    if store.templates.values().any(|t| t.project_id == project_id && t.name == name && Some(t.id) != except) {
        return Err(ApiError::duplicate("name", name, &format!("the transactions of project {project_id}")));
    }
    Ok(())
}

pub(crate) fn create_temp(call: &Call<'_>, store: &mut Store) -> Result<Reply, ApiError> {
    let body: types::CreateTempRequestBody = call.body()?;
    store.project(body.project_id)?;
    require_name("name", &body.name)?;
    check_unique(store, body.project_id, &body.name, None)?;
    let id = store.alloc()?;
    store.templates.insert(
        id,
        Template {
            id,
            project_id: body.project_id,
            name: body.name,
            description: body.description,
            temp_type: body.temp_type,
            contents: body.contents.unwrap_or_default(),
            for_loop_params: None,
            enable_pre: None,
            updated: call.now,
        },
    );
    created(&types::CreateTempResponse { code: success_code(), message: success_message(), temp_id: Some(id) })
}

pub(crate) fn show_temp(call: &Call<'_>, store: &mut Store) -> Result<Reply, ApiError> {
    let t = store.template(call.path_id("template_id")?)?;
    ok(&types::ShowTempResponse {
        code: success_code(),
        message: success_message(),
        temp_info: Some(types::TempInfo {
            id: Some(t.id),
            project_id: Some(t.project_id),
            name: Some(t.name.clone()),
            description: t.description.clone(),
            temp_type: Some(t.temp_type),
            contents: Some(t.contents.clone()),
            for_loop_params: t.for_loop_params.clone(),
            enable_pre: t.enable_pre,
            logic_controller: None,
            variables: None,
        }),
    })
}

pub(crate) fn update_temp(call: &Call<'_>, store: &mut Store) -> Result<Reply, ApiError> {
    let id = call.path_id("template_id")?;
    let body: types::UpdateTempRequestBody = call.body()?;
    let current = store.template(id)?;
    if body.id != id {
        return Err(ApiError::bad_value(format!(
            "Invalid parameter: id {} in the body does not match template_id {id} in the path",
            body.id
        )));
    }
    if body.project_id != current.project_id {
        return Err(ApiError::bad_value(format!(
            "Invalid parameter: project_id {} is not the project of transaction {id} ({})",
            body.project_id, current.project_id
        )));
    }
    require_name("name", &body.name)?;
    check_unique(store, body.project_id, &body.name, Some(id))?;
    let contents = match body.contents {
        Some(list) => Some(
            list.iter()
                .map(serde_json::to_value)
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| ApiError::internal(format!("cannot store contents: {e}")))?,
        ),
        None => None,
    };
    let t = store.templates.get_mut(&id).ok_or_else(|| ApiError::not_found("template_id", id))?;
    t.name = body.name;
    if body.description.is_some() {
        t.description = body.description;
    }
    if let Some(tt) = body.temp_type {
        t.temp_type = tt;
    }
    if let Some(c) = contents {
        t.contents = c;
    }
    if body.for_loop_params.is_some() {
        t.for_loop_params = body.for_loop_params;
    }
    if body.enable_pre.is_some() {
        t.enable_pre = body.enable_pre;
    }
    t.updated = call.now;
    done()
}

pub(crate) fn delete_temp(call: &Call<'_>, store: &mut Store) -> Result<Reply, ApiError> {
    let id = call.path_id("template_id")?;
    store.template(id)?;
    store.templates.remove(&id);
    ok(&types::DeleteTempResponse { code: success_code(), message: success_message() })
}

pub(crate) fn show_temp_set(call: &Call<'_>, store: &mut Store) -> Result<Reply, ApiError> {
    let project_id = call.path_id("test_suite_id")?;
    let offset = call.query_int("offset")?;
    let limit = call.query_int("limit")?;
    store.project(project_id)?;
    let temps: Vec<types::TempDetailInfo> = store
        .templates
        .values()
        .filter(|t| t.project_id == project_id)
        .map(|t| types::TempDetailInfo {
            id: Some(t.id),
            name: Some(t.name.clone()),
            description: t.description.clone(),
            temp_type: Some(t.temp_type),
            is_quoted: Some(false),
            update_time: Some(cpts_time(t.updated)),
        })
        .collect();
    ok(&types::ShowTempSetResponse {
        code: success_code(),
        message: success_message(),
        temps: Some(page(temps, offset, limit)),
    })
}
