//! Projects (test suites): `/v1/{project_id}/test-suites...`.

use perftest_sdk::types;

use super::{created, done, ok, require_name, success_code, success_message, Call, Reply};
use crate::error::ApiError;
use crate::lifecycle;
use crate::state::{page, Project, Store};
use crate::timefmt::{cpts_time, iso_time};

pub(crate) fn list_project_sets(call: &Call<'_>, store: &mut Store) -> Result<Reply, ApiError> {
    let offset = call.query_int("offset")?;
    let limit = call.query_int("limit")?;
    let all: Vec<types::ProjectsSet> = store
        .projects
        .values()
        .map(|p| types::ProjectsSet {
            id: Some(p.id),
            name: Some(p.name.clone()),
            description: p.description.clone(),
            source: Some(p.source),
            external_params: p.external_params.clone(),
            create_time: Some(iso_time(p.created)),
            update_time: Some(iso_time(p.updated)),
            ..Default::default()
        })
        .collect();
    ok(&types::ListProjectSetsResponse {
        code: success_code(),
        message: success_message(),
        projects: Some(page(all, offset, limit)),
    })
}

fn check_unique(store: &Store, name: &str, except: Option<i32>) -> Result<(), ApiError> {
    if store.projects.values().any(|p| p.name == name && Some(p.id) != except) {
        return Err(ApiError::duplicate("name", name, "the projects of this account"));
    }
    Ok(())
}

pub(crate) fn create_project(call: &Call<'_>, store: &mut Store) -> Result<Reply, ApiError> {
    let body: types::CreateProjectRequestBody = call.body()?;
    require_name("name", &body.name)?;
    check_unique(store, &body.name, None)?;
    let id = store.alloc()?;
    store.projects.insert(
        id,
        Project {
            id,
            name: body.name,
            description: body.description,
            source: 0,
            external_params: None,
            created: call.now,
            updated: call.now,
        },
    );
    created(&types::CreateProjectResponse { code: success_code(), message: success_message(), project_id: Some(id) })
}

pub(crate) fn show_project(call: &Call<'_>, store: &mut Store) -> Result<Reply, ApiError> {
    let p = store.project(call.path_id("test_suite_id")?)?;
    ok(&types::ShowProjectResponse {
        code: success_code(),
        message: success_message(),
        project: Some(types::Project {
            id: Some(p.id),
            name: Some(p.name.clone()),
            description: p.description.clone(),
            group: Some("default".into()),
            source: Some(p.source),
            create_time: Some(cpts_time(p.created)),
            update_time: Some(cpts_time(p.updated)),
        }),
    })
}

pub(crate) fn update_project(call: &Call<'_>, store: &mut Store) -> Result<Reply, ApiError> {
    let id = call.path_id("test_suite_id")?;
    let body: types::UpdateProjectRequestBody = call.body()?;
    store.project(id)?;
    if body.id != id {
        return Err(ApiError::bad_value(format!(
            "Invalid parameter: id {} in the body does not match test_suite_id {id} in the path",
            body.id
        )));
    }
    require_name("name", &body.name)?;
    check_unique(store, &body.name, Some(id))?;
    let p = store.projects.get_mut(&id).ok_or_else(|| ApiError::not_found("test_suite_id", id))?;
    p.name = body.name;
    if body.description.is_some() {
        p.description = body.description;
    }
    if let Some(source) = body.source {
        p.source = source;
    }
    if body.external_params.is_some() {
        p.external_params = body.external_params;
    }
    p.updated = call.now;
    done()
}

pub(crate) fn delete_project(call: &Call<'_>, store: &mut Store) -> Result<Reply, ApiError> {
    let id = call.path_id("test_suite_id")?;
    store.project(id)?;
    for task in store.tasks.values().filter(|t| t.project_id == id) {
        lifecycle::check_idle(store, task, call.now, call.scale(), "deleting its project")?;
    }
    store.remove_project(id);
    done()
}

pub(crate) fn show_process(_call: &Call<'_>, _store: &mut Store) -> Result<Reply, ApiError> {
    ok(&types::ShowProcessResponse {
        code: success_code(),
        message: success_message(),
        extend: Some(types::Extend::String(String::new())),
        json: Some(types::UploadProcessJson { details: Some(Vec::new()), process_status: Some(1) }),
    })
}
