//! Retry and timeout behaviour against a scripted server on 127.0.0.1: what is retried, what is not,
//! Retry-After, re-signing per attempt, attempt and overall time limits, and error bodies kept.

use std::time::{Duration, Instant};

use perftest_sdk::auth::{Credentials, SignableRequest, query_pairs_from_str, verify};
use perftest_sdk::{Client, Error, RetryPolicy, TaskStatus, types};
use perftest_tests::script_server::{Received, Reply, ScriptServer};

const AK: &str = "AKRETRY000000000001";
const SK: &str = "SKRETRY0000000000000000000000000000001";
const OK_TASK: &str = r#"{"code":"SVCSTG.CPTS.0000000","message":"success","taskInfo":{"name":"t"}}"#;
const BUSY: &str = r#"{"error_code":"APIGW.0308","error_msg":"The request is throttled"}"#;

fn client(server: &ScriptServer, policy: RetryPolicy) -> perftest_sdk::ClientBuilder {
    Client::builder()
        .credentials(Credentials::new(AK, SK).unwrap())
        .project_id("p0123456789")
        .endpoint(server.endpoint())
        .retry_policy(policy)
}

fn fast() -> RetryPolicy {
    RetryPolicy::default().max_attempts(3).initial_backoff(Duration::from_millis(10))
}

/// Each received request must carry a signature that verifies over exactly what arrived.
fn assert_signed(r: &Received) {
    let (path, query) = r.target.split_once('?').unwrap_or((&r.target, ""));
    let pairs = query_pairs_from_str(query);
    let req = SignableRequest {
        method: &r.method,
        host: r.header("host").unwrap(),
        path,
        query: &pairs,
        headers: &r.headers,
        body: &r.body,
    };
    let v = verify(&req, SK).unwrap_or_else(|e| panic!("attempt not signed correctly: {e}"));
    assert_eq!(v.access_key, AK);
}

async fn show_task(c: &Client) -> Result<types::ShowTaskResponse, Error> {
    Ok(c.show_task().task_id(7).send().await?.into_inner())
}

async fn start_task(c: &Client) -> Result<(), Error> {
    let body = types::UpdateTaskStatusRequestBody::shared(TaskStatus::Start);
    c.update_task_status().test_suite_id(1).task_id(7).body(body).send().await?;
    Ok(())
}

#[tokio::test]
async fn get_is_retried_on_503_and_each_attempt_is_signed() {
    let server = ScriptServer::start(vec![Reply::json(503, BUSY), Reply::json(502, BUSY), Reply::json(200, OK_TASK)]).await;
    let c = client(&server, fast()).build().unwrap();
    let task = show_task(&c).await.expect("third attempt succeeds");
    assert_eq!(task.task_info.and_then(|t| t.name).as_deref(), Some("t"));
    let got = server.received();
    assert_eq!(got.len(), 3);
    got.iter().for_each(assert_signed);
}

#[tokio::test]
async fn retry_after_is_honoured_and_the_retry_is_re_dated() {
    let server =
        ScriptServer::start(vec![Reply::json(429, BUSY).with_header("Retry-After", "1"), Reply::json(200, OK_TASK)]).await;
    let c = client(&server, fast()).build().unwrap();
    show_task(&c).await.expect("retried after the 429");
    let got = server.received();
    assert_eq!(got.len(), 2);
    assert!(got[1].at - got[0].at >= Duration::from_millis(950), "Retry-After: 1 not honoured");
    assert_ne!(got[0].header("x-sdk-date"), got[1].header("x-sdk-date"), "the retry must carry a fresh X-Sdk-Date");
    assert_ne!(got[0].header("authorization"), got[1].header("authorization"));
    got.iter().for_each(assert_signed);
}

#[tokio::test]
async fn a_start_is_not_re_sent_unless_the_caller_opts_in() {
    let server = ScriptServer::start(vec![Reply::json(503, BUSY), Reply::json(200, "{}")]).await;
    let c = client(&server, fast()).build().unwrap();
    let err = start_task(&c).await.expect_err("503 on POST is final");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(server.received().len(), 1, "POST must not be retried by default");

    let server = ScriptServer::start(vec![Reply::json(503, BUSY), Reply::json(200, "{}")]).await;
    let c = client(&server, fast().retry_non_idempotent(true)).build().unwrap();
    start_task(&c).await.expect("opted-in retry succeeds");
    assert_eq!(server.received().len(), 2);
}

#[tokio::test]
async fn client_errors_are_not_retried_and_keep_body_and_request_id() {
    let body = r#"{"code":"SVCSTG.CPTS.4032002","message":"task not found"}"#;
    let server = ScriptServer::start(vec![Reply::json(403, body).with_header("X-Request-Id", "abc123")]).await;
    let c = client(&server, fast()).build().unwrap();
    let err = show_task(&c).await.expect_err("403");
    let e = err.as_service().expect("service error");
    assert_eq!((e.status().as_u16(), e.error_code(), e.error_msg()), (403, "SVCSTG.CPTS.4032002", "task not found"));
    assert_eq!(e.request_id(), Some("abc123"));
    assert_eq!(e.body().as_ref(), body.as_bytes());
    assert_eq!(server.received().len(), 1);
}

#[tokio::test]
async fn exhausted_429_keeps_its_body_and_request_id() {
    let server = ScriptServer::start(vec![Reply::json(429, BUSY).with_header("X-Request-Id", "r429")]).await;
    let c = client(&server, fast().max_attempts(2)).build().unwrap();
    let err = show_task(&c).await.expect_err("still throttled");
    let e = err.as_service().expect("service error");
    assert_eq!((e.status().as_u16(), e.error_code(), e.request_id()), (429, "APIGW.0308", Some("r429")));
    assert_eq!(server.received().len(), 2);
}

#[tokio::test]
async fn attempt_timeout_gives_a_timeout_error() {
    let server = ScriptServer::start(vec![Reply::Hang]).await;
    let c = client(&server, RetryPolicy::disabled()).attempt_timeout(Duration::from_millis(200)).build().unwrap();
    let started = Instant::now();
    let err = show_task(&c).await.expect_err("hangs");
    assert!(matches!(err, Error::Timeout(_)), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn overall_timeout_bounds_all_retries() {
    let server = ScriptServer::start(vec![Reply::json(503, BUSY)]).await;
    let policy = RetryPolicy::default().max_attempts(50).initial_backoff(Duration::from_millis(100));
    let c = client(&server, policy).overall_timeout(Duration::from_millis(600)).build().unwrap();
    let started = Instant::now();
    let err = show_task(&c).await.expect_err("never succeeds");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert!(started.elapsed() < Duration::from_millis(1500), "took {:?}", started.elapsed());
    let n = server.received().len();
    assert!((2..50).contains(&n), "{n} attempts");
}

#[tokio::test]
async fn refused_connections_are_retried_then_reported_as_transport_errors() {
    // A port that was just free: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let c = Client::builder()
        .credentials(Credentials::new(AK, SK).unwrap())
        .project_id("p")
        .endpoint(format!("http://127.0.0.1:{port}"))
        .retry_policy(fast())
        .build()
        .unwrap();
    let err = start_task(&c).await.expect_err("refused");
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
}

#[tokio::test]
async fn dropped_connection_on_post_is_not_retried() {
    let server = ScriptServer::start(vec![Reply::Drop, Reply::json(200, "{}")]).await;
    let c = client(&server, fast()).build().unwrap();
    let err = start_task(&c).await.expect_err("connection dropped after sending");
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert_eq!(server.received().len(), 1, "a POST that may have arrived is not re-sent");
}

#[test]
fn debug_output_never_shows_secrets() {
    let creds = Credentials::new(AK, SK).unwrap().with_security_token("TOKEN-SECRET-VALUE").with_project_id("p");
    let builder = Client::builder().credentials(creds.clone()).endpoint("http://127.0.0.1:9");
    let client = builder.build().unwrap();
    let builder = Client::builder().credentials(creds.clone());
    for text in [format!("{creds:?}"), format!("{builder:?}"), format!("{client:?}")] {
        assert!(!text.contains(SK), "SK leaked: {text}");
        assert!(!text.contains("TOKEN-SECRET-VALUE"), "token leaked: {text}");
        assert!(!text.contains(AK), "full AK shown: {text}");
    }
}
