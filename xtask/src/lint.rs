//! Spec lint: the rules progenitor 0.15 needs (it panics or misgenerates otherwise), checked up front
//! so a bad edit gets a message naming the operation and field instead of a panic.

use anyhow::{Result, bail};
use openapiv3::OpenAPI;
use serde_yaml::Value;

const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
const TAGS: [&str; 8] = ["projects", "directories", "cases", "tasks", "templates", "variables", "reports", "agents"];

/// Rules checked on the raw YAML, where every offending place can be named by its path.
pub fn check_raw(doc: &Value) -> Result<()> {
    let mut problems = Vec::new();
    match doc.get("openapi").and_then(Value::as_str) {
        Some(v) if v.starts_with("3.0.") => {}
        other => problems.push(format!(
            "openapi: version {other:?} is not supported; progenitor reads OpenAPI 3.0.x only (use \"3.0.3\")"
        )),
    }
    let mut ids = std::collections::BTreeMap::new();
    if let Some(paths) = doc.get("paths").and_then(Value::as_mapping) {
        for (path, item) in paths {
            let path = path.as_str().unwrap_or("?");
            for method in METHODS {
                if let Some(op) = item.get(method) {
                    check_operation(path, method, op, &mut ids, &mut problems);
                }
            }
        }
    } else {
        problems.push("paths: missing".into());
    }
    walk_schemas(doc, "#", &mut problems);
    if problems.is_empty() {
        Ok(())
    } else {
        bail!("{} problem(s):\n  - {}", problems.len(), problems.join("\n  - "))
    }
}

fn check_operation(
    path: &str,
    method: &str,
    op: &Value,
    ids: &mut std::collections::BTreeMap<String, String>,
    problems: &mut Vec<String>,
) {
    let at = format!("{} {path}", method.to_uppercase());
    let Some(id) = op.get("operationId").and_then(Value::as_str) else {
        problems.push(format!("{at}: missing operationId"));
        return;
    };
    let at = format!("operation `{id}` ({at})");
    if !id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_') {
        problems.push(format!("{at}: operationId must be snake_case, as the official SDK names it"));
    }
    if let Some(prev) = ids.insert(id.to_string(), at.clone()) {
        problems.push(format!("{at}: operationId already used by {prev}"));
    }
    match op.get("tags").and_then(Value::as_sequence).map(|t| t.as_slice()) {
        Some([tag]) if tag.as_str().is_some_and(|t| TAGS.contains(&t)) => {}
        _ => problems.push(format!("{at}: needs exactly one tag out of {}", TAGS.join(", "))),
    }
    for name in template_params(path) {
        let declared = op.get("parameters").and_then(Value::as_sequence).is_some_and(|ps| {
            ps.iter().any(|p| {
                p.get("in").and_then(Value::as_str) == Some("path") && p.get("name").and_then(Value::as_str) == Some(name)
            })
        });
        if !declared {
            problems.push(format!("{at}: path parameter `{name}` is not declared in `parameters`"));
        }
    }
    if let Some(content) = op.get("requestBody").and_then(|b| b.get("content")).and_then(Value::as_mapping) {
        let types: Vec<_> = content.keys().filter_map(Value::as_str).collect();
        if types != ["application/json"] {
            problems.push(format!(
                "{at}: request body must have exactly one media type, application/json (found {types:?})"
            ));
        }
    }
    let Some(responses) = op.get("responses").and_then(Value::as_mapping) else {
        problems.push(format!("{at}: missing responses"));
        return;
    };
    let mut success = 0;
    for (code, resp) in responses {
        let code = match code {
            Value::Number(n) => n.to_string(),
            other => other.as_str().unwrap_or("?").to_string(),
        };
        if code.starts_with('2') {
            success += 1;
        }
        if code == "default" {
            problems.push(format!(
                "{at}: response `default` next to a success response makes progenitor panic; use `4XX`/`5XX` with the shared ErrorBody"
            ));
        }
        if resp.get("$ref").is_none() && resp.get("description").is_none() {
            problems.push(format!("{at}: response `{code}` needs a description"));
        }
    }
    if success != 1 {
        problems.push(format!(
            "{at}: needs exactly one success response (found {success}); progenitor supports one success schema per operation"
        ));
    }
    for code in ["4XX", "5XX"] {
        let shared = responses
            .get(code)
            .and_then(|r| r.get("$ref"))
            .and_then(Value::as_str)
            == Some("#/components/responses/Error");
        if !shared {
            problems.push(format!("{at}: `{code}` must be `$ref: '#/components/responses/Error'` (one error schema)"));
        }
    }
}

fn template_params(path: &str) -> impl Iterator<Item = &str> {
    path.split('{').skip(1).filter_map(|s| s.split_once('}').map(|(name, _)| name))
}

/// Schema-level rules, anywhere in the document: `additionalProperties: false` becomes
/// `deny_unknown_fields` (a new server field would break decoding); `minimum` turns integers into `NonZero*`.
fn walk_schemas(node: &Value, at: &str, problems: &mut Vec<String>) {
    match node {
        Value::Mapping(map) => {
            if map.get("additionalProperties") == Some(&Value::Bool(false)) {
                problems.push(format!("{at}: `additionalProperties: false` is not allowed (unknown fields must be ignored)"));
            }
            if map.get("type").and_then(Value::as_str) == Some("integer") && map.contains_key("minimum") {
                problems.push(format!("{at}: `minimum` on an integer is not allowed (progenitor turns it into NonZero*)"));
            }
            for (k, v) in map {
                let key = k.as_str().map(str::to_string).unwrap_or_else(|| format!("{k:?}"));
                walk_schemas(v, &format!("{at}/{}", key.replace('/', "~1")), problems);
            }
        }
        Value::Sequence(items) => {
            for (i, v) in items.iter().enumerate() {
                walk_schemas(v, &format!("{at}/{i}"), problems);
            }
        }
        _ => {}
    }
}

/// Rules that need the parsed document.
pub fn check(spec: &OpenAPI) -> Result<()> {
    let count = operation_count(spec);
    if count == 0 {
        bail!("the spec has no operations");
    }
    Ok(())
}

pub fn operation_count(spec: &OpenAPI) -> usize {
    spec.operations().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lint(yaml: &str) -> String {
        let doc: Value = serde_yaml::from_str(yaml).unwrap();
        check_raw(&doc).map(|_| String::new()).unwrap_or_else(|e| e.to_string())
    }

    const OK_OP: &str = "
openapi: 3.0.3
paths:
  /v1/{project_id}/tasks/{task_id}:
    get:
      operationId: show_task
      tags: [tasks]
      parameters:
        - {name: project_id, in: path, required: true, schema: {type: string}}
        - {name: task_id, in: path, required: true, schema: {type: integer}}
      responses:
        2XX: {description: ok}
        4XX: {$ref: '#/components/responses/Error'}
        5XX: {$ref: '#/components/responses/Error'}
";

    #[test]
    fn accepts_a_conforming_operation() {
        assert_eq!(lint(OK_OP), "");
    }

    #[test]
    fn names_the_operation_for_a_typed_default() {
        let msg = lint(&OK_OP.replace("2XX: {description: ok}", "200: {description: ok}\n        default: {description: e}"));
        assert!(msg.contains("operation `show_task`") && msg.contains("`default`"), "{msg}");
    }

    #[test]
    fn names_the_field_for_minimum_and_closed_objects() {
        let msg = lint(&OK_OP.replace("schema: {type: integer}", "schema: {type: integer, minimum: 1}"));
        assert!(msg.contains("parameters/1/schema") && msg.contains("minimum"), "{msg}");
        let msg = lint(&format!(
            "{OK_OP}components:\n  schemas:\n    Task:\n      type: object\n      additionalProperties: false\n"
        ));
        assert!(msg.contains("#/components/schemas/Task") && msg.contains("additionalProperties"), "{msg}");
    }

    #[test]
    fn rejects_undeclared_path_params_and_bad_ids() {
        let msg = lint(&OK_OP.replace("operationId: show_task", "operationId: ShowTask").replace(
            "        - {name: task_id, in: path, required: true, schema: {type: integer}}\n",
            "",
        ));
        assert!(msg.contains("snake_case") && msg.contains("`task_id` is not declared"), "{msg}");
    }
}
