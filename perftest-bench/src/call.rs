//! `call_vs_raw_reqwest` and `python_sdk_vs_sdk`: one full SDK call (build, sign, send, receive,
//! decode) against raw reqwest sending the same pre-built bytes to the same loopback server, and
//! against the official Python SDK.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use perftest_sdk::auth::{Credentials, SdkDate, Signer, SigningTemplate};
use perftest_sdk::{Client, TaskStatus, types};

use crate::timing::{fmt, median, report};

pub const CONCURRENCY: usize = 32;
const AK: &str = "AKBENCH0000000000001";
const SK: &str = "SKBENCH";
const PROJECT: &str = "0123456789abcdef0123456789abcdef";
const USER_AGENT: &str = "huaweicloud-usdk-rust/3.0; perftest-sdk/0.1.0";

pub fn sdk_client(addr: SocketAddr) -> Client {
    Client::builder()
        .credentials(Credentials::new(AK, SK).expect("credentials"))
        .project_id(PROJECT)
        .endpoint(format!("http://{addr}"))
        .build()
        .expect("client")
}

pub async fn sdk_start(client: &Client) {
    let body = types::UpdateTaskStatusRequestBody::shared(TaskStatus::Start);
    let r = client.update_task_status().test_suite_id(1023504).task_id(1076579).body(body).send().await;
    let r = r.expect("start call");
    assert_eq!(r.result.as_ref().and_then(|x| x.task_run_id), Some(1031748));
}

/// The floor: the bytes the SDK would send, pre-built once, sent with the same reqwest client type.
pub struct Raw {
    client: reqwest::Client,
    request: reqwest::Request,
}

impl Raw {
    pub fn new(addr: SocketAddr) -> Self {
        let client = reqwest::Client::new();
        let body = r#"{"cluster_id":0,"cluster_type":"shared-cluster-internet","network_info":{"network_type":"internet"},"status":9,"without_package":0}"#;
        let request = client
            .post(format!("http://{addr}/v1/{PROJECT}/test-suites/1023504/tasks/1076579"))
            .header("Accept", "*/*")
            .header("Content-Type", "application/json")
            .header("User-Agent", USER_AGENT)
            .header("X-Project-Id", PROJECT)
            .header("X-Sdk-Date", "20250102T030405Z")
            .header("Host", addr.to_string())
            .header("Authorization", "SDK-HMAC-SHA256 Access=AKBENCH0000000000001, SignedHeaders=content-type;host;user-agent;x-project-id;x-sdk-date, Signature=0000000000000000000000000000000000000000000000000000000000000000")
            .body(body)
            .build()
            .expect("request");
        Self { client, request }
    }

    pub async fn call(&self) {
        let req = self.request.try_clone().expect("buffered body");
        let resp = self.client.execute(req).await.expect("raw call");
        assert!(resp.status().is_success());
        let _ = resp.bytes().await.expect("body");
    }
}

/// The least any client must do per call, and nothing more: format the URL, serialise the typed
/// body, sign (with the SDK's template), send through reqwest, decode the typed answer. The raw
/// floor leaves all of that out; the SDK adds its builder, retry loop and tracing on top of it.
pub struct Minimal {
    client: reqwest::Client,
    base: String,
    host: String,
    template: SigningTemplate,
}

impl Minimal {
    pub fn new(addr: SocketAddr) -> Self {
        let host = addr.to_string();
        let fixed = [("Content-Type", "application/json"), ("Host", host.as_str()), ("User-Agent", USER_AGENT), ("X-Project-Id", PROJECT)];
        let template = Signer::new(AK, SK).template(&fixed).expect("template");
        Self { client: reqwest::Client::new(), base: format!("http://{addr}"), host, template }
    }

    pub async fn call(&self) {
        let path = format!("/v1/{PROJECT}/test-suites/{}/tasks/{}", 1023504, 1076579);
        let body = serde_json::to_vec(&types::UpdateTaskStatusRequestBody::shared(TaskStatus::Start)).expect("body");
        let date = SdkDate::from_system_time(std::time::SystemTime::now());
        let auth = self.template.authorize("POST", &path, &[], &body, &date);
        let resp = self
            .client
            .post(format!("{}{path}", self.base))
            .header("Accept", "*/*")
            .header("Content-Type", "application/json")
            .header("User-Agent", USER_AGENT)
            .header("X-Project-Id", PROJECT)
            .header("X-Sdk-Date", date.as_str())
            .header("Host", &self.host)
            .header("Authorization", auth.authorization.unwrap_or_default())
            .body(body)
            .send()
            .await
            .expect("minimal call");
        assert!(resp.status().is_success());
        let bytes = resp.bytes().await.expect("body");
        let r: types::UpdateTaskStatusResponse = serde_json::from_slice(&bytes).expect("typed answer");
        assert_eq!(r.result.as_ref().and_then(|x| x.task_run_id), Some(1031748));
    }
}

/// Median per-call time of `calls` calls, sequential or with `CONCURRENCY` in flight.
async fn per_call<F, Fut>(calls: usize, concurrent: bool, f: Arc<F>) -> Duration
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send,
{
    let t = Instant::now();
    if concurrent {
        let mut tasks = Vec::new();
        for _ in 0..CONCURRENCY {
            let f = f.clone();
            let n = calls / CONCURRENCY;
            tasks.push(tokio::spawn(async move {
                for _ in 0..n {
                    f().await;
                }
            }));
        }
        for t in tasks {
            t.await.expect("task");
        }
        t.elapsed() / (calls / CONCURRENCY * CONCURRENCY) as u32
    } else {
        for _ in 0..calls {
            f().await;
        }
        t.elapsed() / calls as u32
    }
}

/// The client side's runtime: sequential calls run on a current-thread runtime (the calling thread
/// drives its own I/O: the steadiest floor), 32 in flight on a multi-thread runtime using every core.
fn client_runtime(concurrent: bool) -> tokio::runtime::Runtime {
    let mut b = if concurrent { tokio::runtime::Builder::new_multi_thread() } else { tokio::runtime::Builder::new_current_thread() };
    b.enable_all().build().expect("client runtime")
}

/// Median per-call times of one measurement, each side measured in alternating samples.
#[derive(Debug, Clone, Copy)]
pub struct Medians {
    pub sdk: Duration,
    pub minimal: Duration,
    pub raw: Duration,
}

/// Interleaved samples of SDK, minimal-client and raw calls; medians of each.
pub fn measure(addr: SocketAddr, samples: usize, calls: usize, concurrent: bool) -> Medians {
    client_runtime(concurrent).block_on(measure_on(addr, samples, calls, concurrent))
}

/// A subject as `per_call` takes it.
fn subject<T, F, Fut>(state: T, f: F) -> Arc<impl Fn() -> Fut + Send + Sync + 'static>
where
    T: Send + Sync + 'static,
    F: Fn(Arc<T>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send,
{
    let state = Arc::new(state);
    Arc::new(move || f(state.clone()))
}

async fn measure_on(addr: SocketAddr, samples: usize, calls: usize, concurrent: bool) -> Medians {
    let sdk = subject(sdk_client(addr), |c| async move { sdk_start(&c).await });
    let minimal = subject(Minimal::new(addr), |m| async move { m.call().await });
    let raw = subject(Raw::new(addr), |r| async move { r.call().await });
    per_call(calls, concurrent, sdk.clone()).await;
    per_call(calls, concurrent, minimal.clone()).await;
    per_call(calls, concurrent, raw.clone()).await;
    let (mut s, mut m, mut r) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..samples {
        s.push(per_call(calls, concurrent, sdk.clone()).await);
        m.push(per_call(calls, concurrent, minimal.clone()).await);
        r.push(per_call(calls, concurrent, raw.clone()).await);
    }
    Medians { sdk: median(s), minimal: median(m), raw: median(r) }
}

pub fn run_vs_raw(quick: bool) {
    let addr = crate::server::start(None);
    let (samples, calls) = if quick { (7, 320) } else { (21, 3200) };
    let seq = measure(addr, samples, calls, false);
    let conc = measure(addr, samples, calls, true);
    for (kind, m, note) in [("sequential", seq, "SDK start call / same bytes via raw reqwest"), ("concurrent32", conc, "same, 32 in flight (per-call time)")] {
        report(&format!("call_vs_raw_reqwest_{kind}"), m.sdk, m.raw, note);
        // Where the gap comes from: what any client must add (URL, body, signature, typed answer)...
        report(&format!("minimal_client_vs_raw_{kind}"), m.minimal, m.raw, "  of which a hand-written client (build, sign, decode) / raw");
        // ...and what the SDK adds on top of that.
        report(&format!("call_vs_minimal_client_{kind}"), m.sdk, m.minimal, "  and the SDK / that hand-written client");
    }
}

/// `python_sdk_vs_sdk`: needs a Python with `huaweicloudsdkcpts` (the xtask installs it into a venv).
pub fn run_vs_python(quick: bool, python: &str, script: &str) {
    let addr = crate::server::start(None);
    let calls = if quick { 320 } else { 3200 };
    let rounds = if quick { 1 } else { 3 };
    let (mut py_seq, mut py_conc) = (Vec::new(), Vec::new());
    let (mut rs_seq, mut rs_conc) = (Vec::new(), Vec::new());
    let (mut raw_seq, mut raw_conc) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        let out = std::process::Command::new(python)
            .args([script, &format!("http://{addr}"), &calls.to_string()])
            .output()
            .expect("run the Python benchmark");
        assert!(out.status.success(), "python failed: {}", String::from_utf8_lossy(&out.stderr));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("python JSON");
        py_seq.push(Duration::from_secs_f64(v["seq_s"].as_f64().unwrap_or(0.0)));
        py_conc.push(Duration::from_secs_f64(v["conc_s"].as_f64().unwrap_or(0.0)));
        // Ours and the raw floor in the same round as the Python run.
        let (seq, conc) = (measure(addr, 3, calls, false), measure(addr, 3, calls, true));
        rs_seq.push(seq.sdk);
        rs_conc.push(conc.sdk);
        raw_seq.push(seq.raw);
        raw_conc.push(conc.raw);
    }
    for (name, py, rs, floor) in [
        ("python_sdk_vs_sdk_sequential", median(py_seq), median(rs_seq), median(raw_seq)),
        ("python_sdk_vs_sdk_concurrent32", median(py_conc), median(rs_conc), median(raw_conc)),
    ] {
        let note = format!(
            "times faster; client overhead per call: python {} vs ours {}",
            fmt(py.saturating_sub(floor)),
            fmt(rs.saturating_sub(floor))
        );
        report(name, py, rs, &note);
    }
}

/// Peak RSS of this process while the SDK holds `n` calls in flight against a slow server.
pub async fn memory_in_flight(n: usize) {
    let addr = crate::server::start(Some(Duration::from_millis(500)));
    let client = Arc::new(sdk_client(addr));
    sdk_start(&client).await;
    let before = crate::rss::peak_kib();
    let tasks: Vec<_> = (0..n)
        .map(|_| {
            let c = client.clone();
            tokio::spawn(async move { sdk_start(&c).await })
        })
        .collect();
    for t in tasks {
        t.await.expect("call");
    }
    let after = crate::rss::peak_kib();
    println!("{:<34} {:>9.1} MB  (idle client: {:.1} MB)", format!("rss_sdk_{n}_in_flight"), after as f64 / 1024.0, before as f64 / 1024.0);
    println!("rss sdk_{n}_in_flight_mb {:.1}", after as f64 / 1024.0);
}

/// Client-side cost alone: the SDK start call through an in-memory transport that answers at once.
pub async fn in_memory_overhead(calls: usize) -> Duration {
    use futures_util::FutureExt;
    let transport = |_req: reqwest::Request| {
        async {
            let mut resp = http::Response::new(crate::server::START_RESPONSE.as_bytes().to_vec());
            resp.headers_mut().insert("content-type", http::HeaderValue::from_static("application/json"));
            Ok(reqwest::Response::from(resp))
        }
        .boxed()
    };
    let client = Client::builder()
        .credentials(Credentials::new(AK, SK).expect("credentials"))
        .project_id(PROJECT)
        .endpoint("http://127.0.0.1:9")
        .transport(transport)
        .build()
        .expect("client");
    for _ in 0..calls / 10 {
        sdk_start(&client).await;
    }
    let t = Instant::now();
    for _ in 0..calls {
        sdk_start(&client).await;
    }
    t.elapsed() / calls as u32
}

/// Peak RSS of `perftest run` waiting on a long run of the simulator (in this process, real time),
/// which it stops when its `--timeout` expires.
pub async fn memory_cli(perftest: &str, wait_secs: u64) {
    let config = perftest_sim::SimConfig { default_duration_secs: 3600.0, queue_secs: 0.0, ..Default::default() };
    let sim = perftest_sim::Simulator::start(config, "127.0.0.1:0".parse().expect("addr")).await.expect("simulator");
    let client = Client::builder()
        .credentials(Credentials::new(perftest_sim::DEFAULT_ACCESS_KEY, perftest_sim::DEFAULT_SECRET_KEY).expect("creds"))
        .project_id(perftest_sim::DEFAULT_PROJECT_ID)
        .endpoint(sim.endpoint())
        .build()
        .expect("client");
    let p = perftest_sdk::dispatch::call(&client, "create_project", &Default::default(), Some(serde_json::json!({"name": "bench"})))
        .await
        .expect("project");
    let project = p.body["project_id"].as_i64().expect("project id");
    let t = perftest_sdk::dispatch::call(&client, "create_task", &Default::default(), Some(serde_json::json!({"name": "bench", "project_id": project})))
        .await
        .expect("task");
    let task = t.body["task_id"].as_i64().expect("task id");
    perftest_sdk::dispatch::call(&client, "create_case", &Default::default(), Some(serde_json::json!({"name": "bench", "type": 0, "task_id": task})))
        .await
        .expect("case");
    let child = std::process::Command::new(perftest)
        .args(["run", "--endpoint", &sim.endpoint(), "--task-id", &task.to_string()])
        .args(["--timeout", &format!("{wait_secs}s"), "--poll-interval", "1s", "--quiet"])
        .env("HUAWEICLOUD_SDK_AK", perftest_sim::DEFAULT_ACCESS_KEY)
        .env("HUAWEICLOUD_SDK_SK", perftest_sim::DEFAULT_SECRET_KEY)
        .env("HUAWEICLOUD_SDK_PROJECT_ID", perftest_sim::DEFAULT_PROJECT_ID)
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("spawn perftest");
    let pid = child.id();
    // Reaped by wait4 below, which also reports the child's peak RSS; forget the handle.
    std::mem::forget(child);
    let (code, peak) = tokio::task::spawn_blocking(move || crate::rss::wait_with_peak(pid)).await.expect("wait");
    assert_eq!(code, 4, "perftest run should time out (exit 4) and stop the run");
    println!("{:<34} {:>9.1} MB  (perftest run waiting {wait_secs} s on a simulated run, then stopping it)", "rss_cli_waiting", peak as f64 / 1024.0);
    println!("rss cli_waiting_mb {:.1}", peak as f64 / 1024.0);
    sim.shutdown().await;
}
