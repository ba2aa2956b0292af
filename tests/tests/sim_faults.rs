//! Fault injection in perftest-sim, seen from a raw HTTP client and from perftest-sdk: throttling with
//! Retry-After, 5xx gateway errors, latency, dropped connections, truncated and HTML bodies, limits
//! (`times`), seeded probabilities, and the control API that manages faults.

use std::time::{Duration, Instant, SystemTime};

use perftest_sdk::auth::{Credentials, SdkDate, SignableRequest, sign};
use perftest_sdk::{Client, Error, RetryPolicy, types};
use perftest_sim::{
    DEFAULT_ACCESS_KEY, DEFAULT_PROJECT_ID, DEFAULT_SECRET_KEY, Fault, FaultKind, RunningSim, SimConfig, Simulator,
    codes,
};
use serde_json::{Value, json};

async fn sim(config: SimConfig) -> RunningSim {
    Simulator::start(config, "127.0.0.1:0".parse().unwrap()).await.expect("simulator starts")
}

fn client(sim: &RunningSim, policy: RetryPolicy) -> perftest_sdk::ClientBuilder {
    Client::builder()
        .credentials(Credentials::new(DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY).unwrap())
        .project_id(DEFAULT_PROJECT_ID)
        .endpoint(sim.endpoint())
        .retry_policy(policy)
}

fn fast_retries() -> RetryPolicy {
    RetryPolicy::default().max_attempts(3).initial_backoff(Duration::from_millis(1))
}

async fn create_project(c: &Client, name: &str) -> i32 {
    let body: types::CreateProjectRequestBody = serde_json::from_value(json!({ "name": name })).unwrap();
    c.create_project().body(body).send().await.expect("create_project").into_inner().project_id.unwrap()
}

/// A correctly signed raw request (so that only the fault decides the answer).
async fn raw_signed(sim: &RunningSim, method: &str, path: &str, body: &[u8]) -> reqwest::Response {
    let host = sim.addr().to_string();
    let headers = vec![
        ("Content-Type".to_owned(), "application/json".to_owned()),
        ("X-Project-Id".to_owned(), DEFAULT_PROJECT_ID.to_owned()),
    ];
    let req = SignableRequest { method, host: &host, path, query: &[], headers: &headers, body };
    let signed =
        sign(&req, DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY, &SdkDate::from_system_time(SystemTime::now())).unwrap();
    let mut rb = reqwest::Client::new().request(method.parse().unwrap(), format!("http://{host}{}", signed.uri));
    for (k, v) in &signed.headers {
        rb = rb.header(k.as_str(), v.as_str());
    }
    rb.body(body.to_vec()).send().await.expect("raw request")
}

/// An unsigned raw GET of `show_process` (faults come before the signature check).
async fn raw_unsigned(sim: &RunningSim) -> reqwest::Response {
    reqwest::get(format!("{}/v1/{DEFAULT_PROJECT_ID}/test-suites/upload/processes", sim.endpoint()))
        .await
        .expect("raw GET")
}

fn project_path(pid: i32) -> String {
    format!("/v1/{DEFAULT_PROJECT_ID}/test-suites/{pid}")
}

async fn add_fault_http(sim: &RunningSim, fault: Value) -> u64 {
    let resp =
        reqwest::Client::new().post(format!("{}/_sim/faults", sim.endpoint())).json(&fault).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 201, "adding {fault}");
    resp.json::<Value>().await.unwrap()["id"].as_u64().unwrap()
}

fn request_id_ok(resp: &reqwest::Response) {
    let id = resp.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or_default();
    assert!(id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit()), "X-Request-Id {id:?}");
}

#[tokio::test]
async fn throttling_sends_retry_after_and_the_sdk_honours_it() {
    let sim = sim(SimConfig::default()).await;
    add_fault_http(&sim, json!({"operation": "show_process", "kind": "throttle", "retry_after_secs": 1, "times": 1}))
        .await;
    let resp = raw_unsigned(&sim).await;
    assert_eq!(resp.status().as_u16(), 429);
    request_id_ok(&resp);
    assert_eq!(resp.headers().get("retry-after").unwrap(), "1");
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["error_code"], codes::APIG_THROTTLED);
    // `times: 1` is used up: the next request reaches the signature check.
    assert_eq!(raw_unsigned(&sim).await.status().as_u16(), 401);

    let c = client(&sim, fast_retries()).build().unwrap();
    let pid = create_project(&c, "p").await;
    sim.handle()
        .add_fault(Fault::new(FaultKind::Throttle { retry_after_secs: 1 }).on("show_project").times(1))
        .unwrap();
    let started = Instant::now();
    let shown = c.show_project().test_suite_id(pid).send().await.expect("retried after the 429");
    assert_eq!(shown.into_inner().project.unwrap().id, Some(pid));
    assert!(started.elapsed() >= Duration::from_secs(1), "Retry-After: 1 was honoured ({:?})", started.elapsed());
    assert_eq!(sim.handle().request_count("show_project"), 2);
    sim.shutdown().await;
}

#[tokio::test]
async fn server_errors_carry_gateway_bodies_and_only_idempotent_calls_are_retried() {
    let sim = sim(SimConfig::default()).await;
    for (status, code) in [
        (500, codes::UNKNOWN_ERROR),
        (502, codes::APIG_BACKEND_UNAVAILABLE),
        (503, codes::APIG_BACKEND_UNAVAILABLE),
        (504, codes::APIG_BACKEND_TIMEOUT),
    ] {
        sim.handle().add_fault(Fault::new(FaultKind::ServerError { status }).on("show_process").times(1)).unwrap();
        let resp = raw_unsigned(&sim).await;
        assert_eq!(resp.status().as_u16(), status);
        request_id_ok(&resp);
        let body: Value = resp.json().await.unwrap();
        assert_eq!(body["error_code"], code, "{status}");
        assert!(body["error_msg"].as_str().is_some_and(|m| !m.is_empty()));
    }

    let c = client(&sim, fast_retries()).build().unwrap();
    let pid = create_project(&c, "p").await;
    // 503 on a GET: retried, then success.
    sim.handle().add_fault(Fault::new(FaultKind::ServerError { status: 503 }).on("show_project").times(1)).unwrap();
    c.show_project().test_suite_id(pid).send().await.expect("503 then success");
    assert_eq!(sim.handle().request_count("show_project"), 2);
    // 500 is not retried.
    sim.handle().add_fault(Fault::new(FaultKind::ServerError { status: 500 }).on("show_project").times(1)).unwrap();
    let err = c.show_project().test_suite_id(pid).send().await.map_err(Error::from).unwrap_err();
    let svc = err.as_service().expect("service error");
    assert_eq!((svc.status().as_u16(), svc.error_code()), (500, codes::UNKNOWN_ERROR));
    assert_eq!(svc.request_id().map(str::len), Some(32));
    assert_eq!(sim.handle().request_count("show_project"), 3);
    // 503 on a POST (create): not retried, nothing created.
    sim.handle().add_fault(Fault::new(FaultKind::ServerError { status: 503 }).on("create_project").times(1)).unwrap();
    let body: types::CreateProjectRequestBody = serde_json::from_value(json!({"name": "q"})).unwrap();
    let err = c.create_project().body(body).send().await.map_err(Error::from).unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(sim.handle().state().projects, 1);
    sim.shutdown().await;
}

#[tokio::test]
async fn latency_makes_clients_time_out() {
    let sim = sim(SimConfig::default()).await;
    sim.handle().add_fault(Fault::new(FaultKind::Latency { millis: 2_000 }).on("show_process").times(2)).unwrap();
    let raw = reqwest::Client::builder().timeout(Duration::from_millis(300)).build().unwrap();
    let err = raw
        .get(format!("{}/v1/{DEFAULT_PROJECT_ID}/test-suites/upload/processes", sim.endpoint()))
        .send()
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    let c = client(&sim, RetryPolicy::disabled()).attempt_timeout(Duration::from_millis(300)).build().unwrap();
    let err = c.show_process().send().await.map_err(Error::from).unwrap_err();
    assert!(matches!(err, Error::Timeout(_)), "{err:?}");
    // Without the fault the same call answers normally.
    let relaxed = client(&sim, RetryPolicy::disabled()).build().unwrap();
    relaxed.show_process().send().await.expect("no latency left");
    sim.shutdown().await;
}

#[tokio::test]
async fn dropped_connections_are_transport_errors_and_gets_are_retried() {
    let sim = sim(SimConfig::default()).await;
    sim.handle().add_fault(Fault::new(FaultKind::DropConnection).on("show_process").times(1)).unwrap();
    let err = reqwest::get(format!("{}/v1/{DEFAULT_PROJECT_ID}/test-suites/upload/processes", sim.endpoint()))
        .await
        .unwrap_err();
    assert!(!err.is_timeout() && !err.is_status(), "{err:?}");

    let strict = client(&sim, RetryPolicy::disabled()).build().unwrap();
    sim.handle().add_fault(Fault::new(FaultKind::DropConnection).on("show_process").times(1)).unwrap();
    let err = strict.show_process().send().await.map_err(Error::from).unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");

    let retrying = client(&sim, fast_retries()).build().unwrap();
    sim.handle().add_fault(Fault::new(FaultKind::DropConnection).on("show_process").times(1)).unwrap();
    let before = sim.handle().request_count("show_process");
    retrying.show_process().send().await.expect("retried after the dropped connection");
    assert_eq!(sim.handle().request_count("show_process"), before + 2);
    sim.shutdown().await;
}

#[tokio::test]
async fn truncated_bodies_fail_to_decode_after_the_request_was_processed() {
    let sim = sim(SimConfig::default()).await;
    let c = client(&sim, RetryPolicy::disabled()).build().unwrap();
    let pid = create_project(&c, "p").await;
    let full = raw_signed(&sim, "GET", &project_path(pid), b"").await;
    assert_eq!(full.status().as_u16(), 200);
    let full = full.bytes().await.unwrap();
    serde_json::from_slice::<Value>(&full).expect("complete body is JSON");

    sim.handle().add_fault(Fault::new(FaultKind::TruncatedBody).on("show_project").times(1)).unwrap();
    let cut = raw_signed(&sim, "GET", &project_path(pid), b"").await;
    assert_eq!(cut.status().as_u16(), 200);
    request_id_ok(&cut);
    let declared: usize = cut.headers()["content-length"].to_str().unwrap().parse().unwrap();
    let cut = cut.bytes().await.unwrap();
    assert_eq!(declared, cut.len());
    assert!(cut.len() < full.len() && full.starts_with(&cut), "a prefix of the real body");
    assert!(serde_json::from_slice::<Value>(&cut).is_err());

    sim.handle().add_fault(Fault::new(FaultKind::TruncatedBody).on("show_project").times(1)).unwrap();
    let err = c.show_project().test_suite_id(pid).send().await.map_err(Error::from).unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    // A truncated answer to a create still created the resource.
    sim.handle().add_fault(Fault::new(FaultKind::TruncatedBody).on("create_project").times(1)).unwrap();
    let body: types::CreateProjectRequestBody = serde_json::from_value(json!({"name": "q"})).unwrap();
    assert!(matches!(c.create_project().body(body).send().await.map_err(Error::from), Err(Error::Decode { .. })));
    assert_eq!(sim.handle().state().projects, 2);
    sim.shutdown().await;
}

#[tokio::test]
async fn html_bodies_are_decode_errors_on_200_and_service_errors_on_500() {
    let sim = sim(SimConfig::default()).await;
    sim.handle().add_fault(Fault::new(FaultKind::HtmlBody { status: 502 }).on("show_process").times(1)).unwrap();
    let resp = raw_unsigned(&sim).await;
    assert_eq!(resp.status().as_u16(), 502);
    request_id_ok(&resp);
    assert!(resp.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    assert!(resp.text().await.unwrap().starts_with("<html>"));

    let c = client(&sim, RetryPolicy::disabled()).build().unwrap();
    sim.handle().add_fault(Fault::new(FaultKind::HtmlBody { status: 200 }).on("show_process").times(1)).unwrap();
    let err = c.show_process().send().await.map_err(Error::from).unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    sim.handle().add_fault(Fault::new(FaultKind::HtmlBody { status: 500 }).on("show_process").times(1)).unwrap();
    let err = c.show_process().send().await.map_err(Error::from).unwrap_err();
    let svc = err.as_service().expect("service error");
    assert_eq!(svc.status().as_u16(), 500);
    assert!(svc.error_msg().contains("<html>"), "{}", svc.error_msg());
    sim.shutdown().await;
}

/// Statuses of 30 unsigned requests under a 50 % 503 fault.
async fn coin_flips(seed: u64) -> Vec<u16> {
    let fault = Fault::new(FaultKind::ServerError { status: 503 }).on("show_process").probability(0.5);
    let sim = sim(SimConfig { seed, faults: vec![fault], ..SimConfig::default() }).await;
    let mut out = Vec::new();
    for _ in 0..30 {
        out.push(raw_unsigned(&sim).await.status().as_u16());
    }
    sim.shutdown().await;
    out
}

#[tokio::test]
async fn probabilistic_faults_follow_the_seed() {
    let a = coin_flips(9).await;
    assert_eq!(a, coin_flips(9).await, "same seed, same faults");
    assert!(a.contains(&503) && a.contains(&401), "both outcomes occur: {a:?}");
    assert!(a.iter().all(|s| *s == 503 || *s == 401));
    assert_ne!(a, coin_flips(10).await, "another seed, other faults");
}

#[tokio::test]
async fn configured_faults_and_the_control_api() {
    let fault = Fault::new(FaultKind::ServerError { status: 502 }).on("show_process").times(2);
    let sim = sim(SimConfig { faults: vec![fault], ..SimConfig::default() }).await;
    let statuses =
        [raw_unsigned(&sim).await.status(), raw_unsigned(&sim).await.status(), raw_unsigned(&sim).await.status()];
    assert_eq!(statuses.map(|s| s.as_u16()), [502, 502, 401]);

    let http = reqwest::Client::new();
    let base = format!("{}/_sim", sim.endpoint());
    let resp = http.get(format!("{base}/faults")).send().await.unwrap();
    request_id_ok(&resp);
    let listed: Value = resp.json().await.unwrap();
    assert_eq!(listed[0]["hits"], 2);
    assert_eq!(listed[0]["remaining"], 0);
    assert_eq!(listed[0]["fault"]["kind"], "server_error");
    let id = listed[0]["id"].as_u64().unwrap();
    assert_eq!(http.delete(format!("{base}/faults/{id}")).send().await.unwrap().status().as_u16(), 200);
    assert_eq!(http.delete(format!("{base}/faults/{id}")).send().await.unwrap().status().as_u16(), 404);

    for bad in [
        json!({"kind": "server_error", "status": 404}),
        json!({"kind": "throttle", "probability": 2.0}),
        json!({"kind": "latency", "millis": 5, "operation": "no_such_op"}),
        json!({"kind": "explode"}),
    ] {
        let resp = http.post(format!("{base}/faults")).json(&bad).send().await.unwrap();
        assert_eq!(resp.status().as_u16(), 400, "{bad}");
        let body: Value = resp.json().await.unwrap();
        assert!(body["error"].is_string(), "{body}");
    }

    // Faults without an operation hit every CPTS request, and can be cleared.
    add_fault_http(&sim, json!({"kind": "server_error", "status": 503})).await;
    let path = format!("{}/v1/{DEFAULT_PROJECT_ID}/tasks/1", sim.endpoint());
    assert_eq!(reqwest::get(&path).await.unwrap().status().as_u16(), 503);
    assert_eq!(http.delete(format!("{base}/faults")).send().await.unwrap().status().as_u16(), 200);
    assert_eq!(reqwest::get(&path).await.unwrap().status().as_u16(), 401);
    let stats: Value = http.get(format!("{base}/stats")).send().await.unwrap().json().await.unwrap();
    assert_eq!(stats["faulted"], 3);
    assert_eq!(stats["by_operation"]["show_process"], 3);
    sim.shutdown().await;
}
