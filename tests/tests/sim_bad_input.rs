//! Client mistakes against perftest-sim: unknown ids, duplicate names, invalid JSON, wrong types,
//! non-numeric ids, lifecycle misuse, gateway (signature, date, project) rejections, and a sweep of
//! every operation with garbage input that must never produce a 5xx.

use std::time::{Duration, SystemTime};

use perftest_sdk::auth::{Credentials, SdkDate, SignableRequest, sign};
use perftest_sdk::{Client, Error, RetryPolicy, ServiceError, dispatch};
use perftest_sim::{
    DEFAULT_ACCESS_KEY, DEFAULT_PROJECT_ID, DEFAULT_SECRET_KEY, RunningSim, SimConfig, Simulator, codes,
};
use serde_json::{Map, Value, json};

async fn sim(config: SimConfig) -> RunningSim {
    Simulator::start(config, "127.0.0.1:0".parse().unwrap()).await.expect("simulator starts")
}

fn client_with(sim: &RunningSim, sk: &str, project: &str) -> perftest_sdk::ClientBuilder {
    Client::builder()
        .credentials(Credentials::new(DEFAULT_ACCESS_KEY, sk).unwrap())
        .project_id(project)
        .endpoint(sim.endpoint())
        .retry_policy(RetryPolicy::disabled())
}

fn client(sim: &RunningSim) -> Client {
    client_with(sim, DEFAULT_SECRET_KEY, DEFAULT_PROJECT_ID).build().unwrap()
}

async fn call(c: &Client, op: &str, args: Value, body: Option<Value>) -> Result<Value, ServiceError> {
    let args: Map<String, Value> = args.as_object().cloned().unwrap_or_default();
    match dispatch::call(c, op, &args, body).await {
        Ok(reply) => Ok(reply.body),
        Err(Error::Service(e)) => Err(*e),
        Err(other) => panic!("{op}: expected an answer, got {other:?}"),
    }
}

async fn ok(c: &Client, op: &str, args: Value, body: Option<Value>) -> Value {
    call(c, op, args, body)
        .await
        .unwrap_or_else(|e| panic!("{op}: {} {} {}", e.status(), e.error_code(), e.error_msg()))
}

async fn fails(c: &Client, op: &str, args: Value, body: Option<Value>) -> ServiceError {
    match call(c, op, args, body).await {
        Ok(v) => panic!("{op} should fail, answered {v}"),
        Err(e) => e,
    }
}

fn expect(e: &ServiceError, status: u16, code: &str, mentions: &[&str]) {
    assert_eq!((e.status().as_u16(), e.error_code()), (status, code), "{}", e.error_msg());
    for m in mentions {
        assert!(e.error_msg().contains(m), "message {:?} should mention {m:?}", e.error_msg());
    }
    assert_eq!(e.request_id().map(str::len), Some(32), "X-Request-Id on errors");
}

/// A raw request signed for the default credentials, with optional extra/omitted headers.
struct Raw<'a> {
    method: &'a str,
    path: String,
    query: Vec<(String, String)>,
    body: Vec<u8>,
    project_header: Option<&'a str>,
    secret: &'a str,
    access: &'a str,
}

impl<'a> Raw<'a> {
    fn new(method: &'a str, path: impl Into<String>) -> Self {
        Self {
            method,
            path: path.into(),
            query: Vec::new(),
            body: Vec::new(),
            project_header: Some(DEFAULT_PROJECT_ID),
            secret: DEFAULT_SECRET_KEY,
            access: DEFAULT_ACCESS_KEY,
        }
    }

    fn body(mut self, b: impl Into<Vec<u8>>) -> Self {
        self.body = b.into();
        self
    }

    fn query(mut self, k: &str, v: &str) -> Self {
        self.query.push((k.into(), v.into()));
        self
    }

    async fn send(&self, sim: &RunningSim) -> (u16, Value, Option<String>) {
        let host = sim.addr().to_string();
        let mut headers = vec![("Content-Type".to_owned(), "application/json".to_owned())];
        if let Some(p) = self.project_header {
            headers.push(("X-Project-Id".to_owned(), p.to_owned()));
        }
        let req = SignableRequest {
            method: self.method,
            host: &host,
            path: &self.path,
            query: &self.query,
            headers: &headers,
            body: &self.body,
        };
        let signed = sign(&req, self.access, self.secret, &SdkDate::from_system_time(SystemTime::now())).unwrap();
        let mut rb = http_client().request(self.method.parse().unwrap(), format!("http://{host}{}", signed.uri));
        for (k, v) in &signed.headers {
            rb = rb.header(k.as_str(), v.as_str());
        }
        let resp = rb.body(self.body.clone()).send().await.expect("answer");
        let id = resp.headers().get("x-request-id").and_then(|v| v.to_str().ok()).map(str::to_owned);
        let status = resp.status().as_u16();
        let text = resp.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::String(text)), id)
    }
}

/// One HTTP client for all raw requests (building one per request is slow). It keeps no idle
/// connections, so nothing of one test's runtime outlives that test.
fn http_client() -> &'static reqwest::Client {
    static CLIENT: std::sync::OnceLock<reqwest::Client> = std::sync::OnceLock::new();
    CLIENT.get_or_init(|| reqwest::Client::builder().pool_max_idle_per_host(0).build().expect("HTTP client"))
}

fn p(rest: &str) -> String {
    format!("/v1/{DEFAULT_PROJECT_ID}{rest}")
}

/// Project, directory, new-edition case (60 s) and task; returns their ids.
async fn fixture(c: &Client) -> (i64, i64, i64, i64) {
    let pid =
        ok(c, "create_project", json!({}), Some(json!({"name": "bad-input"}))).await["project_id"].as_i64().unwrap();
    let dir =
        ok(c, "create_directory", json!({"test_suite_id": pid}), Some(json!({"name": "d"}))).await["directory_id"]
            .as_i64()
            .unwrap();
    let case =
        ok(c, "create_new_case", json!({}), Some(json!({"name": "c", "directory_id": dir, "stages": [{"time": 60}]})))
            .await["json"]["test_case_id"]
            .as_i64()
            .unwrap();
    let task = ok(
        c,
        "create_new_task",
        json!({}),
        Some(json!({"name": "t", "project_id": pid, "parallel": true, "operate_mode": 2, "case_id_list": [case]})),
    )
    .await["task_id"]
        .as_i64()
        .unwrap();
    (pid, dir, case, task)
}

fn status_body(status: i32) -> Value {
    json!({"cluster_id": 0, "cluster_type": "shared-cluster-internet", "without_package": 0,
        "network_info": {"network_type": "internet"}, "status": status})
}

#[tokio::test]
async fn unknown_ids_name_the_parameter() {
    let sim = sim(SimConfig::default()).await;
    let c = client(&sim);
    let (pid, _, _, task) = fixture(&c).await;
    let cases: [(&str, Value, &str); 9] = [
        ("show_task", json!({"task_id": 1}), "task_id"),
        ("show_project", json!({"test_suite_id": 5}), "test_suite_id"),
        ("show_case", json!({"case_id": 5}), "case_id"),
        ("show_temp", json!({"template_id": 5}), "template_id"),
        ("delete_new_task", json!({"task_id": 5}), "task_id"),
        ("show_merge_report_logs_outline", json!({"task_run_id": 5}), "task_run_id"),
        ("show_history_run_info", json!({"task_id": 5}), "task_id"),
        ("list_task_cases", json!({"test_suit_id": pid, "task_id": 5}), "task_id"),
        ("list_task_cases", json!({"test_suit_id": 5, "task_id": task}), "test_suite_id"),
    ];
    for (op, args, param) in cases {
        let e = fails(&c, op, args, None).await;
        expect(&e, 404, codes::NOT_FOUND, &[param]);
    }
    let e = fails(&c, "create_task", json!({}), Some(json!({"name": "x", "project_id": 77}))).await;
    expect(&e, 404, codes::NOT_FOUND, &["test_suite_id 77"]);
    sim.shutdown().await;

    // The real service's flavour.
    let sim = sim_403().await;
    let e = fails(&client(&sim), "show_task", json!({"task_id": 1}), None).await;
    expect(&e, 403, codes::NOT_FOUND_403, &["task_id"]);
    sim.shutdown().await;
}

async fn sim_403() -> RunningSim {
    sim(SimConfig { not_found_as_403: true, ..SimConfig::default() }).await
}

#[tokio::test]
async fn duplicate_names_are_rejected_where_cpts_requires_unique_names() {
    let sim = sim(SimConfig::default()).await;
    let c = client(&sim);
    let (pid, _, case, _) = fixture(&c).await;
    let e = fails(&c, "create_project", json!({}), Some(json!({"name": "bad-input"}))).await;
    expect(&e, 400, codes::DUPLICATE_NAME, &["name", "bad-input"]);
    let e = fails(&c, "create_directory", json!({"test_suite_id": pid}), Some(json!({"name": "d"}))).await;
    expect(&e, 400, codes::DUPLICATE_NAME, &["name", "\"d\""]);
    let e = fails(
        &c,
        "create_new_task",
        json!({}),
        Some(json!({"name": "t", "project_id": pid, "parallel": true, "operate_mode": 2, "case_id_list": [case]})),
    )
    .await;
    expect(&e, 400, codes::DUPLICATE_NAME, &["name", "\"t\""]);
    let e = fails(&c, "create_task", json!({}), Some(json!({"name": "t", "project_id": pid}))).await;
    expect(&e, 400, codes::DUPLICATE_NAME, &["tasks of project"]);
    let var = json!([{"id": 0, "name": "v", "variable_type": 1, "variable": [1], "is_quoted": false}]);
    ok(&c, "create_variable", json!({"test_suite_id": pid}), Some(var.clone())).await;
    let e = fails(&c, "create_variable", json!({"test_suite_id": pid}), Some(var)).await;
    expect(&e, 400, codes::DUPLICATE_NAME, &["name"]);
    // Renaming onto another project's name is a duplicate too; the same task name elsewhere is not.
    let other =
        ok(&c, "create_project", json!({}), Some(json!({"name": "other"}))).await["project_id"].as_i64().unwrap();
    let e =
        fails(&c, "update_project", json!({"test_suite_id": other}), Some(json!({"id": other, "name": "bad-input"})))
            .await;
    expect(&e, 400, codes::DUPLICATE_NAME, &["name"]);
    ok(&c, "create_task", json!({}), Some(json!({"name": "t", "project_id": other}))).await;
    let e = fails(&c, "create_project", json!({}), Some(json!({"name": "  "}))).await;
    expect(&e, 400, codes::BAD_VALUE, &["name"]);
    sim.shutdown().await;
}

#[tokio::test]
async fn invalid_json_and_wrong_types_name_the_field() {
    let sim = sim(SimConfig::default()).await;
    let c = client(&sim);
    let (pid, dir, _, task) = fixture(&c).await;
    let bodies: Vec<(&str, String, String, &str, &[&str])> = vec![
        ("POST", p("/test-suites"), r#"{"name": 5}"#.into(), codes::BAD_FIELD, &["name", "invalid type"]),
        ("POST", p("/test-suites"), r#"{"description": "x"}"#.into(), codes::BAD_FIELD, &["missing field `name`"]),
        ("POST", p("/test-suites"), r#"{"name": "x""#.into(), codes::BAD_JSON, &["not valid JSON"]),
        ("POST", p("/test-suites"), "<xml/>".into(), codes::BAD_JSON, &["not valid JSON"]),
        ("POST", p("/test-suites"), String::new(), codes::BAD_JSON, &["JSON body is required"]),
        ("POST", p("/test-suites"), r#"{"name":"a"} {"name":"b"}"#.into(), codes::BAD_JSON, &["not valid JSON"]),
        (
            "POST",
            p(&format!("/test-suites/{pid}/tasks/{task}")),
            status_body(5).to_string(),
            codes::BAD_FIELD,
            &["status", "expected 9 (start) or 2 (stop)"],
        ),
        (
            "POST",
            p(&format!("/test-suites/{pid}/tasks/{task}")),
            json!({"cluster_id": 0, "cluster_type": "moon", "without_package": 0, "network_info": {"network_type": "internet"}, "status": 9}).to_string(),
            codes::BAD_FIELD,
            &["cluster_type"],
        ),
        (
            "POST",
            format!("/v3/{DEFAULT_PROJECT_ID}/tasks"),
            json!({"name": "n", "project_id": pid, "parallel": true, "operate_mode": 2, "case_id_list": "x"}).to_string(),
            codes::BAD_FIELD,
            &["case_id_list"],
        ),
        (
            "POST",
            format!("/v2/{DEFAULT_PROJECT_ID}/test-cases"),
            json!({"name": "n", "directory_id": dir, "stages": [{"time": "long"}]}).to_string(),
            codes::BAD_FIELD,
            &["stages[0].time"],
        ),
        (
            "POST",
            p(&format!("/variables/{pid}")),
            json!([{"id": 0, "name": "v", "variable_type": "one", "variable": [], "is_quoted": false}]).to_string(),
            codes::BAD_FIELD,
            &["[0].variable_type"],
        ),
        ("POST", p(&format!("/variables/{pid}")), json!({"name": "v"}).to_string(), codes::BAD_FIELD, &["expected a sequence"]),
        (
            "POST",
            p("/test-suites"),
            json!({"name": "x", "description": 12}).to_string(),
            codes::BAD_FIELD,
            &["description"],
        ),
    ];
    for (method, path, body, code, mentions) in bodies {
        let (status, answer, id) = Raw::new(method, path.clone()).body(body.clone()).send(&sim).await;
        assert_eq!(status, 400, "{method} {path} {body}: {answer}");
        assert_eq!(answer["error_code"], code, "{body}: {answer}");
        assert_eq!(answer["code"], code, "both key pairs are set");
        let msg = answer["error_msg"].as_str().unwrap();
        for m in mentions {
            assert!(msg.contains(m), "{body}: message {msg:?} should mention {m:?}");
        }
        assert_eq!(id.map(|i| i.len()), Some(32));
    }
    assert_eq!(sim.handle().state().projects, 1, "nothing was created by a rejected body");
    sim.shutdown().await;
}

#[tokio::test]
async fn non_numeric_ids_and_bad_query_parameters_are_400() {
    let sim = sim(SimConfig::default()).await;
    let c = client(&sim);
    let (pid, _, _, _) = fixture(&c).await;
    let requests = [
        (Raw::new("GET", p("/tasks/abc")), "task_id"),
        (Raw::new("GET", p("/tasks/99999999999")), "task_id"),
        (Raw::new("GET", p("/tasks/1.5")), "task_id"),
        (Raw::new("GET", p("/tasks/%FF")), "task_id"),
        (Raw::new("DELETE", p("/test-suites/x%20y")), "test_suite_id"),
        (Raw::new("GET", format!("/v2/{DEFAULT_PROJECT_ID}/task-run-infos/run/cases")), "task_run_id"),
        (Raw::new("GET", p("/test-suites")).query("limit", "-1"), "limit"),
        (Raw::new("GET", p("/test-suites")).query("offset", "ten"), "offset"),
        (Raw::new("DELETE", p("/variables")).query("variable_id", "1"), "test_suite_id"),
        (Raw::new("GET", p("/task-run-infos/1/case-run-infos/2/reports")), "brokens_limit_count"),
        (Raw::new("GET", p(&format!("/all-tasks/{pid}"))).query("limit", "1e3"), "limit"),
    ];
    for (raw, param) in requests {
        let (status, answer, _) = raw.send(&sim).await;
        assert_eq!(status, 400, "{} {}: {answer}", raw.method, raw.path);
        assert_eq!(answer["error_code"], codes::BAD_PARAM, "{answer}");
        assert!(answer["error_msg"].as_str().unwrap().contains(param), "{answer} should name {param}");
    }
    // No such API at all.
    let (status, answer, _) = Raw::new("PATCH", p("/tasks/1")).send(&sim).await;
    assert_eq!((status, answer["error_code"].as_str()), (404, Some(codes::APIG_NO_API)));
    let (status, answer, _) = Raw::new("GET", p("/no/such/thing")).send(&sim).await;
    assert_eq!((status, answer["error_code"].as_str()), (404, Some(codes::APIG_NO_API)));
    sim.shutdown().await;
}

#[tokio::test]
async fn lifecycle_misuse_is_refused_without_side_effects() {
    // A clock that does not move: the started run stays waiting (9) throughout.
    let clock = std::sync::Arc::new(perftest_sim::ManualClock::starting_now());
    let sim = sim(SimConfig { clock, ..SimConfig::default() }).await;
    let c = client(&sim);
    let (pid, _, case, task) = fixture(&c).await;
    let at = json!({"test_suite_id": pid, "task_id": task});
    let e = fails(&c, "update_task_status", at.clone(), Some(status_body(2))).await;
    expect(&e, 400, codes::TASK_NOT_RUNNING, &["not been started"]);
    let e = fails(
        &c,
        "update_task_status",
        at.clone(),
        Some(json!({"cluster_id": 0, "cluster_type": "private-cluster",
        "without_package": 1, "network_info": {"network_type": "internet"}, "status": 9})),
    )
    .await;
    expect(&e, 400, codes::BAD_VALUE, &["without_package"]);

    // A batch naming an unknown task starts nothing.
    let batch = |ids: Value, status: i32| {
        json!({"project_id": pid, "task_id_list": ids, "cluster_id": 0,
        "cluster_type": "shared-cluster-internet", "status": status})
    };
    let e = fails(&c, "batch_update_task_status", json!({"test_suit_id": pid}), Some(batch(json!([task, 424242]), 9)))
        .await;
    expect(&e, 404, codes::NOT_FOUND, &["task_id 424242"]);
    assert_eq!(sim.handle().task(task as i32).unwrap().starts, 0);
    let e =
        fails(&c, "batch_update_task_status", json!({"test_suit_id": pid + 1}), Some(batch(json!([task]), 9))).await;
    expect(&e, 400, codes::BAD_VALUE, &["test_suit_id"]);
    let e = fails(&c, "batch_update_task_status", json!({"test_suit_id": pid}), Some(batch(json!([]), 9))).await;
    expect(&e, 400, codes::BAD_VALUE, &["task_id_list"]);
    let mut typed = batch(json!([task]), 9);
    typed["type"] = json!(0);
    let e = fails(&c, "batch_update_task_status", json!({"test_suit_id": pid}), Some(typed)).await;
    expect(&e, 400, codes::BAD_VALUE, &["type"]);

    // Running: no second start, no changes, no deletion.
    ok(&c, "update_task_status", at.clone(), Some(status_body(9))).await;
    let e = fails(&c, "update_task_status", at.clone(), Some(status_body(9))).await;
    expect(&e, 400, codes::TASK_BUSY, &["already", "run_status 9"]);
    let e = fails(&c, "batch_update_task_status", json!({"test_suit_id": pid}), Some(batch(json!([task]), 9))).await;
    expect(&e, 400, codes::TASK_BUSY, &["already"]);
    let e = fails(&c, "delete_new_task", json!({"task_id": task}), None).await;
    expect(&e, 400, codes::TASK_BUSY, &["stop it before deleting"]);
    let e = fails(&c, "delete_project", json!({"test_suite_id": pid}), None).await;
    expect(&e, 400, codes::TASK_BUSY, &[]);
    let e = fails(
        &c,
        "update_task_related_test_case",
        json!({"task_id": task}),
        Some(json!({"name": "t2", "project_id": pid, "parallel": true, "operate_mode": 2, "case_id_list": [case]})),
    )
    .await;
    expect(&e, 400, codes::TASK_BUSY, &[]);
    assert_eq!(sim.handle().task(task as i32).unwrap().starts, 1);

    // Stopped: it can start again.
    ok(&c, "update_task_status", at.clone(), Some(status_body(2))).await;
    ok(&c, "update_task_status", at.clone(), Some(status_body(9))).await;
    let snap = sim.handle().task(task as i32).unwrap();
    assert_eq!((snap.starts, snap.stops, snap.runs.len()), (2, 1, 2));
    assert_eq!(snap.runs[0].run_status, 5);
    let e = fails(
        &c,
        "create_new_task",
        json!({}),
        Some(json!({"name": "t9", "project_id": pid, "parallel": true,
        "operate_mode": 1, "case_id_list": [case]})),
    )
    .await;
    expect(&e, 400, codes::BAD_VALUE, &["operate_mode"]);
    sim.shutdown().await;
}

#[tokio::test]
async fn gateway_checks_reject_unsigned_forged_stale_and_foreign_requests() {
    let sim = sim(SimConfig::default()).await;
    let c = client(&sim);
    let (pid, _, _, _) = fixture(&c).await;
    let path = p(&format!("/test-suites/{pid}"));

    // Unsigned and malformed.
    let resp = reqwest::get(format!("{}{path}", sim.endpoint())).await.unwrap();
    assert_eq!(resp.status().as_u16(), 401);
    assert_eq!(resp.headers()["x-request-id"].len(), 32);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["error_code"], codes::APIG_AUTH);
    assert!(body["error_msg"].as_str().unwrap().starts_with("Incorrect IAM authentication information"));
    assert_eq!(body["request_id"].as_str().map(str::len), Some(32));
    let resp = reqwest::Client::new()
        .get(format!("{}{path}", sim.endpoint()))
        .header("Authorization", "SDK-HMAC-SHA256 Access=x")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 401);

    // Unknown access key, wrong secret key.
    let mut raw = Raw::new("GET", path.clone());
    raw.access = "SIMAKUNKNOWN0000000000";
    let (status, answer, _) = raw.send(&sim).await;
    assert_eq!((status, answer["error_code"].as_str()), (401, Some(codes::APIG_AUTH)));
    assert!(answer["error_msg"].as_str().unwrap().contains("access key"));
    let forged = client_with(&sim, "SIMSKWRONG000000000000000000000000000001", DEFAULT_PROJECT_ID).build().unwrap();
    let e = fails(&forged, "show_project", json!({"test_suite_id": pid}), None).await;
    expect(&e, 401, codes::APIG_AUTH, &["signature"]);

    // A date more than 15 minutes off.
    let stale_date = SdkDate::from_system_time(SystemTime::now() - Duration::from_secs(16 * 60));
    let stale = client_with(&sim, DEFAULT_SECRET_KEY, DEFAULT_PROJECT_ID).pinned_sdk_date(stale_date).build().unwrap();
    let e = fails(&stale, "show_project", json!({"test_suite_id": pid}), None).await;
    expect(&e, 401, codes::APIG_AUTH, &["X-Sdk-Date"]);

    // Another IAM project: in the header (gateway) or only in the path (service).
    let foreign = client_with(&sim, DEFAULT_SECRET_KEY, "ffffffffffffffffffffffffffffffff").build().unwrap();
    let e = fails(&foreign, "show_project", json!({"test_suite_id": pid}), None).await;
    expect(&e, 403, codes::APIG_FORBIDDEN, &["X-Project-Id"]);
    let mut raw = Raw::new("GET", path.clone());
    raw.project_header = None;
    let (status, answer, _) = raw.send(&sim).await;
    assert_eq!((status, answer["error_code"].as_str()), (403, Some(codes::APIG_FORBIDDEN)));
    let (status, answer, _) =
        Raw::new("GET", format!("/v1/ffffffffffffffffffffffffffffffff/test-suites/{pid}")).send(&sim).await;
    assert_eq!((status, answer["error_code"].as_str()), (403, Some(codes::PROJECT_MISMATCH)));
    assert!(answer["error_msg"].as_str().unwrap().contains("projectId in token is different"));

    let stats = sim.handle().stats();
    assert_eq!(stats.auth_rejected, 8);
    // The correctly signed request still works.
    assert_eq!(Raw::new("GET", path).send(&sim).await.0, 200);
    sim.shutdown().await;
}

/// Values tried for each path parameter.
fn param_values(name: &str, ids: &Map<String, Value>) -> Vec<String> {
    let mut v: Vec<String> = ["abc", "-1", "0", "99999999999", "%00", "%E4%B8%AD"].map(String::from).to_vec();
    if let Some(real) = ids.get(name) {
        v.push(real.as_str().map(str::to_owned).unwrap_or_else(|| real.to_string()));
    }
    v
}

const GARBAGE: [&str; 12] = [
    "",
    "null",
    "[]",
    "{}",
    "{\"a\":",
    "\"text\"",
    "12",
    "[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]",
    "{\"name\":null,\"id\":\"x\",\"project_id\":1e300,\"status\":-9}",
    "[{\"id\":1,\"name\":\"\",\"variable_type\":1,\"variable\":{},\"is_quoted\":1}]",
    "{\"name\":\"\",\"directory_id\":-1,\"stages\":[{\"time\":-5}],\"case_id_list\":[1,2],\"task_id_list\":[]}",
    "\u{0}\u{1}binary",
];

#[tokio::test]
async fn no_client_mistake_produces_a_server_error() {
    // Real time at scale 1: the run started below stays waiting/running, so deletes are refused.
    let sim = sim(SimConfig::default()).await;
    let c = client(&sim);
    let (pid, dir, case, task) = fixture(&c).await;
    let run = ok(&c, "update_task_status", json!({"test_suite_id": pid, "task_id": task}), Some(status_body(9))).await;
    let run = run["result"]["task_run_id"].as_i64().unwrap();
    let case_run = sim.handle().task(task as i32).unwrap().runs[0].case_run_ids[0];
    let ids: Map<String, Value> = json!({
        "test_suite_id": pid, "test_suit_id": pid, "directory_id": dir, "case_id": case, "task_id": task,
        "task_run_id": run, "case_run_id": case_run, "detail_id": case_run.to_string(), "variable_type": 1,
        "target": "name", "template_id": 1, "agent_id": 1
    })
    .as_object()
    .cloned()
    .unwrap();
    let mut sent = 0;
    for op in dispatch::OPERATIONS {
        let names: Vec<&str> = op.params.iter().filter(|p| p.location == "path").map(|p| p.name).collect();
        // Every path parameter with each candidate value, the others real.
        let mut paths = Vec::new();
        for name in &names {
            for value in param_values(name, &ids) {
                let mut path = op.path.replace("{project_id}", DEFAULT_PROJECT_ID);
                for other in &names {
                    let v = if other == name { value.clone() } else { param_values(other, &ids).pop().unwrap() };
                    path = path.replace(&format!("{{{other}}}"), &v);
                }
                paths.push(path);
            }
        }
        if paths.is_empty() {
            paths.push(op.path.replace("{project_id}", DEFAULT_PROJECT_ID));
        }
        let bodies: &[&str] = if op.body.is_some() { &GARBAGE } else { &[""] };
        let queries: Vec<Vec<(&str, &str)>> = if op.params.iter().any(|p| p.location == "query") {
            let names: Vec<&str> = op.params.iter().filter(|p| p.location == "query").map(|p| p.name).collect();
            vec![vec![], names.iter().map(|n| (*n, "x")).collect(), names.iter().map(|n| (*n, "-5")).collect()]
        } else {
            vec![vec![]]
        };
        for path in &paths {
            for body in bodies {
                for q in &queries {
                    let mut raw = Raw::new(op.method, path.clone()).body(body.as_bytes().to_vec());
                    for (k, v) in q {
                        raw = raw.query(k, v);
                    }
                    let (status, answer, id) = raw.send(&sim).await;
                    sent += 1;
                    assert!(status < 500, "{} {path} {body:?} {q:?}: {status} {answer}", op.method);
                    assert!(status != 401 && status != 403, "{} {path}: signed request rejected: {answer}", op.method);
                    assert!(id.is_some_and(|i| i.len() == 32), "{} {path}: X-Request-Id", op.method);
                }
            }
        }
    }
    println!("{sent} malformed or odd requests, none answered with a 5xx");
    assert!(sent > 500);
    sim.shutdown().await;
}
