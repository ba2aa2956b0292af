//! Global variables: `/v1/{project_id}/variables...` (array bodies, ids in the query for delete).

use perftest_sdk::types;

use super::{created, done, ok, require_name, success_code, success_message, Call, Reply};
use crate::error::ApiError;
use crate::state::{Store, Variable};

fn check_unique(store: &Store, project_id: i32, name: &str, except: Option<i32>) -> Result<(), ApiError> {
    if store.variables.values().any(|v| v.project_id == project_id && v.name == name && Some(v.id) != except) {
        return Err(ApiError::duplicate("name", name, &format!("the variables of project {project_id}")));
    }
    Ok(())
}

fn require_items<T>(items: &[T]) -> Result<(), ApiError> {
    if items.is_empty() {
        return Err(ApiError::bad_value("Invalid request body: the variable list must not be empty"));
    }
    Ok(())
}

/// Creates every variable of the array (ids in the body are ignored; new ids are allocated).
/// `json.variable_id` is the id of the last one created.
pub(crate) fn create_variable(call: &Call<'_>, store: &mut Store) -> Result<Reply, ApiError> {
    let project_id = call.path_id("test_suite_id")?;
    let items: Vec<types::CreateVariableRequestBody> = call.body()?;
    store.project(project_id)?;
    require_items(&items)?;
    for (i, v) in items.iter().enumerate() {
        require_name(&format!("[{i}].name"), &v.name)?;
        check_unique(store, project_id, &v.name, None)?;
        if items[..i].iter().any(|w| w.name == v.name) {
            return Err(ApiError::duplicate(&format!("[{i}].name"), &v.name, "this request"));
        }
    }
    let mut last = None;
    for v in items {
        let id = store.alloc()?;
        store.variables.insert(
            id,
            Variable {
                id,
                project_id,
                name: v.name,
                variable_type: v.variable_type,
                values: v.variable,
                is_quoted: v.is_quoted,
            },
        );
        last = Some(id);
    }
    created(&types::CreateVariableResponse {
        code: success_code(),
        message: success_message(),
        json: Some(types::CreateVariableResultJson { variable_id: last }),
    })
}

/// Updates every variable of the array (matched by `id` within the project).
pub(crate) fn update_variable(call: &Call<'_>, store: &mut Store) -> Result<Reply, ApiError> {
    let project_id = call.path_id("test_suite_id")?;
    let items: Vec<types::UpdateVariableRequestBody> = call.body()?;
    store.project(project_id)?;
    require_items(&items)?;
    for (i, v) in items.iter().enumerate() {
        if store.variables.get(&v.id).is_none_or(|x| x.project_id != project_id) {
            return Err(ApiError::not_found("variable_id", v.id));
        }
        require_name(&format!("[{i}].name"), &v.name)?;
        check_unique(store, project_id, &v.name, Some(v.id))?;
    }
    let first = items.first().map(|v| v.id);
    for v in items {
        if let Some(stored) = store.variables.get_mut(&v.id) {
            stored.name = v.name;
            stored.variable_type = v.variable_type;
            stored.values = v.variable;
        }
    }
    ok(&types::UpdateVariableResponse {
        code: success_code(),
        message: success_message(),
        json: Some(types::CreateVariableResultJson { variable_id: first }),
    })
}

pub(crate) fn delete_variable(call: &Call<'_>, store: &mut Store) -> Result<Reply, ApiError> {
    let variable_id = call.query_required("variable_id")?;
    let project_id = call.query_required("test_suite_id")?;
    store.project(project_id)?;
    if store.variables.get(&variable_id).is_none_or(|v| v.project_id != project_id) {
        return Err(ApiError::not_found("variable_id", variable_id));
    }
    store.variables.remove(&variable_id);
    done()
}

pub(crate) fn list_variables(call: &Call<'_>, store: &mut Store) -> Result<Reply, ApiError> {
    let variable_type = call.path_id("variable_type")?;
    let project_id = call.path_id("test_suite_id")?;
    store.project(project_id)?;
    let list = store
        .variables
        .values()
        .filter(|v| v.project_id == project_id && v.variable_type == variable_type)
        .map(|v| types::VariableDetail {
            id: Some(v.id),
            name: Some(v.name.clone()),
            variable_type: Some(v.variable_type),
            variable: Some(v.values.clone()),
            is_quoted: Some(v.is_quoted),
            variable_mode: Some(0),
            share_mode: Some(0),
            file_size: None,
        })
        .collect();
    ok(&types::ListVariablesResponse { code: success_code(), message: success_message(), variable_list: Some(list) })
}
