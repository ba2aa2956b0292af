//! Load: 200 concurrent start / status / stop sequences and more than 10,000 requests through one SDK
//! client against the in-process simulator (with a manual clock). Nothing is lost or duplicated (the
//! client's count of successful calls equals the simulator's count of requests, per operation), the
//! final state is consistent (every task started once, stopped once, one run each), and no file
//! descriptor is left behind once the client is dropped.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use perftest_sdk::auth::Credentials;
use perftest_sdk::{Client, RunStatus, TaskStatus, types};
use perftest_sim::{ManualClock, SimConfig, Simulator};
use perftest_tests::seed::{seed_case, seed_task};
use tokio::sync::Barrier;

const AK: &str = "AKLOAD00000000000001";
const SK: &str = "SKLOAD0000000000000000000000000000000001";
const PROJECT: &str = "10ad0000000000000000000000000001";
const TASKS: usize = 200;
/// Status polls per sequence, half while waiting and half while running.
const POLLS: usize = 48;
/// File descriptors the runtime or the allocator may keep after the run.
const FD_SLACK: usize = 4;

fn fd_count() -> usize {
    std::fs::read_dir("/proc/self/fd").expect("/proc/self/fd").count()
}

/// Waits (up to 10 s) until at most `limit` file descriptors are open; the last count.
async fn fds_settle(limit: usize) -> usize {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let n = fd_count();
        if n <= limit || Instant::now() >= deadline {
            return n;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Successful calls, per operation, as the client saw them.
#[derive(Default)]
struct Calls {
    show_task: AtomicU64,
    update_task_status: AtomicU64,
}

fn status_body(status: TaskStatus) -> types::builder::UpdateTaskStatusRequestBody {
    types::UpdateTaskStatusRequestBody::builder()
        .status(status)
        .cluster_id(0)
        .cluster_type(types::ClusterType::SharedClusterInternet)
        .without_package(0)
        .network_info(types::NetworkInfo { network_type: types::NetworkType::Internet })
}

/// The status and current run of a task.
async fn poll(c: &Client, calls: &Calls, task_id: i32) -> (Option<RunStatus>, Option<i32>) {
    let info = c.show_task().task_id(task_id).send().await.expect("show_task").into_inner().task_info.unwrap();
    calls.show_task.fetch_add(1, Ordering::Relaxed);
    let run = info.related_temp_running_data.as_ref().and_then(|d| d.iter().find_map(|r| r.task_run_info_id));
    (info.run_status, run)
}

/// Start, poll while waiting, meet the others, poll while running, stop, look once more.
async fn sequence(
    c: Arc<Client>,
    calls: Arc<Calls>,
    project_id: i32,
    task_id: i32,
    halfway: Arc<Barrier>,
    advanced: Arc<Barrier>,
) -> i32 {
    let run_id = c
        .update_task_status()
        .test_suite_id(project_id)
        .task_id(task_id)
        .body(status_body(TaskStatus::Start))
        .send()
        .await
        .expect("start")
        .into_inner()
        .result
        .and_then(|r| r.task_run_id)
        .expect("a task run id");
    calls.update_task_status.fetch_add(1, Ordering::Relaxed);
    for i in 0..POLLS {
        if i == POLLS / 2 {
            halfway.wait().await;
            advanced.wait().await;
        }
        let expected = if i < POLLS / 2 { RunStatus::Waiting } else { RunStatus::Running };
        assert_eq!(poll(&c, &calls, task_id).await, (Some(expected), Some(run_id)), "task {task_id}, poll {i}");
    }
    c.update_task_status()
        .test_suite_id(project_id)
        .task_id(task_id)
        .body(status_body(TaskStatus::Stop))
        .send()
        .await
        .expect("stop");
    calls.update_task_status.fetch_add(1, Ordering::Relaxed);
    assert_eq!(
        poll(&c, &calls, task_id).await,
        (Some(RunStatus::Stopped), Some(run_id)),
        "task {task_id} after the stop"
    );
    run_id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_concurrent_runs_through_one_client_lose_and_duplicate_nothing() {
    let started = Instant::now();
    let fds_at_start = fd_count();
    let clock = Arc::new(ManualClock::starting_now());
    let config = SimConfig { clock: clock.clone(), ..SimConfig::with_credentials(AK, SK, PROJECT) };
    let sim = Simulator::start(config, "127.0.0.1:0".parse().unwrap()).await.unwrap();
    let client = Client::builder()
        .credentials(Credentials::new(AK, SK).unwrap())
        .project_id(PROJECT)
        .endpoint(sim.endpoint())
        .build()
        .unwrap();
    let fds_before = fd_count();

    // One project, one case (an hour of load), 200 tasks.
    let (project_id, case_id) = seed_case(&client, "load", "an hour", 3600, 10).await;
    let client = Arc::new(client);
    let creates = (0..TASKS).map(|i| {
        let c = client.clone();
        tokio::spawn(async move {
            seed_task(&c, project_id, case_id, &format!("task-{i:03}")).await
        })
    });
    let mut task_ids = Vec::with_capacity(TASKS);
    for h in creates.collect::<Vec<_>>() {
        task_ids.push(h.await.unwrap());
    }

    // 200 sequences at once; the clock moves past the queue time once all of them are halfway.
    let calls = Arc::new(Calls::default());
    let halfway = Arc::new(Barrier::new(TASKS + 1));
    let advanced = Arc::new(Barrier::new(TASKS + 1));
    let handles: Vec<_> = task_ids
        .iter()
        .map(|&task_id| {
            let (c, calls, h, a) = (client.clone(), calls.clone(), halfway.clone(), advanced.clone());
            tokio::spawn(sequence(c, calls, project_id, task_id, h, a))
        })
        .collect();
    // (A sequence that fails before the barrier would leave it waiting: bound the wait.)
    let meet = |b: Arc<Barrier>| async move {
        tokio::time::timeout(Duration::from_secs(60), b.wait()).await.expect("a sequence failed before halfway")
    };
    meet(halfway).await;
    clock.advance(Duration::from_secs(60));
    meet(advanced).await;
    let mut run_ids = Vec::with_capacity(TASKS);
    for h in handles {
        run_ids.push(h.await.expect("a sequence failed"));
    }

    // Nothing lost, nothing duplicated: every successful call is one request the simulator counted.
    let h = sim.handle();
    let stats = h.stats();
    assert_eq!((stats.unmatched, stats.auth_rejected, stats.faulted), (0, 0, 0), "{stats:?}");
    assert_eq!(h.request_count("show_task"), calls.show_task.load(Ordering::Relaxed));
    assert_eq!(h.request_count("update_task_status"), calls.update_task_status.load(Ordering::Relaxed));
    assert_eq!(calls.update_task_status.load(Ordering::Relaxed), 2 * TASKS as u64);
    assert_eq!(h.request_count("create_new_task"), TASKS as u64);
    assert_eq!(
        h.request_count("create_project") + h.request_count("create_directory") + h.request_count("create_new_case"),
        3
    );
    let total: u64 = stats.by_operation.values().sum();
    assert!(total >= 10_000, "only {total} requests");
    assert_eq!(
        total,
        calls.show_task.load(Ordering::Relaxed) + calls.update_task_status.load(Ordering::Relaxed) + TASKS as u64 + 3
    );

    // A consistent final state: one run per task, started once, stopped once, and distinct runs.
    for (task_id, run_id) in task_ids.iter().zip(&run_ids) {
        let t = h.task(*task_id).unwrap();
        assert_eq!((t.starts, t.stops, t.runs.len()), (1, 1, 1), "task {task_id}");
        assert_eq!(
            (t.run_status, t.current_run_id),
            (Some(RunStatus::Stopped.code()), Some(*run_id)),
            "task {task_id}"
        );
    }
    let mut distinct = run_ids.clone();
    distinct.sort_unstable();
    distinct.dedup();
    assert_eq!(distinct.len(), TASKS);
    assert_eq!(h.state().runs, TASKS);

    // No descriptor left behind: drop the client (its idle connections close, and the simulator's
    // ends of them), then the simulator.
    drop(Arc::into_inner(client).expect("every sequence is done with the client"));
    let after = fds_settle(fds_before + FD_SLACK).await;
    assert!(after <= fds_before + FD_SLACK, "{after} descriptors open after the run, {fds_before} before it");
    sim.shutdown().await;
    let after = fds_settle(fds_at_start + FD_SLACK).await;
    assert!(after <= fds_at_start + FD_SLACK, "{after} descriptors open after shutdown, {fds_at_start} at the start");
    eprintln!("{total} requests, {TASKS} concurrent sequences in {:?}", started.elapsed());
}
