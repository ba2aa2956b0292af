//! Case directories: `/v1/{project_id}/test-suites/{test_suite_id}/directory...`.

use perftest_sdk::types;

use super::{created, done, ok, require_name, success_code, success_message, Call, Reply};
use crate::error::ApiError;
use crate::state::{CaseOwner, Directory, Store};
use crate::timefmt::cpts_time;

/// Tree node types (`tree_node_type`).
const NODE_DIRECTORY: i32 = 1;
const NODE_CASE: i32 = 2;

pub(crate) fn list_project_test_case(call: &Call<'_>, store: &mut Store) -> Result<Reply, ApiError> {
    let project_id = call.path_id("test_suite_id")?;
    store.project(project_id)?;
    let dirs = store.directories.values().filter(|d| d.project_id == project_id).map(|d| types::ProjectDirectory {
        id: Some(d.id),
        name: Some(d.name.clone()),
        parent_id: Some(0),
        status: Some(1),
        type_: Some(NODE_DIRECTORY),
        create_time: Some(cpts_time(d.created)),
        update_time: Some(cpts_time(d.updated)),
    });
    let cases =
        store.cases.values().filter(|c| c.project_id == project_id && matches!(c.owner, CaseOwner::Directory(_))).map(
            |c| types::ProjectDirectory {
                id: Some(c.id),
                name: Some(c.name()),
                parent_id: Some(c.parent_id()),
                status: Some(c.detail.status.unwrap_or(1)),
                type_: Some(NODE_CASE),
                create_time: Some(cpts_time(c.created)),
                update_time: Some(cpts_time(c.updated)),
            },
        );
    ok(&types::ListProjectTestCaseResponse {
        code: success_code(),
        message: success_message(),
        directory: Some(dirs.chain(cases).collect()),
    })
}

fn check_unique(store: &Store, project_id: i32, name: &str, except: Option<i32>) -> Result<(), ApiError> {
    if store.directories.values().any(|d| d.project_id == project_id && d.name == name && Some(d.id) != except) {
        return Err(ApiError::duplicate("name", name, &format!("the directories of project {project_id}")));
    }
    Ok(())
}

/// The directory, which must belong to the project.
fn directory_in(store: &Store, project_id: i32, id: i32) -> Result<&Directory, ApiError> {
    store.project(project_id)?;
    store
        .directories
        .get(&id)
        .filter(|d| d.project_id == project_id)
        .ok_or_else(|| ApiError::not_found("directory_id", id))
}

pub(crate) fn create_directory(call: &Call<'_>, store: &mut Store) -> Result<Reply, ApiError> {
    let project_id = call.path_id("test_suite_id")?;
    let body: types::CreateDirectoryRequestBody = call.body()?;
    store.project(project_id)?;
    require_name("name", &body.name)?;
    check_unique(store, project_id, &body.name, None)?;
    let id = store.alloc()?;
    store.directories.insert(id, Directory { id, project_id, name: body.name, created: call.now, updated: call.now });
    created(&types::CreateDirectoryResponse {
        code: success_code(),
        message: success_message(),
        directory_id: Some(id),
    })
}

pub(crate) fn update_directory(call: &Call<'_>, store: &mut Store) -> Result<Reply, ApiError> {
    let project_id = call.path_id("test_suite_id")?;
    let id = call.path_id("directory_id")?;
    let body: types::UpdateDirectoryRequestBody = call.body()?;
    directory_in(store, project_id, id)?;
    require_name("name", &body.name)?;
    check_unique(store, project_id, &body.name, Some(id))?;
    if let Some(d) = store.directories.get_mut(&id) {
        d.name = body.name;
        d.updated = call.now;
    }
    done()
}

pub(crate) fn delete_directory(call: &Call<'_>, store: &mut Store) -> Result<Reply, ApiError> {
    let project_id = call.path_id("test_suite_id")?;
    let id = call.path_id("directory_id")?;
    directory_in(store, project_id, id)?;
    store.remove_directory(id);
    done()
}
