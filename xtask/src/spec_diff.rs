//! `cargo xtask spec-diff [REV]`: what changed in the API between a git revision of the spec and the
//! working copy, classified as breaking or not for a client, as Markdown for a pull request.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::process::Command;

use anyhow::{Context, Result, bail};
use openapiv3::{
    OpenAPI, Operation, Parameter, ReferenceOr, Schema, SchemaKind, StringFormat, Type, VariantOrUnknownOrEmpty,
};

use crate::codegen::SPEC_PATH;
use crate::workspace_root;

/// One difference between two specs.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Change {
    pub breaking: bool,
    pub what: String,
}

fn change(breaking: bool, what: String) -> Change {
    Change { breaking, what }
}

/// `cargo xtask spec-diff`: prints Markdown; returns Ok(false) when `deny_breaking` and something breaks.
pub fn run(rev: &str, deny_breaking: bool) -> Result<bool> {
    let root = workspace_root();
    let out = Command::new("git")
        .args(["show", &format!("{rev}:{SPEC_PATH}")])
        .current_dir(&root)
        .output()
        .context("running git (is it installed?)")?;
    if !out.status.success() {
        bail!("git could not read {SPEC_PATH} at `{rev}`: {}", String::from_utf8_lossy(&out.stderr).trim());
    }
    let old: OpenAPI = serde_yaml::from_slice(&out.stdout).with_context(|| format!("{SPEC_PATH} at `{rev}` does not parse"))?;
    let text = std::fs::read_to_string(root.join(SPEC_PATH)).with_context(|| format!("reading {SPEC_PATH}"))?;
    let new: OpenAPI = serde_yaml::from_str(&text).with_context(|| format!("{SPEC_PATH} does not parse"))?;
    let changes = diff(&old, &new);
    print!("{}", markdown(&changes, &format!("`{rev}`"), "working copy"));
    Ok(!(deny_breaking && changes.iter().any(|c| c.breaking)))
}

/// Markdown ready to paste into a pull request.
pub fn markdown(changes: &[Change], from: &str, to: &str) -> String {
    let mut md = format!("## API changes in `{SPEC_PATH}` ({from} → {to})\n\n");
    if changes.is_empty() {
        md.push_str("No API changes.\n");
        return md;
    }
    let breaking = changes.iter().filter(|c| c.breaking).count();
    let _ = writeln!(md, "**{breaking} breaking**, {} non-breaking.\n", changes.len() - breaking);
    for (title, want) in [("Breaking", true), ("Non-breaking", false)] {
        let items: Vec<_> = changes.iter().filter(|c| c.breaking == want).collect();
        if !items.is_empty() {
            let _ = writeln!(md, "### {title}\n");
            for c in items {
                let _ = writeln!(md, "- {}", c.what);
            }
            md.push('\n');
        }
    }
    md
}

/// Where a schema is used decides what breaks: a client sends requests and decodes responses.
#[derive(Debug, Clone, Copy, Default)]
struct Usage {
    request: bool,
    response: bool,
}

/// All differences between `old` and `new`, sorted (breaking first).
pub fn diff(old: &OpenAPI, new: &OpenAPI) -> Vec<Change> {
    let mut out = Vec::new();
    let (old_ops, new_ops) = (operations(old), operations(new));
    for (key, op) in &old_ops {
        match new_ops.get(key) {
            None => out.push(change(true, format!("removed operation {}", op_label(key, op)))),
            Some(new_op) => diff_parameters(key, op, new_op, &mut out),
        }
    }
    for (key, op) in &new_ops {
        if !old_ops.contains_key(key) {
            out.push(change(false, format!("added operation {}", op_label(key, op))));
        }
    }
    let usage = schema_usage(new);
    let old_usage = schema_usage(old);
    let (old_schemas, new_schemas) = (schemas(old), schemas(new));
    for (name, old_schema) in &old_schemas {
        let Some(new_schema) = new_schemas.get(name) else { continue };
        let u = usage.get(name).or_else(|| old_usage.get(name)).copied().unwrap_or_default();
        diff_schema(name, old_schema, new_schema, u, &mut out);
    }
    out.sort_by(|a, b| b.breaking.cmp(&a.breaking).then_with(|| a.what.cmp(&b.what)));
    out.dedup();
    out
}

type OpKey = (String, String);

fn operations(spec: &OpenAPI) -> BTreeMap<OpKey, Operation> {
    spec.operations().map(|(path, method, op)| ((method.to_uppercase(), path.to_owned()), op.clone())).collect()
}

fn op_label(key: &OpKey, op: &Operation) -> String {
    format!("`{} {}` (`{}`)", key.0, key.1, op.operation_id.as_deref().unwrap_or("?"))
}

fn diff_parameters(key: &OpKey, old: &Operation, new: &Operation, out: &mut Vec<Change>) {
    let label = op_label(key, new);
    let params = |op: &Operation| -> BTreeMap<(String, &'static str), (bool, String)> {
        op.parameters
            .iter()
            .filter_map(ReferenceOr::as_item)
            .map(|p| {
                let loc = match p {
                    Parameter::Query { .. } => "query",
                    Parameter::Header { .. } => "header",
                    Parameter::Path { .. } => "path",
                    Parameter::Cookie { .. } => "cookie",
                };
                let d = p.parameter_data_ref();
                let ty = match &d.format {
                    openapiv3::ParameterSchemaOrContent::Schema(s) => type_name(s),
                    openapiv3::ParameterSchemaOrContent::Content(_) => "content".to_owned(),
                };
                ((d.name.clone(), loc), (d.required, ty))
            })
            .collect()
    };
    let (before, after) = (params(old), params(new));
    for ((name, loc), (req, ty)) in &before {
        match after.get(&(name.clone(), *loc)) {
            None => out.push(change(true, format!("{label}: removed {loc} parameter `{name}`"))),
            Some((new_req, new_ty)) => {
                if ty != new_ty {
                    out.push(change(true, format!("{label}: {loc} parameter `{name}` retyped from {ty} to {new_ty}")));
                }
                if req != new_req {
                    let what = if *new_req { "made required" } else { "made optional" };
                    out.push(change(*new_req, format!("{label}: {loc} parameter `{name}` {what}")));
                }
            }
        }
    }
    for ((name, loc), (req, ty)) in &after {
        if !before.contains_key(&(name.clone(), *loc)) {
            let kind = if *req { "required" } else { "optional" };
            out.push(change(*req, format!("{label}: added {kind} {loc} parameter `{name}` ({ty})")));
        }
    }
    let body = |op: &Operation| {
        op.request_body
            .as_ref()
            .and_then(ReferenceOr::as_item)
            .and_then(|b| b.content.get("application/json"))
            .and_then(|m| m.schema.as_ref())
            .map(type_name)
    };
    let (b0, b1) = (body(old), body(new));
    if b0 != b1 {
        let breaking = b0.is_some();
        out.push(change(breaking, format!("{label}: request body changed from {} to {}", opt(&b0), opt(&b1))));
    }
    let success = |op: &Operation| {
        op.responses
            .responses
            .iter()
            .find(|(code, _)| code.to_string().starts_with('2'))
            .and_then(|(_, r)| r.as_item())
            .and_then(|r| r.content.get("application/json"))
            .and_then(|m| m.schema.as_ref())
            .map(type_name)
    };
    let (r0, r1) = (success(old), success(new));
    if r0 != r1 {
        out.push(change(true, format!("{label}: success response changed from {} to {}", opt(&r0), opt(&r1))));
    }
}

fn opt(s: &Option<String>) -> String {
    s.clone().unwrap_or_else(|| "none".into())
}

fn schemas(spec: &OpenAPI) -> BTreeMap<String, Schema> {
    spec.components
        .iter()
        .flat_map(|c| c.schemas.iter())
        .filter_map(|(n, s)| s.as_item().map(|s| (n.clone(), s.clone())))
        .collect()
}

/// Which component schemas are reachable from request bodies and from success responses.
fn schema_usage(spec: &OpenAPI) -> BTreeMap<String, Usage> {
    let all = schemas(spec);
    let mut usage: BTreeMap<String, Usage> = BTreeMap::new();
    for (_, _, op) in spec.operations() {
        let mut roots = Vec::new();
        if let Some(s) = op
            .request_body
            .as_ref()
            .and_then(ReferenceOr::as_item)
            .and_then(|b| b.content.get("application/json"))
            .and_then(|m| m.schema.as_ref())
        {
            roots.push((refs(s), true));
        }
        for (_, r) in &op.responses.responses {
            if let Some(s) = r.as_item().and_then(|r| r.content.get("application/json")).and_then(|m| m.schema.as_ref()) {
                roots.push((refs(s), false));
            }
        }
        for (names, is_request) in roots {
            let mut todo: Vec<String> = names;
            let mut seen = BTreeSet::new();
            while let Some(n) = todo.pop() {
                if !seen.insert(n.clone()) {
                    continue;
                }
                let u = usage.entry(n.clone()).or_default();
                if is_request { u.request = true } else { u.response = true }
                if let Some(s) = all.get(&n) {
                    todo.extend(schema_refs(s));
                }
            }
        }
    }
    usage
}

fn refs(s: &ReferenceOr<Schema>) -> Vec<String> {
    match s {
        ReferenceOr::Reference { reference } => vec![short(reference).to_owned()],
        ReferenceOr::Item(s) => schema_refs(s),
    }
}

fn schema_refs(s: &Schema) -> Vec<String> {
    match &s.schema_kind {
        SchemaKind::Type(Type::Object(o)) => o.properties.values().flat_map(|p| refs(&p.clone().unbox())).collect(),
        SchemaKind::Type(Type::Array(a)) => a.items.as_ref().map(|i| refs(&i.clone().unbox())).unwrap_or_default(),
        SchemaKind::OneOf { one_of: v } | SchemaKind::AnyOf { any_of: v } | SchemaKind::AllOf { all_of: v } => {
            v.iter().flat_map(refs).collect()
        }
        _ => vec![],
    }
}

fn short(reference: &str) -> &str {
    reference.rsplit('/').next().unwrap_or(reference)
}

/// A readable type: `integer(int32)`, `string`, `array<Task>`, `Task`, `any`.
fn type_name(s: &ReferenceOr<Schema>) -> String {
    match s {
        ReferenceOr::Reference { reference } => short(reference).to_owned(),
        ReferenceOr::Item(s) => kind_name(&s.schema_kind),
    }
}

fn kind_name(k: &SchemaKind) -> String {
    match k {
        SchemaKind::Type(Type::String(s)) => match &s.format {
            VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => "string(date-time)".into(),
            VariantOrUnknownOrEmpty::Unknown(f) => format!("string({f})"),
            _ => "string".into(),
        },
        SchemaKind::Type(Type::Integer(i)) => match &i.format {
            VariantOrUnknownOrEmpty::Item(f) => format!("integer({})", format!("{f:?}").to_lowercase()),
            _ => "integer".into(),
        },
        SchemaKind::Type(Type::Number(_)) => "number".into(),
        SchemaKind::Type(Type::Boolean(_)) => "boolean".into(),
        SchemaKind::Type(Type::Object(_)) => "object".into(),
        SchemaKind::Type(Type::Array(a)) => {
            format!("array<{}>", a.items.as_ref().map(|i| type_name(&i.clone().unbox())).unwrap_or_else(|| "any".into()))
        }
        SchemaKind::OneOf { .. } => "oneOf".into(),
        SchemaKind::AnyOf { .. } => "anyOf".into(),
        SchemaKind::AllOf { .. } => "allOf".into(),
        SchemaKind::Not { .. } => "not".into(),
        SchemaKind::Any(_) => "any".into(),
    }
}

fn enum_values(s: &Schema) -> BTreeSet<String> {
    match &s.schema_kind {
        SchemaKind::Type(Type::String(t)) => t.enumeration.iter().flatten().cloned().collect(),
        SchemaKind::Type(Type::Integer(t)) => t.enumeration.iter().flatten().map(|v| v.to_string()).collect(),
        _ => BTreeSet::new(),
    }
}

fn diff_schema(name: &str, old: &Schema, new: &Schema, u: Usage, out: &mut Vec<Change>) {
    let (t0, t1) = (kind_name(&old.schema_kind), kind_name(&new.schema_kind));
    if t0 != t1 {
        out.push(change(true, format!("schema `{name}` retyped from {t0} to {t1}")));
    }
    diff_enum(&format!("schema `{name}`"), old, new, u, out);
    let (SchemaKind::Type(Type::Object(o0)), SchemaKind::Type(Type::Object(o1))) = (&old.schema_kind, &new.schema_kind)
    else {
        return;
    };
    let req0: BTreeSet<&String> = o0.required.iter().collect();
    let req1: BTreeSet<&String> = o1.required.iter().collect();
    for (field, s0) in &o0.properties {
        let at = format!("`{name}.{field}`");
        let Some(s1) = o1.properties.get(field) else {
            // Removing a field breaks senders (they can no longer set it) and readers (it is gone).
            out.push(change(true, format!("removed field {at}")));
            continue;
        };
        let (s0, s1) = (s0.clone().unbox(), s1.clone().unbox());
        let (ty0, ty1) = (type_name(&s0), type_name(&s1));
        if ty0 != ty1 {
            out.push(change(true, format!("field {at} retyped from {ty0} to {ty1}")));
        }
        if let (ReferenceOr::Item(a), ReferenceOr::Item(b)) = (&s0, &s1) {
            diff_enum(&format!("field {at}"), a, b, u, out);
        }
        match (req0.contains(field), req1.contains(field)) {
            (false, true) => out.push(change(true, format!("field {at} made required"))),
            // Optional in a response means the Rust field becomes an Option: callers must change.
            (true, false) => out.push(change(u.response, format!("field {at} made optional"))),
            _ => {}
        }
    }
    for field in o1.properties.keys().filter(|f| !o0.properties.contains_key(*f)) {
        let required = req1.contains(field);
        let kind = if required { "required" } else { "optional" };
        out.push(change(required && u.request, format!("added {kind} field `{name}.{field}`")));
    }
}

fn diff_enum(at: &str, old: &Schema, new: &Schema, u: Usage, out: &mut Vec<Change>) {
    let (e0, e1) = (enum_values(old), enum_values(new));
    for v in e1.difference(&e0) {
        // A value the client's enum does not know fails to decode in a response.
        out.push(change(u.response && !e0.is_empty(), format!("{at}: added enum value `{v}`")));
    }
    for v in e0.difference(&e1) {
        out.push(change(u.request || e1.is_empty(), format!("{at}: removed enum value `{v}`")));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = r#"
openapi: 3.0.3
info: {title: t, version: v1}
paths:
  /v1/{project_id}/tasks/{task_id}:
    get:
      operationId: show_task
      parameters:
        - {name: project_id, in: path, required: true, schema: {type: string}}
        - {name: task_id, in: path, required: true, schema: {type: integer, format: int32}}
        - {name: limit, in: query, required: false, schema: {type: integer, format: int32}}
      responses:
        2XX: {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Task'}}}}
    put:
      operationId: update_task
      parameters:
        - {name: project_id, in: path, required: true, schema: {type: string}}
        - {name: task_id, in: path, required: true, schema: {type: integer, format: int32}}
      requestBody: {required: true, content: {application/json: {schema: {$ref: '#/components/schemas/TaskUpdate'}}}}
      responses:
        2XX: {description: ok}
components:
  schemas:
    Task:
      type: object
      properties:
        name: {type: string}
        status: {type: string, enum: [running, done]}
    TaskUpdate:
      type: object
      required: [name]
      properties:
        name: {type: string}
        mode: {type: string, enum: [fast, slow]}
"#;

    fn diff_of(edit: impl Fn(&str) -> String) -> Vec<Change> {
        let old: OpenAPI = serde_yaml::from_str(BASE).unwrap();
        let new: OpenAPI = serde_yaml::from_str(&edit(BASE)).unwrap();
        diff(&old, &new)
    }

    fn one(changes: &[Change]) -> &Change {
        assert_eq!(changes.len(), 1, "{changes:#?}");
        &changes[0]
    }

    #[test]
    fn no_change_no_output() {
        let c = diff_of(|s| s.to_owned());
        assert!(c.is_empty());
        assert!(markdown(&c, "a", "b").contains("No API changes"));
    }

    #[test]
    fn retyped_response_field_is_breaking() {
        let c = diff_of(|s| s.replace("name: {type: string}\n        status", "name: {type: integer, format: int64}\n        status"));
        let c = one(&c);
        assert!(c.breaking && c.what.contains("`Task.name` retyped from string to integer(int64)"), "{c:?}");
    }

    #[test]
    fn added_and_removed_operations() {
        let c = diff_of(|s| s.replace("    put:\n      operationId: update_task", "    post:\n      operationId: update_task"));
        assert_eq!(c.len(), 2);
        assert!(c[0].breaking && c[0].what.starts_with("removed operation `PUT"));
        assert!(!c[1].breaking && c[1].what.starts_with("added operation `POST"));
    }

    #[test]
    fn parameters_added_removed_retyped_and_required() {
        let c = diff_of(|s| s.replace("{name: limit, in: query, required: false", "{name: limit, in: query, required: true"));
        assert!(one(&c).breaking && one(&c).what.contains("`limit` made required"));
        let c = diff_of(|s| s.replace("        - {name: limit, in: query, required: false, schema: {type: integer, format: int32}}\n", ""));
        assert!(one(&c).breaking && one(&c).what.contains("removed query parameter `limit`"));
        let c = diff_of(|s| s.replace("{name: limit, in: query, required: false, schema: {type: integer, format: int32}}", "{name: limit, in: query, required: false, schema: {type: string}}"));
        assert!(one(&c).breaking && one(&c).what.contains("retyped from integer(int32) to string"));
        let c = diff_of(|s| s.replace("        - {name: limit,", "        - {name: offset, in: query, required: false, schema: {type: integer}}\n        - {name: limit,"));
        assert!(!one(&c).breaking && one(&c).what.contains("added optional query parameter `offset`"));
    }

    #[test]
    fn fields_added_and_required_changes() {
        let c = diff_of(|s| s.replace("        mode: {type: string, enum: [fast, slow]}", "        mode: {type: string, enum: [fast, slow]}\n        note: {type: string}"));
        assert!(!one(&c).breaking && one(&c).what.contains("added optional field `TaskUpdate.note`"));
        let c = diff_of(|s| s.replace("required: [name]", "required: [name, mode]"));
        assert!(one(&c).breaking && one(&c).what.contains("`TaskUpdate.mode` made required"));
        let c = diff_of(|s| s.replace("required: [name]", "required: []"));
        assert!(!one(&c).breaking && one(&c).what.contains("`TaskUpdate.name` made optional"), "request-only: wire compatible");
    }

    #[test]
    fn enum_values_depend_on_direction() {
        let c = diff_of(|s| s.replace("enum: [running, done]", "enum: [running, done, paused]"));
        assert!(one(&c).breaking, "a new value in a response fails to decode: {c:?}");
        let c = diff_of(|s| s.replace("enum: [fast, slow]", "enum: [fast, slow, medium]"));
        assert!(!one(&c).breaking, "a new value in a request is an addition: {c:?}");
        let c = diff_of(|s| s.replace("enum: [fast, slow]", "enum: [fast]"));
        assert!(one(&c).breaking, "a request value that disappears breaks senders: {c:?}");
    }

    #[test]
    fn markdown_lists_breaking_first() {
        let c = vec![change(true, "removed x".into()), change(false, "added y".into())];
        let md = markdown(&c, "`HEAD`", "working copy");
        assert!(md.contains("**1 breaking**, 1 non-breaking"));
        assert!(md.find("### Breaking").unwrap() < md.find("### Non-breaking").unwrap());
    }
}
