//! The secret key and the security token never show: not in `Debug`/`Display` of any public type,
//! not in any error message, not in the `tracing` output of a whole workflow at TRACE level, not on
//! the CLI's standard error with `--verbose`.
//!
//! Also covered: credentials.rs (`Debug` of credentials, malformed credentials files), cli_errors.rs
//! (a wrong secret key in the CLI).

mod cli_support;

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use perftest_sdk::auth::{
    Credentials, CredentialsChain, SdkDate, SignableRequest, Signer, parse_authorization, sign, verify,
};
use perftest_sdk::{Client, ConfigError, Error, RetryPolicy, TaskStatus, types};
use perftest_sim::{Fault, FaultKind, ManualClock, SimConfig, Simulator};
use perftest_tests::seed::{Seeded, seed};
use progenitor_client::ClientInfo;

const AK: &str = "AKSECRETTEST00000001";
/// Distinctive, so that any leak — whole or as a long fragment — is found.
const SK: &str = "SKzq7Wv4Nc9Lr2Xt8Pb5Hm3Jd6Fs1Gk0Yw7Ue4Ri9";
const TOKEN: &str = "TOKENq8Zx3Vb6Nm1Lk4Jh7Gf0Ds9Ap2Ow5Ie8Ur3Ty6";
const WRONG_SK: &str = "SKwrong5Hd8Jf2Kg6Lh9Mj3Nk7Pl1Qm4Rn0Sp8Tq";
const PROJECT: &str = "5ec0000000000000000000000000cafe";

/// No secret, nor any 16-character piece of one, in `text`.
#[track_caller]
fn assert_clean(what: &str, text: &str) {
    for secret in [SK, TOKEN, WRONG_SK] {
        for start in 0..=secret.len() - 16 {
            let piece = &secret[start..start + 16];
            assert!(!text.contains(piece), "{what} shows a secret ({piece}): {text}");
        }
    }
}

/// `Debug` (plain and pretty) of a value.
#[track_caller]
fn assert_debug_clean(what: &str, value: &dyn std::fmt::Debug) {
    assert_clean(what, &format!("{value:?}"));
    assert_clean(what, &format!("{value:#?}"));
}

fn credentials() -> Credentials {
    Credentials::new(AK, SK).unwrap().with_security_token(TOKEN).with_project_id(PROJECT)
}

fn headers_with_token() -> Vec<(String, String)> {
    vec![
        ("Content-Type".to_owned(), "application/json".to_owned()),
        ("X-Project-Id".to_owned(), PROJECT.to_owned()),
        ("X-Security-Token".to_owned(), TOKEN.to_owned()),
    ]
}

#[test]
fn debug_and_display_of_public_types_never_show_secrets() {
    let creds = credentials();
    assert_debug_clean("Credentials", &creds);
    let signer = Signer::from(&creds);
    assert_debug_clean("Signer", &signer);
    assert_debug_clean("Signer::new", &Signer::new(AK, SK));

    let builder = Client::builder().credentials(creds.clone()).endpoint("http://127.0.0.1:9").user_agent_suffix("t/1");
    assert_debug_clean("ClientBuilder", &builder);
    let client = builder.build().unwrap();
    assert_debug_clean("Client", &client);
    assert_debug_clean("ClientState", client.inner());
    assert_debug_clean("RetryPolicy", client.inner().retry_policy());

    let headers = headers_with_token();
    let req = SignableRequest {
        method: "GET",
        host: "127.0.0.1:9",
        path: "/v1/p/tasks",
        query: &[],
        headers: &headers,
        body: b"",
    };
    assert_debug_clean("SignableRequest", &req);
    let date = SdkDate::from_system_time(SystemTime::now());
    let signed = signer.sign(&req, &date).unwrap();
    assert_debug_clean("Signed", &signed);
    assert_debug_clean("Authorized", &signer.authorize(&req, &date).unwrap());
    assert_debug_clean("Signed (sign)", &sign(&req, AK, SK, &date).unwrap());
    let auth = signed.authorization.clone().unwrap();
    assert_debug_clean("ParsedAuthorization", &parse_authorization(&auth).unwrap());
    let received = SignableRequest { headers: &signed.headers, ..req };
    assert_debug_clean("VerifiedAuthorization", &verify(&received, SK).unwrap());
    let mismatch = verify(&received, WRONG_SK).unwrap_err();
    assert_debug_clean("SignError", &mismatch);
    assert_clean("SignError", &mismatch.to_string());

    let sim = SimConfig::with_credentials(AK, SK, PROJECT);
    assert_debug_clean("SimConfig", &sim);
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let running = Simulator::start(sim, "127.0.0.1:0".parse().unwrap()).await.unwrap();
        assert_debug_clean("RunningSim", &running);
        assert_debug_clean("SimHandle", running.handle());
        running.shutdown().await;
    });
}

/// A temporary directory, removed on drop.
struct TempDir(std::path::PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("perftest-secrets-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }
    fn write(&self, name: &str, content: &str) -> std::path::PathBuf {
        let p = self.0.join(name);
        std::fs::write(&p, content).unwrap();
        p
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn chain_error(file: &Path) -> ConfigError {
    let env = std::collections::HashMap::from([(
        "HUAWEICLOUD_SDK_CREDENTIALS_FILE".to_owned(),
        file.to_string_lossy().into_owned(),
    )]);
    ConfigError::from(CredentialsChain::new().resolve_with(&env).unwrap_err())
}

#[test]
fn configuration_errors_never_show_secrets() {
    let dir = TempDir::new("config");
    // Every way a credentials file can be wrong, with the secrets on or near the offending line.
    for (name, content) in [
        ("no separator", format!("[basiccredentials]\nak = {AK}\nsk {SK}\n")),
        ("secret as a line", format!("[basiccredentials]\nak = {AK}\n{SK}\n")),
        ("token without separator", format!("[basiccredentials]\nak = {AK}\nsk = {SK}\nsecurity_token {TOKEN}\n")),
        ("open section header", format!("[basiccredentials\nak = {AK}\nsk = {SK}\n")),
        ("secret in a section header", format!("[{SK}\n")),
        ("missing ak", format!("[basiccredentials]\nsk = {SK}\nsecurity_token = {TOKEN}\n")),
        ("missing sk", format!("[basiccredentials]\nak = {AK}\nsecurity_token = {TOKEN}\n")),
        ("empty section name", format!("[]\nsk = {SK}\n")),
    ] {
        let err = chain_error(&dir.write("credentials", &content));
        assert_clean(name, &err.to_string());
        assert_debug_clean(name, &err);
    }
    // Secrets written into an endpoint URL (user info is refused, and not echoed).
    for endpoint in [format!("https://{AK}:{SK}@cpts.example.com"), format!("ftp://{AK}:{SK}@x/v1")] {
        let err = Client::builder().credentials(credentials()).endpoint(&endpoint).build().unwrap_err();
        assert!(err.to_string().contains("***@"), "{err}");
        assert_clean("endpoint with user info", &err.to_string());
        assert_debug_clean("endpoint with user info", &err);
    }
    // Half-set environment, empty keys.
    let env = std::collections::HashMap::from([("HUAWEICLOUD_SDK_SK", SK), ("HUAWEICLOUD_SDK_SECURITY_TOKEN", TOKEN)]);
    let err = Credentials::from_env_with(&env).unwrap_err();
    assert_clean("half-set environment", &format!("{err} {err:?}"));
    let err = Credentials::new("", SK).unwrap_err();
    assert_clean("empty access key", &format!("{err} {err:?}"));
}

/// A fresh current-thread runtime running a simulator for `AK`/`SK` (so that every task, the
/// simulator's included, logs on this thread).
fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
}

fn sim_config(clock: Arc<ManualClock>) -> SimConfig {
    SimConfig { clock, time_scale: 60.0, ..SimConfig::with_credentials(AK, SK, PROJECT) }
}

fn sdk_client(endpoint: &str, sk: &str) -> Client {
    Client::builder()
        .credentials(Credentials::new(AK, sk).unwrap().with_security_token(TOKEN))
        .project_id(PROJECT)
        .endpoint(endpoint)
        .retry_policy(RetryPolicy::default().initial_backoff(Duration::from_millis(1)))
        .build()
        .unwrap()
}

#[test]
fn service_errors_never_show_secrets() {
    runtime().block_on(async {
        let sim = Simulator::start(sim_config(Arc::new(ManualClock::starting_now())), "127.0.0.1:0".parse().unwrap())
            .await
            .unwrap();
        // A wrong secret key: 401 from the gateway.
        let err =
            sdk_client(&sim.endpoint(), WRONG_SK).show_task().task_id(1).send().await.map_err(Error::from).unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(401), "{err}");
        assert_clean("401", &err.to_string());
        assert_debug_clean("401", &err);
        let svc = err.as_service().unwrap();
        assert_clean("401 body", &String::from_utf8_lossy(svc.body()));
        // A 404 and a transport error with the right key.
        let good = sdk_client(&sim.endpoint(), SK);
        let err = good.show_task().task_id(424242).send().await.map_err(Error::from).unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(404), "{err}");
        assert_debug_clean("404", &err);
        let endpoint = sim.endpoint();
        sim.shutdown().await;
        let err = sdk_client(&endpoint, SK).show_task().task_id(1).send().await.map_err(Error::from).unwrap_err();
        assert!(matches!(err, Error::Transport(_)), "{err:?}");
        assert_clean("transport", &err.to_string());
        assert_debug_clean("transport", &err);
    });
}

/// Everything written to it, shared.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_whole_workflow_at_trace_level_logs_no_secret() {
    let capture = Capture::default();
    let sink = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::FULL)
        .with_ansi(false)
        .with_writer(move || sink.clone())
        .finish();
    tracing::subscriber::with_default(subscriber, || runtime().block_on(workflow()));

    let log = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    assert!(log.lines().count() > 50, "the capture is empty or nearly: {log}");
    for needle in [
        "cpts_call",
        "attempt",
        "create_project",
        "create_new_task",
        "update_task_status",
        "show_task",
        "show_merge_report_logs_outline",
        "retrying",
        "perftest-sim listening",
    ] {
        assert!(log.contains(needle), "no {needle:?} in the trace:\n{log}");
    }
    assert!(log.contains("TRACE") || log.contains("DEBUG"), "{log}");
    assert_clean("the TRACE log", &log);
}

/// Create, start, poll, report, stop against the simulator; a retried call and a rejected one too.
async fn workflow() {
    let clock = Arc::new(ManualClock::starting_now());
    let sim = Simulator::start(sim_config(clock.clone()), "127.0.0.1:0".parse().unwrap()).await.unwrap();
    let c = sdk_client(&sim.endpoint(), SK);
    let Seeded { project_id, task_id, .. } = seed(&c, "shop", "checkout", 600, 20).await;
    let status = types::UpdateTaskStatusRequestBody::shared;
    let run_id = c
        .update_task_status()
        .test_suite_id(project_id)
        .task_id(task_id)
        .body(status(TaskStatus::Start))
        .send()
        .await
        .unwrap()
        .into_inner()
        .result
        .and_then(|r| r.task_run_id)
        .unwrap();
    // A poll that is retried once.
    sim.handle().add_fault(Fault::new(FaultKind::ServerError { status: 503 }).on("show_task").times(1)).unwrap();
    c.show_task().task_id(task_id).send().await.unwrap();
    clock.advance(Duration::from_secs(5));
    let info = c.show_task().task_id(task_id).send().await.unwrap().into_inner().task_info.unwrap();
    assert_eq!(info.run_status, Some(perftest_sdk::RunStatus::Running));
    c.show_merge_report_logs_outline().task_run_id(run_id).send().await.unwrap();
    c.update_task_status()
        .test_suite_id(project_id)
        .task_id(task_id)
        .body(status(TaskStatus::Stop))
        .send()
        .await
        .unwrap();
    // A rejected call (wrong secret key).
    let wrong = sdk_client(&sim.endpoint(), WRONG_SK);
    assert!(wrong.show_task().task_id(task_id).send().await.is_err());
    sim.shutdown().await;
}

// ---------------------------------------------------------------------------------------------
// The CLI

#[test]
fn the_cli_with_verbose_shows_no_secret() {
    let sim = cli_support::Sim::start(600.0);
    let s = sim.seed_task("shop", "checkout", 60);
    let dir = TempDir::new("cli");
    let json = dir.0.join("r.json");
    // The simulator's own credentials (the token is signed along, not checked).
    let verbose = |args: &[&str], sk: &str| {
        let mut cmd = sim.perftest(["--verbose"]);
        cmd.env("HUAWEICLOUD_SDK_SK", sk).env("HUAWEICLOUD_SDK_SECURITY_TOKEN", TOKEN).args(args);
        let out = cmd.output().unwrap();
        (out.status.code(), cli_support::text(&out.stdout), cli_support::text(&out.stderr))
    };
    let id = s.task_id.to_string();
    let (code, stdout, stderr) = verbose(
        &["run", "--task-id", &id, "--poll-interval", "20ms", "--json", json.to_str().unwrap()],
        cli_support::SK,
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains("polled show_task") && stderr.contains("exit code 0"), "--verbose logs: {stderr}");
    let sim_sk = cli_support::SK;
    for text in [&stdout, &stderr, &std::fs::read_to_string(&json).unwrap()] {
        assert_clean("perftest run --verbose", text);
        assert!(!text.contains(sim_sk), "the secret key leaked: {text}");
    }
    // A rejected secret key, and a configuration error with a secret in the endpoint.
    let (code, stdout, stderr) = verbose(&["status", "--task-id", &id], WRONG_SK);
    assert_eq!(code, Some(6), "{stderr}");
    assert_clean("perftest status (401)", &format!("{stdout}{stderr}"));
    let mut cmd = cli_support::perftest_bare(["--verbose", "--endpoint", &format!("http://x:{SK}@127.0.0.1:9")]);
    cmd.env("HUAWEICLOUD_SDK_AK", AK).env("HUAWEICLOUD_SDK_SK", SK).env("HUAWEICLOUD_SDK_PROJECT_ID", PROJECT);
    let out = cmd.args(["status", "--task-id", "1"]).output().unwrap();
    let stderr = cli_support::text(&out.stderr);
    assert_eq!(out.status.code(), Some(7), "{stderr}");
    assert!(stderr.contains("user info is not allowed"), "{stderr}");
    assert_clean("perftest with user info in the endpoint", &stderr);
}

#[test]
fn perftest_sim_does_not_print_the_secret_key_it_checks_with() {
    let mut child = Command::new(cli_support::perftest_bin())
        .env_clear()
        .env("HUAWEICLOUD_SDK_AK", AK)
        .env("HUAWEICLOUD_SDK_SK", SK)
        .args(["--verbose", "sim", "--listen", "127.0.0.1:0"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
    assert!(first.starts_with("listening on http://127.0.0.1:"), "{first}");
    // Everything it says about its configuration, up to the last line about the credentials.
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut seen = String::new();
    while !seen.contains("access key") {
        let mut line = String::new();
        if stderr.read_line(&mut line).unwrap() == 0 {
            break;
        }
        seen.push_str(&line);
    }
    child.kill().unwrap();
    child.wait().unwrap();
    stderr.read_to_string(&mut seen).unwrap();
    assert!(seen.contains("perftest-sim listening") && seen.contains("access key AKSE…"), "{seen}");
    assert_clean("perftest sim", &format!("{first}{seen}"));
}
