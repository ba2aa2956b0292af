//! Wire conformance against what the official Python SDK sends and parses
//! (`../shared/reference/wire/`, or the directory in `PERFTEST_WIRE_DIR`).
//!
//! For every operation file: configure the SDK as the file says, call the operation with its inputs,
//! capture the request in memory and compare it with the recorded one; then feed the canned response
//! back and compare the decoded value with what the official SDK parsed. The `errors/` captures must
//! map to [`perftest_sdk::Error::Service`] with the same status, code, message and request id.

use std::path::{Path, PathBuf};

use perftest_sdk::{Error, auth, dispatch};
use perftest_tests::{
    Canned, Captured, FixtureConfig, capture_client, dispatch_inputs, fixture_path, operation_files, read_json,
    shared_dir,
};
use serde_json::Value;

fn wire_dir() -> PathBuf {
    fixture_path("PERFTEST_WIRE_DIR", shared_dir().join("reference/wire"))
}

#[tokio::test]
async fn operations_conform() {
    let dir = wire_dir();
    let files = operation_files(&dir);
    assert!(!files.is_empty(), "no operation captures in {}", dir.display());
    let mut failures = Vec::new();
    let mut conform = 0;
    for file in &files {
        match check_operation(file).await {
            Ok(()) => conform += 1,
            Err(problems) => failures.push(format!("{}:\n    {}", file.display(), problems.join("\n    "))),
        }
    }
    println!("{conform}/{} operations conform", files.len());
    assert!(failures.is_empty(), "{} operation(s) differ:\n{}", failures.len(), failures.join("\n"));
    assert_eq!(conform, dispatch::OPERATIONS.len(), "every operation of the SDK needs a capture");
}

async fn check_operation(file: &Path) -> Result<(), Vec<String>> {
    let fx = read_json(file);
    let op = fx["operation"].as_str().ok_or_else(|| vec!["no `operation` key".to_owned()])?;
    if dispatch::operation(op).is_none() {
        return Err(vec![format!("operation `{op}` has no Rust mapping")]);
    }
    let config = FixtureConfig::from_fixture(&fx["config"]);
    let (client, log) = capture_client(&config, Canned::from_fixture(&fx["response_canned"]));
    let (args, body) = dispatch_inputs(&fx["inputs"]);
    let reply = dispatch::call(&client, op, &args, body).await;
    let sent = log.lock().unwrap().pop().ok_or_else(|| vec!["no request was sent".to_owned()])?;

    let mut problems = compare_request(&fx["request"], &sent, &config);
    match reply {
        Ok(reply) => {
            let expected = &fx["response_parsed_wire"];
            let ours = normalize(&reply.body);
            let theirs = normalize(expected);
            // Exception: the twelve operations whose response model has no fields parse to `{}` in
            // Python; the Rust SDK returns `()` (JSON null) for them.
            let no_fields = reply.body.is_null() && theirs == Value::Object(Default::default());
            if !no_fields && !json_eq(&ours, &theirs) {
                problems.push(format!("decoded response differs:\n      ours:   {ours}\n      theirs: {theirs}"));
            }
        }
        Err(e) => problems.push(format!("call failed: {e}")),
    }
    if problems.is_empty() { Ok(()) } else { Err(problems) }
}

fn compare_request(rec: &Value, sent: &Captured, config: &FixtureConfig) -> Vec<String> {
    let mut problems = Vec::new();
    let mut expect = |what: &str, ours: Option<&str>, theirs: Option<&str>| {
        if ours != theirs {
            problems.push(format!("{what}: ours {ours:?}, official {theirs:?}"));
        }
    };
    expect("method", Some(&sent.method), rec["method"].as_str());
    expect("path", Some(&sent.path), rec["path"].as_str());
    let raw_query = rec["raw_query"].as_str().filter(|q| !q.is_empty());
    expect("query", sent.query.as_deref(), raw_query);
    for h in ["X-Project-Id", "Content-Type", "X-Sdk-Date", "Host"] {
        expect(h, sent.header(h), rec["headers"][h].as_str());
    }
    let body_ours: Value = if sent.body.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&sent.body).unwrap_or_else(|e| Value::String(format!("<not JSON: {e}>")))
    };
    if !json_eq(&body_ours, &rec["body_json"]) {
        problems.push(format!("body: ours {body_ours}, official {}", rec["body_json"]));
    }
    // The signature must verify over exactly what was sent.
    let query = sent.query.as_deref().map(auth::query_pairs_from_str).unwrap_or_default();
    let headers: Vec<(String, String)> = sent.headers.clone();
    let signable = auth::SignableRequest {
        method: &sent.method,
        host: sent.header("host").unwrap_or_default(),
        path: &sent.path,
        query: &query,
        headers: &headers,
        body: &sent.body,
    };
    match auth::verify(&signable, &config.sk) {
        Ok(v) if v.access_key == config.ak => {}
        Ok(v) => problems.push(format!("signed with access key {}", v.access_key)),
        Err(e) => problems.push(format!("Authorization does not verify: {e}")),
    }
    problems
}

/// Drop nulls (Python's parsed objects list every attribute, set or not; ours omit unset ones).
fn normalize(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k.clone(), normalize(v))).collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(normalize).collect()),
        other => other.clone(),
    }
}

/// JSON equality with numbers compared by value (`3` and `3.0` are equal: Python turns typed
/// floats into floats, serde keeps what the schema says).
fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x == y || x.as_f64() == y.as_f64(),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| json_eq(v, w)))
        }
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(v, w)| json_eq(v, w)),
        _ => a == b,
    }
}

#[tokio::test]
async fn error_captures_map_to_service_errors() {
    let dir = wire_dir().join("errors");
    let files = operation_files(&dir);
    assert!(!files.is_empty(), "no error captures in {}", dir.display());
    for file in &files {
        let fx = read_json(file);
        let op = fx["operation"].as_str().unwrap();
        let config = FixtureConfig::from_fixture(&fx["config"]);
        let (client, _) = capture_client(&config, Canned::from_fixture(&fx["response_canned"]));
        let (args, body) = dispatch_inputs(&fx["inputs"]);
        let err = dispatch::call(&client, op, &args, body).await.expect_err("an error status");
        let Error::Service(e) = &err else { panic!("{}: expected a service error, got {err:?}", file.display()) };
        let want = &fx["exception"];
        assert_eq!(e.status().as_u16() as u64, want["status_code"].as_u64().unwrap(), "{}", file.display());
        assert_eq!(Some(e.error_code()), want["error_code"].as_str(), "{}", file.display());
        assert_eq!(Some(e.error_msg()), want["error_msg"].as_str(), "{}", file.display());
        assert_eq!(e.request_id(), want["request_id"].as_str(), "{}", file.display());
        assert_eq!(e.body().as_ref(), fx["response_canned"]["body_raw"].as_str().unwrap().as_bytes());
        println!("{}: {e}", file.file_name().unwrap().to_string_lossy());
    }
    println!("{} error captures map correctly", files.len());
}
