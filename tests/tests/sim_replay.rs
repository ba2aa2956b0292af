//! Replays the official SDK's recorded requests (`../shared/reference/wire/*.json`, overridable with
//! `PERFTEST_WIRE_DIR`) byte for byte against perftest-sim started with each capture's credentials:
//! every one must pass the gateway checks (no 401/403; unknown ids may give 404), and changing one
//! byte of the body (or of the path when there is none) must give 401.

use perftest_sim::{RunningSim, SimConfig, Simulator, codes};
use perftest_tests::{fixture_path, operation_files, read_json, shared_dir};
use serde_json::Value;

fn wire_dir() -> std::path::PathBuf {
    fixture_path("PERFTEST_WIRE_DIR", shared_dir().join("reference").join("wire"))
}

struct Recorded {
    operation: String,
    method: String,
    path: String,
    query: String,
    /// In wire order.
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    project_id: String,
}

fn recorded(capture: &Value) -> Recorded {
    let req = &capture["request"];
    let s = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    let order: Vec<String> = req["header_order"]
        .as_array()
        .map(|a| a.iter().map(s).collect())
        .unwrap_or_else(|| req["headers"].as_object().map(|h| h.keys().cloned().collect()).unwrap_or_default());
    Recorded {
        operation: s(&capture["operation"]),
        method: s(&req["method"]),
        path: s(&req["path"]),
        query: s(&req["raw_query"]),
        headers: order.iter().map(|n| (n.clone(), s(&req["headers"][n]))).collect(),
        body: s(&req["body_raw"]).into_bytes(),
        project_id: s(&capture["config"]["project_id"]),
    }
}

async fn start_for(capture: &Value, check_date: bool) -> RunningSim {
    let cfg = &capture["config"];
    let s = |k: &str| cfg[k].as_str().unwrap_or_else(|| panic!("config.{k}")).to_owned();
    let config = SimConfig { check_date, ..SimConfig::with_credentials(s("ak"), s("sk"), s("project_id")) };
    Simulator::start(config, "127.0.0.1:0".parse().unwrap()).await.expect("simulator starts")
}

/// Sends exactly the recorded request (Content-Length is left to the client, which computes the
/// same value); returns status and body.
async fn send(http: &reqwest::Client, sim: &RunningSim, r: &Recorded, path: &str, body: &[u8]) -> (u16, Value, bool) {
    let target = if r.query.is_empty() { path.to_owned() } else { format!("{path}?{}", r.query) };
    let mut rb = http.request(r.method.parse().unwrap(), format!("{}{target}", sim.endpoint()));
    for (name, value) in &r.headers {
        if !name.eq_ignore_ascii_case("content-length") {
            rb = rb.header(name.as_str(), value.as_str());
        }
    }
    let resp = rb.body(body.to_vec()).send().await.unwrap_or_else(|e| panic!("{}: {e}", r.operation));
    let has_id = resp.headers().get("x-request-id").is_some_and(|v| v.len() == 32);
    let status = resp.status().as_u16();
    let text = resp.text().await.unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)), has_id)
}

/// The recorded request with one byte changed: in the body if there is one, else in the path's
/// project id (the request still routes to the same operation).
fn tampered(r: &Recorded) -> (String, Vec<u8>) {
    if r.body.is_empty() {
        let mut pid: Vec<char> = r.project_id.chars().collect();
        pid[0] = if pid[0] == '0' { '1' } else { '0' };
        let pid: String = pid.into_iter().collect();
        (r.path.replacen(&r.project_id, &pid, 1), Vec::new())
    } else {
        let mut body = r.body.clone();
        let mid = body.len() / 2;
        body[mid] ^= 0x01;
        (r.path.clone(), body)
    }
}

#[tokio::test]
async fn recorded_requests_pass_the_gateway_and_tampered_ones_do_not() {
    let dir = wire_dir();
    let files = operation_files(&dir);
    assert!(!files.is_empty(), "no captures in {}", dir.display());
    if std::env::var_os("PERFTEST_WIRE_DIR").is_none() {
        assert_eq!(files.len(), 46, "one capture per operation in {}", dir.display());
    }
    let http = reqwest::Client::new();
    let mut accepted = Vec::new();
    for file in &files {
        let capture = read_json(file);
        let r = recorded(&capture);
        let sim = start_for(&capture, false).await;

        let (status, body, has_id) = send(&http, &sim, &r, &r.path, &r.body).await;
        assert!(has_id, "{}: no X-Request-Id", r.operation);
        assert!(
            status != 401 && status != 403 && status < 500,
            "{}: recorded request rejected with {status}: {body}",
            r.operation
        );
        assert_eq!(sim.handle().request_count(&r.operation), 1, "{} routed to its operation", r.operation);
        accepted.push(format!("{}={status}", r.operation));

        let (path, changed) = tampered(&r);
        let (status, body, _) = send(&http, &sim, &r, &path, &changed).await;
        assert_eq!(status, 401, "{}: a changed byte must break the signature: {body}", r.operation);
        assert_eq!(body["error_code"], codes::APIG_AUTH, "{}", r.operation);
        sim.shutdown().await;
    }
    println!("replay: {} of {} recorded requests accepted: {}", accepted.len(), files.len(), accepted.join(" "));
}

#[tokio::test]
async fn recorded_requests_are_too_old_when_the_date_is_checked() {
    let file = wire_dir().join("show_task.json");
    let capture = read_json(&file);
    let r = recorded(&capture);
    let sim = start_for(&capture, true).await;
    let http = reqwest::Client::new();
    let (status, body, _) = send(&http, &sim, &r, &r.path, &r.body).await;
    assert_eq!(status, 401);
    assert_eq!(body["error_code"], codes::APIG_AUTH);
    assert!(body["error_msg"].as_str().unwrap().contains("X-Sdk-Date"), "{body}");
    sim.shutdown().await;
}
