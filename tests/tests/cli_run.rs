//! `perftest run` (and `report`, `status`, `start`) against the simulator: pass, threshold failure,
//! aborted run, timeout that stops the run, unknown task name.

mod cli_support;

use cli_support::{Scratch, Sim, junit_cases, run};
use perftest_sim::Profile;
use serde_json::Value;

/// Simulated seconds per real second: a 60 s case plus the 10 s queue take about 0.1 s.
const FAST: f64 = 600.0;


fn read_json(path: &std::path::Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn a_healthy_run_passes_its_thresholds_and_writes_json_and_junit() {
    let sim = Sim::start(FAST);
    let s = sim.seed_task("shop", "checkout", 60);
    let dir = Scratch::new("pass");
    let (json, junit) = (dir.path("result.json"), dir.path("junit.xml"));
    let mut cmd = sim.perftest(["run", "--project", "shop", "--task", "checkout"]);
    cmd.args([
        "--fail-on",
        "success_rate<99",
        "--fail-on",
        "avg_rt>500ms",
        "--timeout",
        "60s",
        "--poll-interval",
        "50ms",
    ]);
    cmd.arg("--json").arg(&json).arg("--junit").arg(&junit);
    let o = run(cmd);

    assert_eq!(o.code, 0);
    assert!(o.stdout.contains("PASSED: all 2 thresholds held"), "{}", o.stdout);
    assert!(o.stdout.contains("PASS  success_rate<99"), "{}", o.stdout);
    assert!(o.stderr.contains("finished"), "progress lines on a non-terminal stderr: {}", o.stderr);
    assert!(o.stderr.lines().any(|l| l.starts_with("[00:00:0")), "timestamped progress: {}", o.stderr);

    let snapshot = sim.handle().task(s.task_id).unwrap();
    assert_eq!(snapshot.starts, 1);
    assert_eq!(snapshot.run_status, Some(2), "the run finished");
    let v = read_json(&json);
    assert_eq!(v["schema"], "perftest.run/v1");
    assert_eq!(v["outcome"], "passed");
    assert_eq!(v["exit_code"], 0);
    assert_eq!(v["status"], "finished");
    assert_eq!(v["task"]["id"], s.task_id);
    assert_eq!(v["task"]["project_id"], s.project_id);
    assert_eq!(v["task_run_id"], snapshot.current_run_id.unwrap());
    assert!(v["metrics"]["success_rate"].as_f64().unwrap() >= 99.0);
    assert!(v["metrics"]["requests"].as_i64().unwrap() > 0);
    let t = v["thresholds"].as_array().unwrap();
    assert_eq!(t.len(), 2);
    assert!(t.iter().all(|t| t["passed"] == true));
    assert_eq!(t[1]["expression"], "avg_rt>500ms");
    assert_eq!(t[1]["limit"], 500);
    assert_eq!(t[1]["unit"], "ms");

    let cases = junit_cases(&junit);
    let names: Vec<&str> = cases.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names.len(), 3, "{names:?}");
    assert!(names.contains(&"success_rate<99") && names.contains(&"avg_rt>500ms"), "{names:?}");
    assert!(cases.iter().all(|(_, f)| f.is_none()), "{cases:?}");
}

#[test]
fn a_failed_threshold_exits_1_and_the_junit_file_names_each_threshold() {
    let sim = Sim::start(FAST);
    let s = sim.seed_task("shop", "checkout", 60);
    assert!(sim.handle().set_profile(s.task_id, Profile::Degraded));
    let dir = Scratch::new("thresholds");
    let junit = dir.path("junit.xml");
    let mut cmd = sim.perftest(["run", "--task-id", &s.task_id.to_string(), "--poll-interval", "50ms"]);
    cmd.args(["--fail-on", "success_rate<99", "--fail-on", "avg_rt > 500ms", "--fail-on", "max_users>1000"]);
    cmd.arg("--junit").arg(&junit);
    let o = run(cmd);

    assert_eq!(o.code, 1);
    assert!(o.stdout.contains("FAILED: 2 of 3 thresholds failed"), "{}", o.stdout);
    assert!(o.stdout.contains("FAIL  success_rate<99"), "{}", o.stdout);
    assert!(o.stdout.contains("PASS  max_users>1000"), "{}", o.stdout);

    let cases = junit_cases(&junit);
    assert_eq!(cases.len(), 4, "the run and three thresholds: {cases:?}");
    let find =
        |name: &str| cases.iter().find(|(n, _)| n == name).unwrap_or_else(|| panic!("no test case {name}: {cases:?}"));
    let (_, failure) = find("success_rate<99");
    let msg = failure.as_deref().expect("success_rate<99 failed");
    assert!(msg.starts_with("measured ") && msg.contains("% vs limit 99%"), "{msg}");
    let (_, failure) = find("avg_rt > 500ms");
    assert!(failure.as_deref().unwrap().contains("vs limit 500ms"));
    assert!(find("max_users>1000").1.is_none());
    let run_case = cases.iter().find(|(n, _)| n.starts_with("run ")).expect("a test case for the run");
    assert!(run_case.1.is_none(), "the run itself finished");
}

#[test]
fn an_aborted_run_exits_3() {
    let sim = Sim::start(FAST);
    let s = sim.seed_task("shop", "checkout", 60);
    assert!(sim.handle().set_profile(s.task_id, Profile::Abort { at_fraction: 0.5 }));
    let dir = Scratch::new("aborted");
    let (json, junit) = (dir.path("r.json"), dir.path("j.xml"));
    let mut cmd = sim.perftest([
        "run",
        "--task-id",
        &s.task_id.to_string(),
        "--poll-interval",
        "50ms",
        "--fail-on",
        "errors>1000000",
    ]);
    cmd.arg("--json").arg(&json).arg("--junit").arg(&junit);
    let o = run(cmd);

    assert_eq!(o.code, 3);
    assert!(o.stdout.contains("FAILED: the run ended abnormally (aborted)"), "{}", o.stdout);
    let v = read_json(&json);
    assert_eq!(
        (v["outcome"].as_str(), v["status"].as_str(), v["exit_code"].as_i64()),
        (Some("ended_abnormally"), Some("aborted"), Some(3))
    );
    let cases = junit_cases(&junit);
    let run_case = cases.iter().find(|(n, _)| n.starts_with("run ")).unwrap();
    assert!(run_case.1.as_deref().unwrap().contains("aborted"), "{cases:?}");
}

#[test]
fn a_timeout_stops_the_run_and_exits_4() {
    // Real time: the run would take more than a minute.
    let sim = Sim::start(1.0);
    let s = sim.seed_task("shop", "checkout", 60);
    let dir = Scratch::new("timeout");
    let json = dir.path("r.json");
    let mut cmd =
        sim.perftest(["run", "--task-id", &s.task_id.to_string(), "--timeout", "300ms", "--poll-interval", "100ms"]);
    cmd.arg("--json").arg(&json);
    let o = run(cmd);

    assert_eq!(o.code, 4);
    assert!(o.stderr.contains("timed out after 300ms: stopping the run"), "{}", o.stderr);
    assert!(o.stdout.contains("FAILED: timed out"), "{}", o.stdout);
    let task = sim.handle().task(s.task_id).unwrap();
    assert_eq!((task.starts, task.stops), (1, 1));
    assert_eq!(task.run_status, Some(5), "the simulator shows the run stopped: {task:?}");
    let v = read_json(&json);
    assert_eq!(v["outcome"], "timed_out");
    assert!(v["notes"][0].as_str().unwrap().contains("the run was stopped"), "{v}");
}

#[test]
fn keep_running_leaves_the_run_going_on_timeout() {
    let sim = Sim::start(1.0);
    let s = sim.seed_task("shop", "checkout", 60);
    let o = run(sim.perftest([
        "run",
        "--task-id",
        &s.task_id.to_string(),
        "--timeout",
        "200ms",
        "--poll-interval",
        "100ms",
        "--keep-running",
        "-q",
    ]));

    assert_eq!(o.code, 4);
    assert!(o.stdout.contains("left running (--keep-running)"), "{}", o.stdout);
    assert!(o.stderr.is_empty(), "--quiet: {}", o.stderr);
    let task = sim.handle().task(s.task_id).unwrap();
    assert_eq!(task.stops, 0);
    assert!(matches!(task.run_status, Some(9 | 0)), "still waiting or running: {task:?}");
}

#[test]
fn an_unknown_task_name_is_a_usage_error_naming_the_task() {
    let sim = Sim::start(FAST);
    sim.seed_task("shop", "checkout", 60);
    let o = run(sim.perftest(["run", "--project", "shop", "--task", "chekout", "--fail-on", "errors>0"]));

    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("no task named `chekout` in CPTS project `shop`"), "{}", o.stderr);
    assert!(o.stderr.contains("its tasks: checkout"), "{}", o.stderr);
    assert!(o.stdout.is_empty());

    let o = run(sim.perftest(["run", "--project", "warehouse", "--task", "checkout"]));
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("no CPTS project named `warehouse`; known: shop"), "{}", o.stderr);
}

#[test]
fn scripts_start_check_and_judge_a_run_step_by_step() {
    let sim = Sim::start(FAST);
    let s = sim.seed_task("shop", "checkout", 60);
    let id = s.task_id.to_string();

    let o = run(sim.perftest(["start", "--project", "shop", "--task", "checkout", "-o", "json"]));
    assert_eq!(o.code, 0);
    let started: Value = serde_json::from_str(&o.stdout).unwrap();
    let run_id = started["task_run_id"].as_i64().expect("a run id");

    let o = run(sim.perftest(["wait", "--task-id", &id, "--poll-interval", "50ms", "--timeout", "60s"]));
    assert_eq!(o.code, 0);
    assert!(o.stdout.contains(&format!("(run {run_id}): finished")), "{}", o.stdout);
    // Waiting on a run that is already over names it too.
    let o = run(sim.perftest(["wait", "--task-id", &id, "--timeout", "60s"]));
    assert_eq!(o.code, 0);
    assert!(o.stdout.contains(&format!("(run {run_id}): finished")), "{}", o.stdout);

    let o = run(sim.perftest(["status", "--task-id", &id, "-o", "json"]));
    assert_eq!(o.code, 0);
    let status: Value = serde_json::from_str(&o.stdout).unwrap();
    assert_eq!((status["status"].as_str(), status["task_run_id"].as_i64()), (Some("finished"), Some(run_id)));

    // The latest run from the history, judged again with other thresholds.
    let o = run(sim.perftest(["report", "--task-id", &id, "--fail-on", "requests<1", "-o", "json"]));
    assert_eq!(o.code, 0);
    let v: Value = serde_json::from_str(&o.stdout).unwrap();
    assert_eq!((v["task_run_id"].as_i64(), v["outcome"].as_str()), (Some(run_id), Some("passed")));
    let o = run(sim.perftest(["report", "--task-run-id", &run_id.to_string(), "--fail-on", "requests>1"]));
    assert_eq!(o.code, 1);
    assert!(o.stdout.contains("FAIL  requests>1"), "{}", o.stdout);

    let o = run(sim.perftest(["tasks", "list", "--project", "shop"]));
    assert_eq!(o.code, 0);
    assert!(o.stdout.contains("checkout") && o.stdout.contains(&run_id.to_string()), "{}", o.stdout);
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_the_run_and_exits_130() {
    use std::io::Read;
    use std::process::Command;

    let sim = Sim::start(1.0);
    let s = sim.seed_task("shop", "checkout", 60);
    // Once the run has started (the signal handlers are registered before the start request), interrupt.
    let (mut child, mut stderr, mut seen) =
        cli_support::spawn_run_until_started(&sim, s.task_id, &["--poll-interval", "100ms"]);
    let kill = Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(kill.success());
    let status = child.wait().unwrap();
    stderr.read_to_string(&mut seen).unwrap();
    let mut stdout = String::new();
    child.stdout.take().unwrap().read_to_string(&mut stdout).unwrap();
    eprintln!("--- stdout\n{stdout}--- stderr\n{seen}");

    assert_eq!(status.code(), Some(130));
    assert!(seen.contains("interrupted: stopping the run"), "{seen}");
    assert!(stdout.contains("INTERRUPTED"), "{stdout}");
    let task = sim.handle().task(s.task_id).unwrap();
    assert_eq!((task.stops, task.run_status), (1, Some(5)), "the run was stopped: {task:?}");
}
