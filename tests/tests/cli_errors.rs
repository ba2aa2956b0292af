//! Exit codes and messages for what goes wrong before or around a run: bad credentials, a bad
//! threshold expression, missing configuration, `perftest api`, help.

mod cli_support;

use cli_support::{AK, PROJECT_ID, Sim, perftest_bare, run};


#[test]
fn bad_credentials_exit_6_without_printing_the_secret() {
    let sim = Sim::start(600.0);
    let s = sim.seed_task("shop", "checkout", 60);
    let wrong = "SKWRONG000000000000000000000000000000099";
    let mut cmd = sim.perftest(["run", "--task-id", &s.task_id.to_string(), "--fail-on", "errors>0"]);
    cmd.env("HUAWEICLOUD_SDK_SK", wrong);
    let o = run(cmd);

    assert_eq!(o.code, 6);
    assert!(o.stderr.contains("401") && o.stderr.contains("APIGW.0301"), "{}", o.stderr);
    assert!(o.stderr.contains("hint: check HUAWEICLOUD_SDK_AK / HUAWEICLOUD_SDK_SK"), "{}", o.stderr);
    assert!(!o.stderr.contains(wrong) && !o.stdout.contains(wrong), "the secret key leaked");
    assert_eq!(sim.handle().task(s.task_id).unwrap().starts, 0, "nothing was started");

    // A wrong IAM project id is refused by the gateway too (403).
    let mut cmd = sim.perftest(["status", "--task-id", &s.task_id.to_string()]);
    cmd.env("HUAWEICLOUD_SDK_PROJECT_ID", "0000000000000000000000000000beef");
    let o = run(cmd);
    assert_eq!(o.code, 6);
    assert!(o.stderr.contains("403"), "{}", o.stderr);
}

#[test]
fn a_bad_threshold_expression_exits_2_with_a_caret_under_the_bad_part() {
    // Checked before anything else: no configuration is needed to see the mistake.
    let o = run(perftest_bare(["run", "--task-id", "7", "--fail-on", "success_rate<99.5", "--fail-on", "tp90>1x"]));

    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("invalid threshold `tp90>1x`: unknown unit `x` for tp90"), "{}", o.stderr);
    assert!(o.stderr.contains("\n    tp90>1x\n          ^\n"), "caret under the unit: {}", o.stderr);
    assert!(
        o.stderr.contains("known metrics") && o.stderr.contains("success_rate") && o.stderr.contains("tp90"),
        "{}",
        o.stderr
    );

    let o = run(perftest_bare(["report", "--task-run-id", "1", "--fail-on", "p99>1s"]));
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("unknown metric `p99`") && o.stderr.contains("\n    p99>1s\n    ^^^\n"), "{}", o.stderr);
}

#[test]
fn missing_configuration_exits_7_and_says_what_to_set() {
    let o = run(perftest_bare(["run", "--task-id", "7", "--endpoint", "http://127.0.0.1:9"]));
    assert_eq!(o.code, 7);
    assert!(o.stderr.contains("set HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK"), "{}", o.stderr);

    let mut cmd = perftest_bare(["status", "--task-id", "7", "--endpoint", "http://127.0.0.1:9"]);
    cmd.env("HUAWEICLOUD_SDK_AK", AK);
    let o = run(cmd);
    assert_eq!(o.code, 7);
    assert!(o.stderr.contains("HUAWEICLOUD_SDK_AK is set but HUAWEICLOUD_SDK_SK is not"), "{}", o.stderr);

    let mut cmd = perftest_bare(["status", "--task-id", "7", "--endpoint", "http://127.0.0.1:9"]);
    cmd.env("HUAWEICLOUD_SDK_AK", AK).env("HUAWEICLOUD_SDK_SK", "sk");
    let o = run(cmd);
    assert_eq!(o.code, 7);
    assert!(o.stderr.contains("no IAM project id: set HUAWEICLOUD_SDK_PROJECT_ID"), "{}", o.stderr);
    assert!(o.stderr.contains("--project-id"), "{}", o.stderr);

    let mut cmd = perftest_bare(["status", "--task-id", "7"]);
    cmd.env("HUAWEICLOUD_SDK_AK", AK).env("HUAWEICLOUD_SDK_SK", "sk").env("HUAWEICLOUD_SDK_PROJECT_ID", PROJECT_ID);
    let o = run(cmd);
    assert_eq!(o.code, 7);
    assert!(o.stderr.contains("no CPTS endpoint: pass --region"), "{}", o.stderr);

    let mut cmd = perftest_bare(["status", "--task-id", "7", "--region", "xx-nowhere-1"]);
    cmd.env("HUAWEICLOUD_SDK_AK", AK).env("HUAWEICLOUD_SDK_SK", "sk").env("HUAWEICLOUD_SDK_PROJECT_ID", PROJECT_ID);
    let o = run(cmd);
    assert_eq!(o.code, 7);
    assert!(o.stderr.contains("xx-nowhere-1"), "{}", o.stderr);
}

#[test]
fn an_unreachable_endpoint_is_an_api_error() {
    let mut cmd = perftest_bare(["status", "--task-id", "7", "--endpoint", "http://127.0.0.1:9"]);
    cmd.env("HUAWEICLOUD_SDK_AK", AK).env("HUAWEICLOUD_SDK_SK", "sk").env("HUAWEICLOUD_SDK_PROJECT_ID", PROJECT_ID);
    let o = run(cmd);
    assert_eq!(o.code, 5);
    assert!(o.stderr.starts_with("error: reading task 7: transport error"), "{}", o.stderr);
}

#[test]
fn bad_arguments_exit_2() {
    let o = run(perftest_bare(["run", "--task-id", "7", "--timeout", "30"]));
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("add a unit"), "{}", o.stderr);
    let o = run(perftest_bare(["run", "--task", "checkout"]));
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("--project"), "{}", o.stderr);
    let o = run(perftest_bare(["run", "--fail-on", "errors>0"]));
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("name the task: --task-id ID, or --project NAME_OR_ID --task NAME"), "{}", o.stderr);
    // Without waiting there is no result to judge or write: refused, not silently ignored.
    for extra in [["--fail-on", "errors>0"], ["--junit", "junit.xml"], ["--html", "report.html"]] {
        let o = run(perftest_bare(["run", "--task-id", "7", "--no-wait", extra[0], extra[1]]));
        assert_eq!(o.code, 2, "{extra:?}");
        assert!(o.stderr.contains("cannot be used with"), "{}", o.stderr);
    }
}

#[test]
fn api_reaches_any_operation_with_json_arguments() {
    let o = run(perftest_bare(["api", "--list"]));
    assert_eq!(o.code, 0);
    assert_eq!(o.stdout.lines().count(), 46);
    assert!(o.stdout.lines().any(|l| l.starts_with("update_task_status") && l.contains("POST")), "{}", o.stdout);

    let sim = Sim::start(600.0);
    let s = sim.seed_task("shop", "checkout", 60);
    let o = run(sim.perftest(["api", "show_task", "--param", &format!("task_id={}", s.task_id)]));
    assert_eq!(o.code, 0);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    assert_eq!(v["taskInfo"]["name"], "checkout");

    let o = run(sim.perftest(["api", "create_project", "--body", r#"{"name":"second"}"#]));
    assert_eq!(o.code, 0);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    assert!(v["project_id"].as_i64().is_some(), "{v}");

    // The service's own errors keep their code and exit 5.
    let o = run(sim.perftest(["api", "show_task", "--param", "task_id=424242"]));
    assert_eq!(o.code, 5);
    assert!(o.stderr.contains("404") && o.stderr.contains("task_id"), "{}", o.stderr);

    let o = run(perftest_bare(["api", "show_task"]));
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("show_task needs --param for task_id"), "{}", o.stderr);
    let o = run(perftest_bare(["api", "show_tasks"]));
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("unknown operation `show_tasks`") && o.stderr.contains("show_task"), "{}", o.stderr);
}

#[test]
fn help_documents_the_exit_codes() {
    let o = run(perftest_bare(["--help"]));
    assert_eq!(o.code, 0);
    for needle in [
        "Exit codes:",
        "1    thresholds failed",
        "4    timed out",
        "6    authentication error",
        "130  interrupted",
        "HUAWEICLOUD_SDK_AK",
    ] {
        assert!(o.stdout.contains(needle), "{needle}: {}", o.stdout);
    }
    let o = run(perftest_bare(["run", "--help"]));
    assert_eq!(o.code, 0);
    assert!(
        o.stdout.contains("--fail-on <EXPR>") && o.stdout.contains("known metrics") && o.stdout.contains("Exit codes:"),
        "{}",
        o.stdout
    );
}
