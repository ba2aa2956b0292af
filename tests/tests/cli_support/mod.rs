//! Shared by the `cli_*` tests: the `perftest` binary (built once per test process) and an
//! in-process simulator on 127.0.0.1 with a task ready to run.

#![allow(dead_code)]

use std::future::Future;
use std::path::{Path, PathBuf};
use std::process::Command as StdCommand;
use std::sync::OnceLock;

use perftest_sdk::auth::Credentials;
use perftest_sdk::Client;
use perftest_sim::{RunningSim, SimConfig, SimHandle, Simulator};

pub const AK: &str = "AKCLITEST00000000001";
pub const SK: &str = "SKCLITEST0000000000000000000000000000001";
pub const PROJECT_ID: &str = "c1170000000000000000000000000001";

/// The `perftest` binary, built by `cargo build -p perftest-cli` once per test process so that it
/// is never stale (a dependency on a binary-only package does not build it). `perftest-tests` is
/// selected too, so that features resolve as in the test build (the SDK's `schemars`, which the
/// tests turn on) and the build reuses the test build's artifacts instead of compiling the SDK again.
pub fn perftest_bin() -> PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(build_perftest).clone()
}

fn build_perftest() -> PathBuf {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut cmd = StdCommand::new(cargo);
    cmd.current_dir(&root).args([
        "build",
        "--quiet",
        "-p",
        "perftest-cli",
        "-p",
        "perftest-tests",
        "--bin",
        "perftest",
        "--message-format=json",
    ]);
    // Build with the profile these tests were built with (target/<profile>/deps/<test>).
    let exe = std::env::current_exe().expect("current exe");
    match exe.parent().and_then(Path::parent).and_then(Path::file_name).and_then(|n| n.to_str()) {
        Some("debug") | None => {}
        Some("release") => {
            cmd.arg("--release");
        }
        Some(other) => {
            cmd.args(["--profile", other]);
        }
    }
    let out = cmd.output().expect("cannot run cargo to build perftest");
    assert!(out.status.success(), "cargo build -p perftest-cli failed:\n{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == "perftest")
        .find_map(|m| m["executable"].as_str().map(PathBuf::from))
        .unwrap_or_else(|| assert_cmd::cargo::cargo_bin("perftest"))
}

/// `perftest` with an empty environment (no credentials, no home directory) and these arguments.
pub fn perftest_bare<I, S>(args: I) -> assert_cmd::Command
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let mut cmd = assert_cmd::Command::new(perftest_bin());
    cmd.env_clear().args(args).timeout(std::time::Duration::from_secs(120));
    cmd
}

/// Text of a captured stream.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A simulator on 127.0.0.1 (its own runtime on a background thread) and an SDK client for it.
pub struct Sim {
    sim: Option<RunningSim>,
    pub client: Client,
    rt: tokio::runtime::Runtime,
}

pub use perftest_tests::seed::Seeded;

impl Sim {
    /// `time_scale` simulated seconds per real second.
    pub fn start(time_scale: f64) -> Self {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
        let config = SimConfig { time_scale, seed: 1, ..SimConfig::with_credentials(AK, SK, PROJECT_ID) };
        let sim = rt.block_on(Simulator::start(config, "127.0.0.1:0".parse().unwrap())).expect("start the simulator");
        let client = Client::builder()
            .credentials(Credentials::new(AK, SK).unwrap())
            .project_id(PROJECT_ID)
            .endpoint(sim.endpoint())
            .build()
            .unwrap();
        Self { sim: Some(sim), client, rt }
    }

    pub fn endpoint(&self) -> String {
        self.sim.as_ref().unwrap().endpoint()
    }

    pub fn handle(&self) -> &SimHandle {
        self.sim.as_ref().unwrap().handle()
    }

    pub fn block_on<F: Future>(&self, f: F) -> F::Output {
        self.rt.block_on(f)
    }

    /// A project, directory, case (one stage of `seconds` simulated seconds) and a new-edition task.
    pub fn seed_task(&self, project: &str, task: &str, seconds: i64) -> Seeded {
        self.block_on(perftest_tests::seed::seed(&self.client, project, task, seconds, 20))
    }

    /// `perftest --endpoint <sim>` with the simulator's credentials and nothing else in the environment.
    pub fn perftest<I, S>(&self, args: I) -> assert_cmd::Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        let mut cmd = perftest_bare(["--endpoint", &self.endpoint()]);
        cmd.env("HUAWEICLOUD_SDK_AK", AK)
            .env("HUAWEICLOUD_SDK_SK", SK)
            .env("HUAWEICLOUD_SDK_PROJECT_ID", PROJECT_ID)
            .args(args);
        cmd
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        if let Some(sim) = self.sim.take() {
            self.rt.block_on(sim.shutdown());
        }
    }
}

/// A scratch directory for output files, removed on drop.
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("perftest-cli-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }
    pub fn path(&self, file: &str) -> PathBuf {
        self.0.join(file)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Parse a JUnit file: (testcase name, failure message if any) for every test case.
pub fn junit_cases(path: &Path) -> Vec<(String, Option<String>)> {
    let xml = std::fs::read_to_string(path).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("JUnit is not XML: {e}\n{xml}"));
    doc.descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .map(|n| {
            let failure = n
                .children()
                .find(|c| c.has_tag_name("failure"))
                .map(|f| f.attribute("message").unwrap_or_default().to_owned());
            (n.attribute("name").unwrap_or_default().to_owned(), failure)
        })
        .collect()
}

/// `perftest run` of `task_id` against `sim` as a child process (the simulator's credentials, nothing
/// else in the environment), returned once its run has started, with what it wrote to stderr so far.
#[allow(dead_code)]
#[allow(clippy::zombie_processes)] // the child is returned: the caller waits for it
pub fn spawn_run_until_started(
    sim: &Sim,
    task_id: i32,
    extra: &[&str],
) -> (std::process::Child, std::io::BufReader<std::process::ChildStderr>, String) {
    use std::io::BufRead;
    use std::process::{Command, Stdio};
    let mut child = Command::new(perftest_bin())
        .env_clear()
        .env("HUAWEICLOUD_SDK_AK", AK)
        .env("HUAWEICLOUD_SDK_SK", SK)
        .env("HUAWEICLOUD_SDK_PROJECT_ID", PROJECT_ID)
        .args(["--endpoint", &sim.endpoint(), "run", "--task-id", &task_id.to_string()])
        .args(extra)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn perftest");
    let mut stderr = std::io::BufReader::new(child.stderr.take().expect("piped stderr"));
    let mut seen = String::new();
    loop {
        let mut line = String::new();
        if stderr.read_line(&mut line).unwrap_or(0) == 0 {
            let _ = child.kill();
            let _ = child.wait();
            panic!("perftest ended before the run started: {seen}");
        }
        seen.push_str(&line);
        if line.contains("waiting for it to end") {
            return (child, stderr, seen);
        }
    }
}

/// What a finished `perftest` process gave.
#[allow(dead_code)]
pub struct Out {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Run `cmd` to the end; its output is echoed to the test's stderr for diagnosis.
#[allow(dead_code)]
pub fn run(mut cmd: assert_cmd::Command) -> Out {
    let out = cmd.output().expect("run perftest");
    let o = Out { code: out.status.code().unwrap_or(-1), stdout: text(&out.stdout), stderr: text(&out.stderr) };
    eprintln!("exit {}\n--- stdout\n{}--- stderr\n{}", o.code, o.stdout, o.stderr);
    o
}
