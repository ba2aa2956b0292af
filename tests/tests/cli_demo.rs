//! `perftest demo` (the README's first command) and `perftest sim`.

mod cli_support;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use cli_support::{perftest_bare, perftest_bin, text};

#[test]
fn the_demo_runs_the_whole_workflow_and_exits_0_with_a_summary() {
    let out = perftest_bare(["demo"]).output().unwrap();
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    eprintln!("--- stdout\n{stdout}--- stderr\n{stderr}");
    assert_eq!(out.status.code(), Some(0));
    for needle in [
        "created project `perftest-demo`",
        "created tasks `checkout-load`",
        "PASS  success_rate<99",
        "FAIL  avg_rt>500ms",
        "Summary",
        "healthy run",
        "PASSED: all 3 thresholds held  -> perftest run exits 0",
        "perftest run exits 1",
        "were deleted again",
        "HTML report of the healthy run:  ",
        "HTML report of the degraded run: ",
        "demo passed",
    ] {
        assert!(stdout.contains(needle), "missing {needle:?}");
    }
    assert!(stderr.contains("finished"), "progress while waiting: {stderr}");
}

/// Kills the simulator process this test started, even when an assertion fails.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn sim_prints_its_address_first_and_serves_the_cli() {
    let mut child = Command::new(perftest_bin())
        .args(["sim", "--listen", "127.0.0.1:0", "--time-scale", "600"])
        .env_clear()
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map(Child)
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.0.stdout.take().unwrap()).read_line(&mut first).unwrap();
    let endpoint =
        first.trim().strip_prefix("listening on ").unwrap_or_else(|| panic!("first line: {first:?}")).to_owned();
    assert!(endpoint.starts_with("http://127.0.0.1:"), "{endpoint}");

    // The default fake credentials of the simulator.
    let env = [
        ("HUAWEICLOUD_SDK_AK", perftest_sim::DEFAULT_ACCESS_KEY),
        ("HUAWEICLOUD_SDK_SK", perftest_sim::DEFAULT_SECRET_KEY),
        ("HUAWEICLOUD_SDK_PROJECT_ID", perftest_sim::DEFAULT_PROJECT_ID),
        ("PERFTEST_ENDPOINT", endpoint.as_str()),
    ];
    let mut cmd = perftest_bare(["api", "create_project", "--body", r#"{"name":"from-the-cli"}"#]);
    cmd.envs(env);
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));

    let mut cmd = perftest_bare(["projects", "list"]);
    cmd.envs(env);
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("from-the-cli"), "{}", text(&out.stdout));

    let out = perftest_bare(["sim", "--listen", "0.0.0.0:0"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--allow-remote"));
}
