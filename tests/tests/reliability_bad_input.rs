//! Bad input everywhere a user types: command-line arguments, threshold expressions, the credentials
//! file, the regions file, environment values and endpoint URLs. Each gives a message that names what
//! is wrong and how to fix it, nothing on standard output, and a documented exit code (2 for usage
//! errors, 7 for configuration errors).
//!
//! Also covered: cli_errors.rs (a duration without a unit, `--task` without `--project`, no task, a
//! bad unit and an unknown metric in a threshold, no credentials, AK without SK, no project id, no
//! endpoint, an unknown region, `perftest api` mistakes), credentials.rs (the same files read by the
//! SDK), threshold.rs unit tests (every threshold error and its caret).

mod cli_support;

use std::path::PathBuf;

use cli_support::{AK, PROJECT_ID, Sim, perftest_bare, text};

const USAGE: i32 = 2;
const CONFIG: i32 = 7;

/// A scratch directory used as `HOME` and for files, removed on drop.
struct Home(PathBuf);

impl Home {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("perftest-bad-input-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join(".huaweicloud")).unwrap();
        Self(dir)
    }
    fn write(&self, rel: &str, content: &str) -> String {
        let p = self.0.join(rel);
        std::fs::write(&p, content).unwrap();
        p.to_string_lossy().into_owned()
    }
    fn path(&self, rel: &str) -> String {
        self.0.join(rel).to_string_lossy().into_owned()
    }
}

impl Drop for Home {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs `perftest` with exactly `env` (and `HOME`), checks the exit code, that standard output is
/// empty and that standard error has every needle.
#[track_caller]
fn check(home: &Home, env: &[(&str, &str)], args: &[&str], code: i32, needles: &[&str]) {
    let mut cmd = perftest_bare(args);
    cmd.env("HOME", &home.0);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    let case = format!("env {env:?} args {args:?}");
    assert_eq!(out.status.code(), Some(code), "{case}\n{stderr}");
    assert!(stdout.is_empty(), "{case}: nothing on standard output: {stdout}");
    assert!(stderr.starts_with("error: "), "{case}: {stderr}");
    for needle in needles {
        assert!(stderr.contains(needle), "{case}: no {needle:?} in:\n{stderr}");
    }
}

/// Complete credentials in the environment.
const CREDS: [(&str, &str); 3] =
    [("HUAWEICLOUD_SDK_AK", AK), ("HUAWEICLOUD_SDK_SK", "sk"), ("HUAWEICLOUD_SDK_PROJECT_ID", PROJECT_ID)];

fn with_creds<'a>(extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    CREDS.iter().copied().chain(extra.iter().copied()).collect()
}

#[test]
fn command_line_arguments() {
    let home = Home::new("args");
    let cases: &[(&[&str], &[&str])] = &[
        (&["run", "--task-id", "abc"], &["invalid value 'abc' for '--task-id <ID>'", "invalid digit"]),
        (&["run", "--task-id", "99999999999"], &["'99999999999' for '--task-id <ID>'", "is not in"]),
        (
            &["run", "--task-id", "7", "--poll-interval", "0s"],
            &["'--poll-interval <DURATION>'", "must be more than zero"],
        ),
        (&["run", "--task-id", "7", "--timeout", "5 parsecs"], &["'--timeout <DURATION>'", "unknown unit"]),
        (
            &["run", "--task-id", "7", "-o", "yaml"],
            &["invalid value 'yaml' for '--output <OUTPUT>'", "possible values: table, json"],
        ),
        (&["run", "--task-id", "7", "--resource-group", "x"], &["'--resource-group <ID>'"]),
        (&["runn"], &["unrecognized subcommand 'runn'", "a similar subcommand exists: 'run'"]),
        (
            &["run", "--task-id", "7", "--fail_on", "x"],
            &["unexpected argument '--fail_on'", "a similar argument exists: '--fail-on'"],
        ),
        (
            &["run", "--task-id", "7", "--project", "p", "--task", "t"],
            &["'--task-id <ID>' cannot be used with '--task <NAME>'"],
        ),
        (&["report", "--fail-on", "errors>0"], &["name the run: --task-run-id ID"]),
        (
            &["api", "show_task", "--param", "task_id"],
            &["--param `task_id`: write NAME=VALUE", "task_id (path integer, required)"],
        ),
        (&["api", "create_project", "--body", "@/nonexistent/body.json"], &["--body @/nonexistent/body.json"]),
        (&["api", "create_project", "--body", "{\"name\":"], &["--body is not valid JSON"]),
        (&["sim", "--listen", "0.0.0.0:0"], &["is not a loopback address", "--allow-remote"]),
        (&["sim", "--listen", "localhost"], &["invalid value 'localhost' for '--listen <ADDR>'"]),
        (&["sim", "--time-scale", "0"], &["--time-scale 0: must be a positive number"]),
        (&["sim", "--fault", "{bad"], &["--fault {bad:", "key must be a string"]),
        (
            &["sim", "--fault", r#"{"kind":"server_error","status":404}"#],
            &["server_error status must be within 500..=599"],
        ),
        (&["sim", "--fault", r#"{"kind":"explode"}"#], &["unknown variant `explode`", "throttle"]),
        (&["sim", "--ak", "AK1"], &["an access key is given but no secret key: pass --sk"]),
    ];
    for (args, needles) in cases {
        check(&home, &[], args, USAGE, needles);
    }
}

#[test]
fn threshold_expressions_are_checked_before_anything_else() {
    let home = Home::new("thresholds");
    // No credentials, no endpoint: the expression is the first thing wrong, with a caret under it.
    let cases: &[(&str, &[&str])] = &[
        ("", &["the expression is empty", "METRIC OP VALUE[UNIT]"]),
        ("errors", &["expected an operator after `errors` (operators: < <= > >= == !=)"]),
        ("errors >", &["expected a number after `>`, found nothing"]),
        ("avg_rt=>3", &["use `==` for equality", "\n    avg_rt=>3\n          ^\n"]),
        ("success_rate<120", &["success_rate is a percentage between 0 and 100", "^^^"]),
        ("errors>5%", &["unknown unit `%` for errors: a count takes no unit"]),
        ("latency>3", &["unknown metric `latency`", "did you mean `avg_rt`", "known metrics"]),
        ("tps<abc", &["invalid threshold `tps<abc`: expected a number after `<`", "\n        ^^^\n"]),
    ];
    for (expr, needles) in cases {
        check(&home, &[], &["run", "--task-id", "7", "--fail-on", "tps>0", "--fail-on", expr], USAGE, needles);
    }
}

#[test]
fn credentials_files() {
    let home = Home::new("creds");
    let ep = ["status", "--task-id", "7", "--endpoint", "http://127.0.0.1:9"];
    let malformed = home.write("malformed", "[basiccredentials]\nak = AK1\nsk SK1\n");
    check(
        &home,
        &[("HUAWEICLOUD_SDK_CREDENTIALS_FILE", &malformed)],
        &ep,
        CONFIG,
        &[&format!("{malformed}:3:"), "expected `key = value`, a `[section]` header or a `#`/`;` comment"],
    );
    let open = home.write("open", "[basiccredentials\nak = AK1\nsk = SK1\n");
    check(
        &home,
        &[("HUAWEICLOUD_SDK_CREDENTIALS_FILE", &open)],
        &ep,
        CONFIG,
        &[&format!("{open}:1:"), "missing its closing `]`"],
    );
    let no_sk = home.write("no-sk", "[basiccredentials]\nak = AK1\nproject_id = p\n");
    check(
        &home,
        &[("HUAWEICLOUD_SDK_CREDENTIALS_FILE", &no_sk)],
        &ep,
        CONFIG,
        &[&no_sk, "section [basiccredentials] has no `sk` (both `ak` and `sk` are required)"],
    );
    let missing = home.path("nope");
    check(
        &home,
        &[("HUAWEICLOUD_SDK_CREDENTIALS_FILE", &missing)],
        &ep,
        CONFIG,
        &[&format!("credentials file {missing} named by HUAWEICLOUD_SDK_CREDENTIALS_FILE does not exist")],
    );
    let other_section = home.write("other", "[global]\nak = AK1\nsk = SK1\n");
    check(
        &home,
        &[("HUAWEICLOUD_SDK_CREDENTIALS_FILE", &other_section)],
        &ep,
        CONFIG,
        &["no [basiccredentials] or [basic] section", "HUAWEICLOUD_SDK_AK"],
    );
    // The default location, ~/.huaweicloud/credentials.
    home.write(".huaweicloud/credentials", "[basiccredentials]\nak = AK1\n= SK1\n");
    check(&home, &[], &ep, CONFIG, &[".huaweicloud/credentials:3:"]);
}

#[test]
fn regions_files_and_region_variables() {
    let home = Home::new("regions");
    let region = ["status", "--task-id", "7", "--region", "cn-north-4"];
    let file = |name: &str, content: &str| home.write(name, content);
    let cases: Vec<(String, Vec<String>)> = vec![
        (
            file("bad.yaml", "CPTS:\n  - id: cn-north-4\n    endpoint: [unclosed\n"),
            vec!["bad.yaml: did not find expected".into()],
        ),
        (
            file("ftp.yaml", "CPTS:\n  - id: cn-north-4\n    endpoint: ftp://cpts.example.com\n"),
            vec![
                "invalid endpoint \"ftp://cpts.example.com\" from regions file".into(),
                "ftp.yaml (CPTS region cn-north-4): scheme must be http or https".into(),
                "write it as https://HOST[:PORT]".into(),
            ],
        ),
        (
            file("bare.yaml", "CPTS:\n  - id: cn-north-4\n"),
            vec!["bare.yaml: CPTS region cn-north-4 has no `endpoint` or `endpoints`".into()],
        ),
        (
            file("scalar.yaml", "CPTS: 5\n"),
            vec!["scalar.yaml: CPTS must be a list of {id, endpoint | endpoints}".into()],
        ),
        (file("list.yaml", "- a\n- b\n"), vec!["list.yaml: expected a mapping of services".into()]),
        (home.path("missing.yaml"), vec!["missing.yaml named by HUAWEICLOUD_SDK_REGIONS_FILE does not exist".into()]),
    ];
    for (path, needles) in &cases {
        let needles: Vec<&str> = needles.iter().map(String::as_str).collect();
        check(&home, &with_creds(&[("HUAWEICLOUD_SDK_REGIONS_FILE", path)]), &region, CONFIG, &needles);
    }
    // The default location, ~/.huaweicloud/regions.yaml.
    home.write(".huaweicloud/regions.yaml", "CPTS:\n  - id: cn-north-4\n    endpoint: https://cpts.example.com/v1\n");
    check(
        &home,
        &with_creds(&[]),
        &region,
        CONFIG,
        &[".huaweicloud/regions.yaml (CPTS region cn-north-4): a path is not allowed"],
    );
    // The per-region variable.
    let env = with_creds(&[("HUAWEICLOUD_SDK_REGION_CPTS_CN_NORTH_4", "cpts.example.com, ftp://backup")]);
    check(
        &home,
        &env,
        &region,
        CONFIG,
        &["invalid endpoint \"ftp://backup\" from environment variable HUAWEICLOUD_SDK_REGION_CPTS_CN_NORTH_4"],
    );
    check(
        &home,
        &with_creds(&[("PERFTEST_REGION", "mars-west-1")]),
        &["status", "--task-id", "7"],
        CONFIG,
        &["unknown CPTS region \"mars-west-1\"; supported regions: cn-north-1", "HUAWEICLOUD_SDK_REGION_CPTS_<ID>"],
    );
}

#[test]
fn environment_values() {
    let home = Home::new("env");
    let ep = ["status", "--task-id", "7", "--endpoint", "http://127.0.0.1:9"];
    for ak in ["", "   "] {
        check(
            &home,
            &[("HUAWEICLOUD_SDK_AK", ak), ("HUAWEICLOUD_SDK_SK", "sk")],
            &ep,
            CONFIG,
            &[
                "environment variable HUAWEICLOUD_SDK_AK is empty (while HUAWEICLOUD_SDK_SK is set)",
                "set it, or unset both to use the credentials file",
            ],
        );
    }
    check(
        &home,
        &[("HUAWEICLOUD_SDK_SK", "sk")],
        &ep,
        CONFIG,
        &["HUAWEICLOUD_SDK_SK is set but HUAWEICLOUD_SDK_AK is not: set both"],
    );
    check(
        &home,
        &[("HUAWEICLOUD_SDK_AK", AK), ("HUAWEICLOUD_SDK_SK", "sk"), ("HUAWEICLOUD_SDK_PROJECT_ID", " ")],
        &ep,
        CONFIG,
        &["no IAM project id: set HUAWEICLOUD_SDK_PROJECT_ID"],
    );
    // Empty PERFTEST_ENDPOINT / PERFTEST_REGION count as unset.
    let env = with_creds(&[("PERFTEST_ENDPOINT", ""), ("PERFTEST_REGION", " ")]);
    check(&home, &env, &["status", "--task-id", "7"], CONFIG, &["no CPTS endpoint: pass --region REGION"]);
    let sim = Sim::start(600.0);
    let s = sim.seed_task("shop", "checkout", 60);
    let mut cmd = sim.perftest(["status", "--task-id", &s.task_id.to_string()]);
    let out = cmd.env("PERFTEST_REGION", "").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("checkout"), "{}", text(&out.stdout));
}

#[test]
fn endpoint_urls() {
    let home = Home::new("endpoints");
    let cases = [
        ("ftp://cpts.example.com", "scheme must be http or https"),
        ("http://", "empty host"),
        ("https://cpts.example.com/v1", "a path is not allowed"),
        ("https://cpts.example.com?region=x", "a query or fragment is not allowed"),
        ("https://user:pw@cpts.example.com", "user info is not allowed"),
        ("https://cpts.example.com:99999", "invalid port number"),
        ("http://[::1", "invalid IPv6 address"),
    ];
    for (endpoint, reason) in cases {
        let shown = endpoint.replace("user:pw@", "***@");
        let needles = [
            format!("invalid endpoint \"{shown}\" from --endpoint or PERFTEST_ENDPOINT: {reason}"),
            "write it as https://HOST[:PORT]".to_owned(),
        ];
        let needles: Vec<&str> = needles.iter().map(String::as_str).collect();
        check(&home, &with_creds(&[]), &["status", "--task-id", "7", "--endpoint", endpoint], CONFIG, &needles);
        check(&home, &with_creds(&[("PERFTEST_ENDPOINT", endpoint)]), &["status", "--task-id", "7"], CONFIG, &needles);
    }
}
