//! The fault matrix of docs/reliability.md: every fault the SDK and the CLI must survive, what the SDK
//! answers (error variant, retried or not) and what the CLI exits with, stopping the run when it had
//! started. Each SDK call is bounded: a call that outlives its overall timeout fails the test.
//!
//! Also covered elsewhere, and not repeated here: Retry-After honoured and re-dated retries, 403 kept
//! whole (retries.rs); the simulator's fault bodies, seeded faults and control API (sim_faults.rs);
//! an unreachable endpoint in the CLI (cli_errors.rs).

mod cli_support;

use std::io::Read;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use cli_support::{Out, Sim, perftest_bare, text};
use perftest_sdk::auth::Credentials;
use perftest_sdk::{Client, Error, RetryPolicy, TaskStatus, types};
use perftest_sim::{Fault, FaultKind};
use perftest_tests::script_server::{Reply, ScriptServer};

const AK: &str = "AKFAULT0000000000001";
const SK: &str = "SKFAULT000000000000000000000000000000001";
const ATTEMPT: Duration = Duration::from_millis(400);
const OVERALL: Duration = Duration::from_secs(3);
/// Far larger than any real CPTS answer (they are kilobytes).
const HUGE: usize = 50 * 1024 * 1024;
const MIB: usize = 1024 * 1024;
const BUSY: &str = r#"{"error_code":"APIGW.0308","error_msg":"The throttling threshold has been reached"}"#;
const OK_TASK: &str = r#"{"taskInfo":{"name":"t","project_id":1}}"#;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Call {
    /// `show_task`: idempotent.
    Get,
    /// `update_task_status` (start): not idempotent.
    Post,
}

fn client(endpoint: &str) -> Client {
    Client::builder()
        .credentials(Credentials::new(AK, SK).unwrap())
        .project_id("p0123456789")
        .endpoint(endpoint)
        .retry_policy(RetryPolicy::default().max_attempts(3).initial_backoff(Duration::from_millis(10)))
        .attempt_timeout(ATTEMPT)
        .overall_timeout(OVERALL)
        .build()
        .unwrap()
}

/// One call; a call that outlives the overall timeout (plus scheduling slack) fails the test.
async fn call(c: &Client, which: Call) -> Result<(), Error> {
    let fut = async {
        match which {
            Call::Get => c.show_task().task_id(7).send().await.map(|_| ()).map_err(Error::from),
            Call::Post => {
                let body = types::UpdateTaskStatusRequestBody::shared(TaskStatus::Start);
                c.update_task_status()
                    .test_suite_id(1)
                    .task_id(7)
                    .body(body)
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(Error::from)
            }
        }
    };
    tokio::time::timeout(OVERALL + Duration::from_secs(2), fut).await.expect("the call outlived its overall timeout")
}

/// The reqwest error inside a transport error, and whether it was a connect failure.
fn transport_is_connect(e: &Error) -> bool {
    match e {
        Error::Transport(t) => t.is_connect(),
        other => panic!("expected a transport error, got {other:?}"),
    }
}

/// Requests the server read for `reply` on every attempt: 3 when the call is retried, 1 when not.
async fn attempts_for(reply: Reply, which: Call) -> (Error, usize) {
    let server = ScriptServer::start(vec![reply.clone()]).await;
    let err = call(&client(&server.endpoint()), which)
        .await
        .expect_err(&format!("{which:?} answered by {reply:?} must fail"));
    (err, server.received().len())
}

#[tokio::test]
async fn error_statuses_are_service_errors_retried_only_when_transient_and_idempotent() {
    // (status, Retry-After, retried on GET)
    let cases = [
        (429, None, true),
        (429, Some("0"), true),
        (500, None, false),
        (502, None, true),
        (503, None, true),
        (504, None, true),
    ];
    for (status, retry_after, transient) in cases {
        for which in [Call::Get, Call::Post] {
            let mut reply = Reply::json(status, BUSY);
            if let Some(ra) = retry_after {
                reply = reply.with_header("Retry-After", ra);
            }
            let (err, n) = attempts_for(reply, which).await;
            let svc = err.as_service().unwrap_or_else(|| panic!("{status} {which:?}: {err:?}"));
            assert_eq!((svc.status().as_u16(), svc.error_code()), (status, "APIGW.0308"), "{which:?}");
            assert_eq!(svc.is_transient(), transient);
            let expected = if transient && which == Call::Get { 3 } else { 1 };
            assert_eq!(n, expected, "{status} (Retry-After {retry_after:?}) on {which:?}: attempts");
        }
    }
}

#[tokio::test]
async fn refused_connections_are_retried_for_every_method() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let c = Client::builder()
        .credentials(Credentials::new(AK, SK).unwrap())
        .project_id("p")
        .endpoint(format!("http://127.0.0.1:{port}"))
        .retry_policy(RetryPolicy::default().max_attempts(3).initial_backoff(Duration::from_millis(200)))
        .overall_timeout(OVERALL)
        .build()
        .unwrap();
    for which in [Call::Get, Call::Post] {
        let started = Instant::now();
        let err = call(&c, which).await.expect_err("nothing listens");
        assert!(transport_is_connect(&err), "{which:?}: {err:?}");
        // Two waits of at least half the backoff each (100 ms, then 200 ms): the POST was retried too.
        assert!(started.elapsed() >= Duration::from_millis(300), "{which:?} was not retried: {:?}", started.elapsed());
    }
}

#[tokio::test]
async fn resets_are_transport_errors_retried_only_for_idempotent_calls() {
    // Reset as soon as the connection is accepted: the client cannot know whether its request was
    // read, so a POST is not sent again.
    for (which, expected) in [(Call::Get, 3), (Call::Post, 1)] {
        let server = ScriptServer::start(vec![Reply::ResetBeforeRead]).await;
        let err = call(&client(&server.endpoint()), which).await.expect_err("reset");
        assert!(!transport_is_connect(&err), "{err:?}");
        assert_eq!(server.connections(), expected, "{which:?}");
        assert!(server.received().is_empty());
    }
    // Reset after the whole request was read.
    for which in [Call::Get, Call::Post] {
        let (err, n) = attempts_for(Reply::Reset, which).await;
        assert!(!transport_is_connect(&err), "{err:?}");
        assert_eq!(n, if which == Call::Get { 3 } else { 1 }, "{which:?}");
    }
}

#[tokio::test]
async fn answers_slower_than_the_attempt_timeout_time_out_within_the_overall_timeout() {
    for which in [Call::Get, Call::Post] {
        let started = Instant::now();
        let (err, n) = attempts_for(Reply::Hang, which).await;
        assert!(matches!(err, Error::Timeout(_)), "{which:?}: {err:?}");
        assert_eq!(n, if which == Call::Get { 3 } else { 1 }, "{which:?}");
        assert!(started.elapsed() < OVERALL, "{which:?} took {:?}", started.elapsed());
    }
    // The overall timeout cuts the retries short: 2 s of attempts of 1 s each never exceed it.
    let server = ScriptServer::start(vec![Reply::Hang]).await;
    let c = Client::builder()
        .credentials(Credentials::new(AK, SK).unwrap())
        .project_id("p")
        .endpoint(server.endpoint())
        .retry_policy(RetryPolicy::default().max_attempts(10).initial_backoff(Duration::from_millis(10)))
        .attempt_timeout(Duration::from_millis(700))
        .overall_timeout(Duration::from_millis(1000))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = call(&c, Call::Get).await.expect_err("hangs");
    assert!(matches!(err, Error::Timeout(_)), "{err:?}");
    assert!(started.elapsed() < Duration::from_millis(1500), "took {:?}", started.elapsed());
    assert_eq!(server.received().len(), 2, "the second attempt only gets what is left of the second");
}

#[tokio::test]
async fn broken_and_unexpected_bodies_are_decode_errors_and_are_not_retried() {
    let cases: [(&str, Reply); 5] = [
        ("truncated JSON", Reply::json(200, r#"{"taskInfo":{"name":"t","proj"#)),
        (
            "HTML with 200",
            Reply::json(200, "<html><body>Gateway</body></html>").with_header("Content-Type", "text/html"),
        ),
        ("empty 200", Reply::json(200, "")),
        ("XML", Reply::json(200, "<task><name>t</name></task>").with_header("Content-Type", "application/xml")),
        ("JSON of the wrong shape", Reply::json(200, r#"{"code":["not","a","string"]}"#)),
    ];
    for (name, reply) in cases {
        for which in [Call::Get, Call::Post] {
            let (err, n) = attempts_for(reply.clone(), which).await;
            assert!(matches!(err, Error::Decode { .. }), "{name} {which:?}: {err:?}");
            assert_eq!(n, 1, "{name} {which:?}: a 2xx is never retried");
        }
    }
    // The content type is not what decides: a JSON body labelled text/plain decodes.
    let server = ScriptServer::start(vec![Reply::json(200, OK_TASK).with_header("Content-Type", "text/plain")]).await;
    call(&client(&server.endpoint()), Call::Get).await.expect("JSON under another content type");
    // An error status with an HTML page keeps the page as the message.
    let page = "<html><body>502 Bad Gateway</body></html>";
    let (err, n) = attempts_for(Reply::json(502, page).with_header("Content-Type", "text/html"), Call::Get).await;
    let svc = err.as_service().expect("service error");
    assert_eq!((svc.status().as_u16(), svc.error_code(), svc.error_msg(), n), (502, "502", page, 3));
}

#[tokio::test]
async fn huge_bodies_are_bounded() {
    // A success body is read whole (bounded by the attempt timeout), then fails to decode.
    let server = ScriptServer::start(vec![Reply::Large {
        status: 200,
        content_type: "application/json".into(),
        len: HUGE,
        fill: b'x',
    }])
    .await;
    let c = Client::builder()
        .credentials(Credentials::new(AK, SK).unwrap())
        .project_id("p")
        .endpoint(server.endpoint())
        .retry_policy(RetryPolicy::disabled())
        .overall_timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    let err = c.show_task().task_id(7).send().await.map_err(Error::from).expect_err("not JSON");
    match &err {
        Error::Decode { body, .. } => assert_eq!(body.len(), HUGE),
        other => panic!("expected a decode error, got {other:?}"),
    }
    assert!(err.to_string().len() < 200, "the message does not carry the body: {err}");

    // An error body: only the first MiB is read and kept, the message stays short.
    for (status, which, attempts) in [(500, Call::Get, 1), (502, Call::Get, 3), (503, Call::Post, 1)] {
        let reply = Reply::Large { status, content_type: "text/html".into(), len: HUGE, fill: b'e' };
        let started = Instant::now();
        let (err, n) = attempts_for(reply, which).await;
        let svc = err.as_service().unwrap_or_else(|| panic!("{status}: {err:?}"));
        assert_eq!((svc.status().as_u16(), n), (status, attempts));
        assert_eq!(svc.body().len(), MIB, "{status}: the kept body is capped");
        assert!(svc.body().iter().all(|b| *b == b'e'));
        let shown = err.to_string();
        assert!(shown.len() < 1200 && shown.contains("bytes in all"), "{shown}");
        assert!(started.elapsed() < OVERALL, "{status}: {:?}", started.elapsed());
    }
}

// ---------------------------------------------------------------------------------------------
// The CLI

fn finish(child: std::process::Child, mut stderr: impl Read, mut seen: String) -> Out {
    let out = child.wait_with_output().unwrap();
    stderr.read_to_string(&mut seen).unwrap();
    let o = Out { code: out.status.code().unwrap_or(-1), stdout: text(&out.stdout), stderr: seen };
    eprintln!("exit {}\n--- stdout\n{}--- stderr\n{}", o.code, o.stdout, o.stderr);
    o
}

/// `perftest run` on a fresh simulator (real time: the run lasts more than a minute); once the run
/// has started, `fault` is added (unlimited, `show_task` only). The task's state at the end.
fn run_with_fault_after_start(fault: Fault, extra: &[&str]) -> (Out, perftest_sim::TaskSnapshot) {
    let sim = Sim::start(1.0);
    let s = sim.seed_task("shop", "checkout", 60);
    let args: Vec<&str> = ["--poll-interval", "20ms"].into_iter().chain(extra.iter().copied()).collect();
    let (child, stderr, seen) = cli_support::spawn_run_until_started(&sim, s.task_id, &args);
    assert_eq!(sim.handle().task(s.task_id).unwrap().starts, 1);
    sim.handle().add_fault(fault.on("show_task")).unwrap();
    let out = finish(child, stderr, seen);
    let task = sim.handle().task(s.task_id).unwrap();
    (out, task)
}

#[test]
fn cli_faults_while_polling_exit_5_and_stop_the_run() {
    let kinds = [
        FaultKind::Throttle { retry_after_secs: 0 },
        FaultKind::ServerError { status: 500 },
        FaultKind::ServerError { status: 502 },
        FaultKind::ServerError { status: 503 },
        FaultKind::ServerError { status: 504 },
        FaultKind::DropConnection,
        FaultKind::TruncatedBody,
        FaultKind::HtmlBody { status: 200 },
    ];
    // One simulator and one perftest process per fault, side by side: most of the time is the SDK's
    // backoff and the CLI's five tolerated poll failures.
    let results: Vec<_> = std::thread::scope(|scope| {
        let handles: Vec<_> = kinds
            .iter()
            .map(|kind| scope.spawn(|| (kind.clone(), run_with_fault_after_start(Fault::new(kind.clone()), &[]))))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for (kind, (out, task)) in results {
        assert_eq!(out.code, 5, "{kind:?}: {}", out.stderr);
        assert!(
            out.stderr.contains("polling failed (4/5)"),
            "{kind:?}: the CLI tolerates transient failures: {}",
            out.stderr
        );
        assert!(out.stderr.contains("; the run was stopped"), "{kind:?}: {}", out.stderr);
        assert_eq!(
            (task.starts, task.stops, task.run_status),
            (1, 1, Some(5)),
            "{kind:?}: the run was stopped: {task:?}"
        );
    }
}

#[test]
fn cli_an_answer_slower_than_the_timeout_exits_4_and_stops_the_run() {
    let started = Instant::now();
    let (out, task) =
        run_with_fault_after_start(Fault::new(FaultKind::Latency { millis: 60_000 }), &["--timeout", "1s"]);
    assert_eq!(out.code, 4, "{}", out.stderr);
    assert!(out.stderr.contains("timed out after 1s: stopping the run"), "{}", out.stderr);
    assert_eq!((task.starts, task.stops, task.run_status), (1, 1, Some(5)), "{task:?}");
    assert!(started.elapsed() < Duration::from_secs(30), "a hanging poll held up --timeout: {:?}", started.elapsed());
}

#[test]
fn cli_transient_faults_are_retried_and_the_run_passes() {
    // Faults with `times` on every GET the workflow makes: the SDK's retries absorb them.
    let sim = Sim::start(600.0);
    let s = sim.seed_task("shop", "checkout", 60);
    let h = sim.handle();
    h.add_fault(Fault::new(FaultKind::DropConnection).on("list_project_sets").times(1)).unwrap();
    h.add_fault(Fault::new(FaultKind::ServerError { status: 502 }).on("show_task_set").times(1)).unwrap();
    h.add_fault(Fault::new(FaultKind::ServerError { status: 503 }).on("show_task").times(2)).unwrap();
    h.add_fault(Fault::new(FaultKind::Throttle { retry_after_secs: 0 }).on("show_merge_report_logs_outline").times(2))
        .unwrap();
    let out =
        sim.perftest(["run", "--project", "shop", "--task", "checkout", "--poll-interval", "20ms"]).output().unwrap();
    let (code, stderr) = (out.status.code(), text(&out.stderr));
    assert_eq!(code, Some(0), "{stderr}\n{}", text(&out.stdout));
    assert!(h.faults().iter().all(|f| f.remaining == Some(0)), "every fault was hit: {:?}", h.faults());
    let task = h.task(s.task_id).unwrap();
    assert_eq!((task.starts, task.stops, task.run_status), (1, 0, Some(2)), "{task:?}");
}

#[test]
fn cli_faults_on_the_start_exit_5_and_never_leave_a_run_going() {
    // (fault on the start, whether the simulator processed the start)
    let cases = [
        (FaultKind::ServerError { status: 500 }, false),
        (FaultKind::ServerError { status: 502 }, false),
        (FaultKind::ServerError { status: 503 }, false),
        (FaultKind::ServerError { status: 504 }, false),
        (FaultKind::Throttle { retry_after_secs: 0 }, false),
        (FaultKind::DropConnection, false),
        (FaultKind::HtmlBody { status: 200 }, false),
        (FaultKind::TruncatedBody, true),
    ];
    for (kind, processed) in cases {
        let sim = Sim::start(1.0);
        let s = sim.seed_task("shop", "checkout", 60);
        // `times(1)`: only the start is hit, not a stop that follows it.
        sim.handle().add_fault(Fault::new(kind.clone()).on("update_task_status").times(1)).unwrap();
        let out =
            sim.perftest(["run", "--task-id", &s.task_id.to_string(), "--poll-interval", "20ms"]).output().unwrap();
        let stderr = text(&out.stderr);
        eprintln!("{kind:?}: {stderr}");
        assert_eq!(out.status.code(), Some(5), "{kind:?}: {stderr}");
        assert!(stderr.contains(&format!("starting checkout (task {})", s.task_id)), "{kind:?}: {stderr}");
        let task = sim.handle().task(s.task_id).unwrap();
        assert_eq!(sim.handle().request_count("update_task_status"), if processed { 2 } else { 1 }, "{kind:?}");
        if processed {
            // The answer was garbled but the run had started: it is found and stopped.
            assert!(stderr.contains("had started nonetheless; it was stopped"), "{stderr}");
            assert_eq!((task.starts, task.stops, task.run_status), (1, 1, Some(5)), "{kind:?}: {task:?}");
        } else {
            assert!(stderr.contains("the task shows no new run, so nothing was started"), "{stderr}");
            assert_eq!((task.starts, task.stops), (0, 0), "{kind:?}: {task:?}");
        }
    }
}

/// A stand-in for CPTS that answers `show_task` with `poll` once the task has been started.
async fn fake_cpts(poll: Reply) -> (ScriptServer, Arc<AtomicBool>) {
    let stopped = Arc::new(AtomicBool::new(false));
    let started = Arc::new(AtomicBool::new(false));
    let flag = stopped.clone();
    let server = ScriptServer::with_handler(move |req, _| {
        let body = String::from_utf8_lossy(&req.body);
        match req.method.as_str() {
            "GET" if started.load(Ordering::SeqCst) => poll.clone(),
            "GET" => Reply::json(200, OK_TASK),
            "POST" if body.contains(r#""status":9"#) => {
                started.store(true, Ordering::SeqCst);
                Reply::json(200, r#"{"code":"SVCSTG.CPTS.0000000","result":{"task_run_id":55}}"#)
            }
            "POST" if body.contains(r#""status":2"#) => {
                flag.store(true, Ordering::SeqCst);
                Reply::json(200, r#"{"code":"SVCSTG.CPTS.0000000"}"#)
            }
            _ => Reply::json(400, r#"{"error_code":"X","error_msg":"unexpected request"}"#),
        }
    })
    .await;
    (server, stopped)
}

fn perftest_at(endpoint: &str, args: &[&str]) -> Out {
    let mut cmd = perftest_bare(["--endpoint", endpoint]);
    cmd.env("HUAWEICLOUD_SDK_AK", AK).env("HUAWEICLOUD_SDK_SK", SK).env("HUAWEICLOUD_SDK_PROJECT_ID", "p0123456789");
    let out = cmd.args(args).output().unwrap();
    let o = Out { code: out.status.code().unwrap_or(-1), stdout: text(&out.stdout), stderr: text(&out.stderr) };
    eprintln!("exit {}\n--- stdout\n{}--- stderr\n{}", o.code, o.stdout, o.stderr);
    o
}

#[test]
fn cli_huge_and_odd_answers_exit_5_with_a_short_message() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let large = |status: u16| Reply::Large { status, content_type: "text/html".into(), len: HUGE, fill: b'z' };
    let cases = [
        ("50 MB success", large(200), 5, "could not decode the response body (52428800 bytes)"),
        ("50 MB 502", large(502), 5, "bytes in all"),
        ("XML", Reply::json(200, "<task/>").with_header("Content-Type", "application/xml"), 5, "could not decode"),
        ("JSON as text/plain", Reply::json(200, OK_TASK).with_header("Content-Type", "text/plain"), 0, ""),
    ];
    for (name, reply, code, needle) in cases {
        let server = rt.block_on(ScriptServer::start(vec![reply]));
        let o = perftest_at(&server.endpoint(), &["status", "--task-id", "7"]);
        assert_eq!(o.code, code, "{name}: {}", o.stderr);
        assert!(o.stderr.contains(needle), "{name}: {}", o.stderr);
        assert!(o.stderr.len() < 4096, "{name}: {} bytes on stderr", o.stderr.len());
    }

    // A run whose status polls get 50 MB answers, or 429 without Retry-After: exit 5, the run stopped.
    for poll in [large(200), Reply::json(429, BUSY)] {
        let (server, stopped) = rt.block_on(fake_cpts(poll.clone()));
        let o =
            perftest_at(&server.endpoint(), &["run", "--task-id", "7", "--poll-interval", "10ms", "--timeout", "60s"]);
        assert_eq!(o.code, 5, "{poll:?}: {}", o.stderr);
        assert!(stopped.load(Ordering::SeqCst), "{poll:?}: no stop was sent: {}", o.stderr);
        assert!(o.stderr.contains("; the run was stopped"), "{poll:?}: {}", o.stderr);
        assert!(o.stderr.len() < 16 * 1024, "{poll:?}: {} bytes on stderr", o.stderr.len());
    }
}
