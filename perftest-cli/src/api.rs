//! `perftest api`: every CPTS operation with JSON arguments, through the SDK's generated dispatch table.

use anyhow::Result;
use perftest_sdk::dispatch::{self, OperationMeta};
use serde_json::{Map, Value};

use crate::cli::{ApiArgs, GlobalArgs};
use crate::config;
use crate::exit::{self, Fail};
use crate::output::print_stdout;

pub async fn api(global: &GlobalArgs, args: &ApiArgs) -> Result<u8> {
    if args.list {
        print_stdout(&list())?;
        return Ok(exit::PASSED);
    }
    let id = args.operation.as_deref().unwrap_or_default();
    let op = dispatch::operation(id).ok_or_else(|| unknown_operation(id))?;
    let params = parse_params(op, &args.params)?;
    let body = parse_body(op, args.body.as_deref())?;
    let client = config::client(global)?;
    tracing::debug!(operation = op.id, method = op.method, path = op.path, "calling");
    let reply = dispatch::call(&client, op.id, &params, body).await?;
    print_stdout(&(serde_json::to_string_pretty(&reply.body)? + "\n"))?;
    Ok(exit::PASSED)
}

/// The operation table: id, method, path, summary.
pub fn list() -> String {
    let w_id = dispatch::OPERATIONS.iter().map(|o| o.id.len()).max().unwrap_or(0);
    let w_path = dispatch::OPERATIONS.iter().map(|o| o.path.len()).max().unwrap_or(0);
    let mut out = String::new();
    for o in dispatch::OPERATIONS {
        out.push_str(&format!("{:<w_id$}  {:<6}  {:<w_path$}  {}\n", o.id, o.method, o.path, o.summary));
    }
    out
}

fn unknown_operation(id: &str) -> Fail {
    let close: Vec<&str> = dispatch::OPERATIONS
        .iter()
        .map(|o| o.id)
        .filter(|o| o.contains(id) || id.contains(o) || shares_words(o, id))
        .take(5)
        .collect();
    let hint = if close.is_empty() { String::new() } else { format!("; did you mean {}?", close.join(", ")) };
    Fail::usage(format!(
        "unknown operation `{id}`{hint} (perftest api --list shows all {})",
        dispatch::OPERATIONS.len()
    ))
}

fn shares_words(a: &str, b: &str) -> bool {
    let words: Vec<&str> = b.split('_').filter(|w| w.len() > 3).collect();
    !words.is_empty() && words.iter().all(|w| a.contains(w))
}

fn describe_params(op: &OperationMeta) -> String {
    if op.params.is_empty() {
        return format!("{} takes no parameters", op.id);
    }
    let list: Vec<String> = op
        .params
        .iter()
        .map(|p| {
            let req = if p.required { "required" } else { "optional" };
            format!("{} ({} {}, {req}): {}", p.name, p.location, p.kind, p.description)
        })
        .collect();
    format!("parameters of {}:\n    {}", op.id, list.join("\n    "))
}

/// `name=value` pairs, typed by the parameter's kind (a string parameter stays a string even when it looks numeric).
fn parse_params(op: &OperationMeta, raw: &[String]) -> Result<Map<String, Value>, Fail> {
    let mut map = Map::new();
    for item in raw {
        let Some((name, value)) = item.split_once('=') else {
            return Err(Fail::usage(format!("--param `{item}`: write NAME=VALUE\n{}", describe_params(op))));
        };
        let name = name.trim();
        let Some(meta) = op.params.iter().find(|p| p.name == name) else {
            return Err(Fail::usage(format!("{} has no parameter `{name}`\n{}", op.id, describe_params(op))));
        };
        let v = match meta.kind {
            "integer" => value
                .trim()
                .parse::<i64>()
                .map(Value::from)
                .map_err(|_| Fail::usage(format!("--param {name}: `{value}` is not an integer")))?,
            "number" => value
                .trim()
                .parse::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
                .map(Value::Number)
                .ok_or_else(|| Fail::usage(format!("--param {name}: `{value}` is not a number")))?,
            "boolean" => value
                .trim()
                .parse::<bool>()
                .map(Value::Bool)
                .map_err(|_| Fail::usage(format!("--param {name}: `{value}` is not true or false")))?,
            "string" => Value::String(value.to_owned()),
            _ => match serde_json::from_str::<Value>(value) {
                Ok(n @ Value::Number(_)) => n,
                _ => Value::String(value.to_owned()),
            },
        };
        map.insert(name.to_owned(), v);
    }
    let missing: Vec<&str> =
        op.params.iter().filter(|p| p.required && !map.contains_key(p.name)).map(|p| p.name).collect();
    if !missing.is_empty() {
        return Err(Fail::usage(format!(
            "{} needs --param for {}\n{}",
            op.id,
            missing.join(", "),
            describe_params(op)
        )));
    }
    Ok(map)
}

/// The body: inline JSON or `@file`.
fn parse_body(op: &OperationMeta, raw: Option<&str>) -> Result<Option<Value>, Fail> {
    match (op.body, raw) {
        (None, None) => Ok(None),
        (None, Some(_)) => Err(Fail::usage(format!("{} takes no body", op.id))),
        (Some(schema), None) => {
            Err(Fail::usage(format!("{} needs a JSON body (--body JSON or --body @FILE): {schema}", op.id)))
        }
        (Some(_), Some(text)) => {
            let (source, text) = match text.strip_prefix('@') {
                Some(path) => {
                    let content =
                        std::fs::read_to_string(path).map_err(|e| Fail::usage(format!("--body @{path}: {e}")))?;
                    (path.to_owned(), content)
                }
                None => ("--body".to_owned(), text.to_owned()),
            };
            serde_json::from_str(&text).map(Some).map_err(|e| Fail::usage(format!("{source} is not valid JSON: {e}")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_are_typed_by_the_spec() {
        let op = dispatch::operation("show_task_case_aw_chart").unwrap();
        let m = parse_params(op, &["task_run_id=5".into(), "case_run_id=6".into(), "detail_id=0042".into()]).unwrap();
        assert_eq!(m["task_run_id"], Value::from(5));
        assert_eq!(m["detail_id"], Value::from("0042"));
        let e = parse_params(op, &["task_run_id=x".into()]).unwrap_err();
        assert!(e.message.contains("not an integer"));
        let e = parse_params(op, &["task_run_id=5".into()]).unwrap_err();
        assert!(e.message.contains("needs --param for case_run_id, detail_id"), "{}", e.message);
        let e = parse_params(op, &["nope=1".into()]).unwrap_err();
        assert!(e.message.contains("no parameter `nope`"));
    }

    #[test]
    fn bodies_and_operations() {
        let create = dispatch::operation("create_project").unwrap();
        assert_eq!(parse_body(create, Some(r#"{"name":"x"}"#)).unwrap(), Some(serde_json::json!({"name":"x"})));
        assert!(parse_body(create, None).unwrap_err().message.contains("needs a JSON body"));
        assert!(parse_body(create, Some("{")).unwrap_err().message.contains("not valid JSON"));
        let show = dispatch::operation("show_task").unwrap();
        assert!(parse_body(show, Some("{}")).is_err());
        assert!(unknown_operation("show_tsk").message.contains("--list"));
        assert!(unknown_operation("task").message.contains("did you mean"));
        assert_eq!(list().lines().count(), dispatch::OPERATIONS.len());
    }
}
