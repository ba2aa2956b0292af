//! No double start. A start (`update_task_status` or `batch_update_task_status`, both POST) is not
//! sent again once it may have reached the server, unless the caller opts in; with the opt-in
//! (`perftest --retry-start`) the CLI reads the task's status before every re-send and does not
//! re-send when a run is waiting or running.
//!
//! Start faults without the opt-in, in the CLI against the simulator: reliability_faults.rs.
//! Also here, with the same stand-in for CPTS: `--resource-group` reaches the start and stop bodies.

mod cli_support;

use std::sync::Arc;
use std::sync::atomic::{AtomicI32, AtomicUsize, Ordering};
use std::time::Duration;

use cli_support::{Sim, perftest_bare, text};
use perftest_sdk::auth::Credentials;
use perftest_sdk::{Client, Error, RetryPolicy, TaskStatus, types};
use perftest_sim::{Fault, FaultKind};
use perftest_tests::script_server::{Received, Reply, ScriptServer};

const AK: &str = "AKSTART0000000000001";
const SK: &str = "SKSTART000000000000000000000000000000001";
const BUSY: &str = r#"{"error_code":"APIGW.0202","error_msg":"Backend unavailable"}"#;
const STARTED: &str = r#"{"code":"SVCSTG.CPTS.0000000","message":"success","result":{"task_run_id":55}}"#;
const BATCH_STARTED: &str = r#"{"code":"SVCSTG.CPTS.0000000","message":"success"}"#;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    UpdateTaskStatus,
    BatchUpdateTaskStatus,
}

fn client(endpoint: &str, opt_in: bool) -> Client {
    let policy =
        RetryPolicy::default().max_attempts(3).initial_backoff(Duration::from_millis(10)).retry_non_idempotent(opt_in);
    Client::builder()
        .credentials(Credentials::new(AK, SK).unwrap())
        .project_id("p0123456789")
        .endpoint(endpoint)
        .retry_policy(policy)
        .attempt_timeout(Duration::from_millis(300))
        .overall_timeout(Duration::from_secs(5))
        .build()
        .unwrap()
}

async fn start(c: &Client, op: Op) -> Result<(), Error> {
    match op {
        Op::UpdateTaskStatus => {
            let body = types::UpdateTaskStatusRequestBody::shared(TaskStatus::Start);
            c.update_task_status().test_suite_id(1).task_id(7).body(body).send().await?;
        }
        Op::BatchUpdateTaskStatus => {
            let body = types::BatchUpdateTaskStatusRequestBody::shared(TaskStatus::Start, 1, vec![7, 8]);
            c.batch_update_task_status().test_suit_id(1).body(body).send().await?;
        }
    }
    Ok(())
}

/// Every way an answer can leave open whether the start reached the server (and was acted on).
fn maybe_sent() -> Vec<(&'static str, Reply)> {
    vec![
        ("connection dropped after the request was read", Reply::Drop),
        ("connection reset after the request was read", Reply::Reset),
        ("no answer within the attempt timeout", Reply::Hang),
        ("429", Reply::json(429, BUSY)),
        ("502", Reply::json(502, BUSY)),
        ("503", Reply::json(503, BUSY)),
        ("504", Reply::json(504, BUSY)),
    ]
}

#[tokio::test]
async fn a_start_that_may_have_arrived_is_sent_once() {
    for op in [Op::UpdateTaskStatus, Op::BatchUpdateTaskStatus] {
        for (name, reply) in maybe_sent() {
            let server = ScriptServer::start(vec![reply, Reply::json(200, STARTED)]).await;
            let err = start(&client(&server.endpoint(), false), op).await.expect_err(name);
            assert!(
                matches!(err, Error::Service(_) | Error::Transport(_) | Error::Timeout(_)),
                "{op:?} {name}: {err:?}"
            );
            let got = server.received();
            assert_eq!(got.len(), 1, "{op:?} {name}: the start was sent again");
            assert!(String::from_utf8_lossy(&got[0].body).contains(r#""status":9"#));
        }
    }
}

#[tokio::test]
async fn with_the_opt_in_the_sdk_sends_it_again() {
    for op in [Op::UpdateTaskStatus, Op::BatchUpdateTaskStatus] {
        for (name, reply) in maybe_sent() {
            let ok = if op == Op::UpdateTaskStatus { STARTED } else { BATCH_STARTED };
            let server = ScriptServer::start(vec![reply, Reply::json(200, ok)]).await;
            start(&client(&server.endpoint(), true), op).await.unwrap_or_else(|e| panic!("{op:?} {name}: {e:?}"));
            assert_eq!(server.received().len(), 2, "{op:?} {name}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The CLI: `--retry-start`

/// What a start POST gets from [`FakeCpts`].
#[derive(Clone)]
struct StartOutcome {
    /// Whether the start takes effect (a run appears) before the reply is sent.
    processed: bool,
    reply: Reply,
}

/// A stand-in for CPTS with one task (7, project 1) and a scripted outcome for each start.
struct FakeCpts {
    server: ScriptServer,
}

const RUN_ID: i32 = 55;

impl FakeCpts {
    async fn start(outcomes: Vec<StartOutcome>) -> Self {
        Self::with_run(0, outcomes).await
    }

    /// `running`: the id of a run already going before the CLI starts (0: none).
    async fn with_run(running: i32, outcomes: Vec<StartOutcome>) -> Self {
        let run = Arc::new(AtomicI32::new(running));
        let starts = Arc::new(AtomicUsize::new(0));
        let server = ScriptServer::with_handler(move |req: &Received, _| match kind(req) {
            "show_task" => {
                let info = match run.load(Ordering::SeqCst) {
                    0 => r#"{"name":"t","project_id":1}"#.to_owned(),
                    id => format!(r#"{{"name":"t","project_id":1,"run_status":0,"related_temp_running_data":[{{"task_run_info_id":{id}}}]}}"#),
                };
                Reply::json(200, &format!(r#"{{"taskInfo":{info}}}"#))
            }
            "start" => {
                let i = starts.fetch_add(1, Ordering::SeqCst);
                let outcome = outcomes.get(i).or(outcomes.last()).cloned().unwrap();
                if outcome.processed {
                    // CPTS refuses a second start of a running task.
                    if run.compare_exchange(0, RUN_ID, Ordering::SeqCst, Ordering::SeqCst).is_err() {
                        return Reply::json(400, r#"{"error_code":"SVCSTG.CPTS.4001006","error_msg":"task is running"}"#);
                    }
                }
                outcome.reply
            }
            "stop" => {
                run.store(0, Ordering::SeqCst);
                Reply::json(200, r#"{"code":"SVCSTG.CPTS.0000000"}"#)
            }
            _ => Reply::json(404, r#"{"error_code":"APIGW.0101","error_msg":"no such API"}"#),
        })
        .await;
        Self { server }
    }

    /// The requests received, as `show_task` / `start` / `stop`, in order.
    fn sequence(&self) -> Vec<&'static str> {
        self.server.received().iter().map(kind).collect()
    }

    fn perftest(&self, args: &[&str]) -> (i32, String, String) {
        let mut cmd = perftest_bare(["--endpoint", &self.server.endpoint()]);
        cmd.env("HUAWEICLOUD_SDK_AK", AK)
            .env("HUAWEICLOUD_SDK_SK", SK)
            .env("HUAWEICLOUD_SDK_PROJECT_ID", "p0123456789");
        let out = cmd.args(args).output().unwrap();
        let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
        eprintln!(
            "exit {:?}\n--- stdout\n{stdout}--- stderr\n{stderr}--- requests {:?}",
            out.status.code(),
            self.sequence()
        );
        (out.status.code().unwrap_or(-1), stdout, stderr)
    }
}

fn kind(req: &Received) -> &'static str {
    let body = String::from_utf8_lossy(&req.body);
    match (req.method.as_str(), req.target.contains("/test-suites/")) {
        ("GET", false) => "show_task",
        ("POST", true) if body.contains(r#""status":9"#) => "start",
        ("POST", true) if body.contains(r#""status":2"#) => "stop",
        _ => "other",
    }
}

fn ok(processed: bool) -> StartOutcome {
    StartOutcome { processed, reply: Reply::json(200, STARTED) }
}

fn fails(processed: bool, reply: Reply) -> StartOutcome {
    StartOutcome { processed, reply }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn retry_start_checks_the_task_before_sending_the_start_again() {
    // Not processed (503): the task shows no run, so the start is sent again.
    let cpts = FakeCpts::start(vec![fails(false, Reply::json(503, BUSY)), ok(true)]).await;
    let (code, stdout, stderr) =
        tokio::task::block_in_place(|| cpts.perftest(&["start", "--task-id", "7", "--retry-start", "-o", "json"]));
    assert_eq!(code, 0, "{stderr}");
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["task_run_id"], RUN_ID);
    // resolve, look before starting, start (503), look again, start.
    assert_eq!(cpts.sequence(), ["show_task", "show_task", "start", "show_task", "start"]);
    assert!(stderr.contains("no new run is waiting or running, so the start is sent again (2/3)"), "{stderr}");

    // Processed, then the connection dropped: the task shows the run, so the start is NOT sent again
    // and the run is taken as started.
    for reply in [Reply::Drop, Reply::json(504, BUSY)] {
        let cpts = FakeCpts::start(vec![fails(true, reply), ok(true)]).await;
        let (code, stdout, stderr) =
            tokio::task::block_in_place(|| cpts.perftest(&["start", "--task-id", "7", "--retry-start", "-o", "json"]));
        assert_eq!(code, 0, "{stderr}");
        assert_eq!(serde_json::from_str::<serde_json::Value>(&stdout).unwrap()["task_run_id"], RUN_ID);
        assert_eq!(cpts.sequence(), ["show_task", "show_task", "start", "show_task"], "{stderr}");
        assert!(stderr.contains(&format!("but CPTS shows run {RUN_ID} running: not starting again")), "{stderr}");
    }

    // Every attempt fails without effect: three starts, each re-send preceded by a look, then exit 5.
    let cpts = FakeCpts::start(vec![fails(false, Reply::json(502, BUSY))]).await;
    let (code, _, stderr) =
        tokio::task::block_in_place(|| cpts.perftest(&["start", "--task-id", "7", "--retry-start"]));
    assert_eq!(code, 5, "{stderr}");
    assert_eq!(
        cpts.sequence(),
        ["show_task", "show_task", "start", "show_task", "start", "show_task", "start", "show_task"],
    );
    assert!(stderr.contains("CPTS returned 502") && stderr.contains("nothing was started"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn without_retry_start_a_dropped_start_is_sent_once_and_a_run_it_made_is_stopped() {
    // Not processed: one start, a look, exit 5 with the hint.
    let cpts = FakeCpts::start(vec![fails(false, Reply::Drop), ok(true)]).await;
    let (code, _, stderr) = tokio::task::block_in_place(|| cpts.perftest(&["start", "--task-id", "7"]));
    assert_eq!(code, 5, "{stderr}");
    assert_eq!(cpts.sequence(), ["show_task", "show_task", "start", "show_task"]);
    assert!(stderr.contains("nothing was started (--retry-start sends such a start again)"), "{stderr}");

    // Processed, then dropped: the run it made is stopped, never a second start.
    let cpts = FakeCpts::start(vec![fails(true, Reply::Drop), ok(true)]).await;
    let (code, _, stderr) = tokio::task::block_in_place(|| cpts.perftest(&["run", "--task-id", "7"]));
    assert_eq!(code, 5, "{stderr}");
    assert_eq!(cpts.sequence(), ["show_task", "show_task", "start", "show_task", "stop"]);
    assert!(stderr.contains(&format!("run {RUN_ID} had started nonetheless; it was stopped")), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn a_run_that_was_going_before_the_start_is_never_stopped() {
    // Someone else's run 44 is going; the start fails (503) without effect. The task shows a running
    // run, but not a new one: nothing is stopped.
    let cpts = FakeCpts::with_run(44, vec![fails(false, Reply::json(503, BUSY))]).await;
    let (code, _, stderr) = tokio::task::block_in_place(|| cpts.perftest(&["run", "--task-id", "7"]));
    assert_eq!(code, 5, "{stderr}");
    assert_eq!(cpts.sequence(), ["show_task", "show_task", "start", "show_task"]);
    assert!(stderr.contains("the task shows no new run, so nothing was started"), "{stderr}");
    // With --retry-start the start is sent again, and CPTS refuses it: still nothing stopped.
    let cpts = FakeCpts::with_run(44, vec![fails(false, Reply::json(503, BUSY)), ok(true)]).await;
    let (code, _, stderr) = tokio::task::block_in_place(|| cpts.perftest(&["run", "--task-id", "7", "--retry-start"]));
    assert_eq!(code, 5, "{stderr}");
    assert_eq!(cpts.sequence(), ["show_task", "show_task", "start", "show_task", "start"]);
    assert!(stderr.contains("SVCSTG.CPTS.4001006"), "{stderr}");
}

#[test]
fn retry_start_against_the_simulator_starts_exactly_one_run() {
    // `perftest run --retry-start` with the first start answered by `fault`: exits 0; the simulator
    // and the task it ran.
    let run_with = |fault: FaultKind| {
        let sim = Sim::start(600.0);
        let s = sim.seed_task("shop", "checkout", 60);
        sim.handle().add_fault(Fault::new(fault).on("update_task_status").times(1)).unwrap();
        let out = sim
            .perftest(["run", "--task-id", &s.task_id.to_string(), "--retry-start", "--poll-interval", "20ms"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let task = sim.handle().task(s.task_id).unwrap();
        (sim, task)
    };
    // 503 (not processed): sent again after a look; one run, which finishes.
    let (sim, task) = run_with(FaultKind::ServerError { status: 503 });
    assert_eq!((task.starts, task.runs.len(), task.run_status), (1, 1, Some(2)), "{task:?}");
    assert_eq!(sim.handle().request_count("update_task_status"), 2);

    // Truncated answer (processed): not sent again, the run is followed to its end.
    let (sim, task) = run_with(FaultKind::TruncatedBody);
    assert_eq!((task.starts, task.stops, task.runs.len(), task.run_status), (1, 0, 1, Some(2)), "{task:?}");
    assert_eq!(sim.handle().request_count("update_task_status"), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn resource_group_puts_start_and_stop_on_that_private_cluster() {
    let bodies = |cpts: &FakeCpts, want: &str| -> Vec<serde_json::Value> {
        let got = cpts.server.received();
        got.iter().filter(|r| kind(r) == want).map(|r| serde_json::from_slice(&r.body).unwrap()).collect()
    };
    let cpts = FakeCpts::start(vec![ok(true)]).await;
    let (code, _, stderr) =
        tokio::task::block_in_place(|| cpts.perftest(&["start", "--task-id", "7", "--resource-group", "42"]));
    assert_eq!(code, 0, "{stderr}");
    let (code, _, stderr) =
        tokio::task::block_in_place(|| cpts.perftest(&["stop", "--task-id", "7", "--resource-group", "42"]));
    assert_eq!(code, 0, "{stderr}");
    for op in ["start", "stop"] {
        let sent = bodies(&cpts, op);
        assert_eq!(sent.len(), 1, "{op}");
        assert_eq!(sent[0]["cluster_id"], 42, "{op}");
        assert_eq!(sent[0]["cluster_type"], "private-cluster", "{op}");
    }

    // Without it: the shared cluster.
    let cpts = FakeCpts::start(vec![ok(true)]).await;
    let (code, _, stderr) = tokio::task::block_in_place(|| cpts.perftest(&["start", "--task-id", "7"]));
    assert_eq!(code, 0, "{stderr}");
    let sent = bodies(&cpts, "start");
    assert_eq!(sent[0]["cluster_id"], 0);
    assert_eq!(sent[0]["cluster_type"], "shared-cluster-internet");
}
