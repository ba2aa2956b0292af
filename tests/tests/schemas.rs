//! The JSON Schemas of the generated types (SDK feature `schemars`) against the official SDK's
//! catalog (`../shared/reference/cpts-catalog.json`, or `PERFTEST_CATALOG`): every request body has
//! the catalog's fields and required set, and the hand-written status enums carry the catalog's values.

use std::collections::BTreeSet;

use perftest_sdk::types;
use perftest_tests::{fixture_path, read_json, shared_dir};
use schemars::schema_for;
use serde_json::Value;

fn catalog() -> Value {
    read_json(&fixture_path("PERFTEST_CATALOG", shared_dir().join("reference/cpts-catalog.json")))
}

/// (json names, required json names) of a catalog model.
fn catalog_fields(catalog: &Value, model: &str) -> (BTreeSet<String>, BTreeSet<String>) {
    let fields = catalog["models"][model]["fields"].as_array().unwrap_or_else(|| panic!("catalog has no model {model}"));
    let name = |f: &Value| f["json_name"].as_str().unwrap_or_default().to_owned();
    let all = fields.iter().map(name).collect();
    let required = fields.iter().filter(|f| f["required"] == true).map(name).collect();
    (all, required)
}

/// (property names, required names) of a schema's root object.
fn schema_fields(schema: &Value) -> (BTreeSet<String>, BTreeSet<String>) {
    let all = schema["properties"].as_object().map(|p| p.keys().cloned().collect()).unwrap_or_default();
    let required = schema["required"]
        .as_array()
        .map(|r| r.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
        .unwrap_or_default();
    (all, required)
}

macro_rules! request_bodies {
    ($($ty:ident),* $(,)?) => {
        vec![$((stringify!($ty), serde_json::to_value(schema_for!(types::$ty)).unwrap())),*]
    };
}

#[test]
fn request_body_schemas_have_the_catalog_fields() {
    let catalog = catalog();
    let bodies = request_bodies![
        BatchUpdateTaskStatusRequestBody,
        CreateCaseRequestBody,
        CreateDirectoryRequestBody,
        CreateProjectRequestBody,
        CreateTaskRequestBody,
        CreateTempRequestBody,
        CreateVariableRequestBody,
        DebugCaseRequestBody,
        ShowAgentConfigRequestBody,
        UpdateAgentHealthStatusRequestBody,
        UpdateDirectoryRequestBody,
        UpdateNewTaskRequestBody,
        UpdateProjectRequestBody,
        UpdateTaskRequestBody,
        UpdateTaskStatusRequestBody,
        UpdateTempRequestBody,
        UpdateVariableRequestBody,
    ];
    let listed: BTreeSet<&str> = bodies.iter().map(|(name, _)| *name).collect();
    let in_catalog: BTreeSet<&str> = catalog["models"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .filter(|k| k.ends_with("RequestBody"))
        .collect();
    assert_eq!(listed, in_catalog, "every request body of the catalog is checked");
    for (name, schema) in &bodies {
        assert_eq!(schema_fields(schema), catalog_fields(&catalog, name), "{name}");
    }
}

#[test]
fn status_enums_carry_the_catalog_values() {
    let catalog = catalog();
    let values = |id: &str| -> Value {
        let e = catalog["enums"].as_array().unwrap().iter().find(|e| e["id"] == id).unwrap_or_else(|| panic!("enum {id}"));
        e["values"].as_array().unwrap().iter().map(|v| v["value"].clone()).collect()
    };
    let body = serde_json::to_value(schema_for!(types::UpdateTaskStatusRequestBody)).unwrap();
    let status = &body["definitions"]["TaskStatus"];
    let mut ours: Vec<Value> = status["enum"].as_array().expect("TaskStatus is an enum").clone();
    let mut official: Vec<Value> = values("task_action_status").as_array().unwrap().clone();
    ours.sort_by_key(|v| v.as_i64());
    official.sort_by_key(|v| v.as_i64());
    assert_eq!(ours, official);
    assert_eq!(body["properties"]["status"]["$ref"], "#/definitions/TaskStatus");

    let run = serde_json::to_value(schema_for!(perftest_sdk::RunStatus)).unwrap();
    assert_eq!(run["type"], "integer", "RunStatus keeps unknown codes, so any integer is valid");
}
