//! Shared helpers for the integration tests: where the shared fixtures live, and a client whose
//! requests are captured in memory (no socket) and answered with a canned response.

pub mod script_server;
pub mod seed;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use futures_util::FutureExt;
use perftest_sdk::auth::{Credentials, SdkDate};
use perftest_sdk::{Client, RetryPolicy};
use serde_json::Value;

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The shared reference material beside the project (`../shared`), never copied into it.
pub fn shared_dir() -> PathBuf {
    workspace_root().join("..").join("shared")
}

/// `var` when set and non-empty, else `default` (fixture paths are overridable from the environment).
pub fn fixture_path(var: &str, default: PathBuf) -> PathBuf {
    std::env::var_os(var).filter(|v| !v.is_empty()).map(PathBuf::from).unwrap_or(default)
}

/// Read and parse a JSON file, with a message naming it on failure.
pub fn read_json(path: &std::path::Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not valid JSON: {e}", path.display()))
}

/// A request as it left the client.
#[derive(Debug, Clone)]
pub struct Captured {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    /// Header names lower-cased, in the order they were set.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Captured {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// A canned answer.
#[derive(Debug, Clone)]
pub struct Canned {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Canned {
    /// From a fixture's `response_canned` object (`status`, `headers`, `body_raw`).
    pub fn from_fixture(v: &Value) -> Self {
        Self {
            status: v["status"].as_u64().unwrap_or(200) as u16,
            headers: v["headers"]
                .as_object()
                .map(|h| h.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned())).collect())
                .unwrap_or_default(),
            body: v["body_raw"].as_str().unwrap_or_default().as_bytes().to_vec(),
        }
    }
}

/// Client settings of a fixture's `config` object.
#[derive(Debug, Clone)]
pub struct FixtureConfig {
    pub ak: String,
    pub sk: String,
    pub project_id: String,
    pub endpoint: String,
    pub sdk_date: String,
}

impl FixtureConfig {
    pub fn from_fixture(v: &Value) -> Self {
        let s = |k: &str| v[k].as_str().unwrap_or_else(|| panic!("config.{k} missing")).to_owned();
        Self { ak: s("ak"), sk: s("sk"), project_id: s("project_id"), endpoint: s("endpoint"), sdk_date: s("x_sdk_date") }
    }

    /// The settings every fixture of the shared wire captures uses.
    pub fn reference() -> Self {
        Self {
            ak: "AKFAKE0000000001".into(),
            sk: "SKFAKE0000000000000000000000000000000001".into(),
            project_id: "0123456789abcdef0123456789abcdef".into(),
            endpoint: "http://127.0.0.1:44615".into(),
            sdk_date: "20250102T030405Z".into(),
        }
    }
}

/// A client configured from `config` whose requests are recorded and answered with `canned`.
pub fn capture_client(config: &FixtureConfig, canned: Canned) -> (Client, Arc<Mutex<Vec<Captured>>>) {
    let log = Arc::new(Mutex::new(Vec::new()));
    let sink = log.clone();
    let transport = move |req: reqwest::Request| {
        let captured = Captured {
            method: req.method().to_string(),
            path: req.url().path().to_owned(),
            query: req.url().query().map(str::to_owned),
            headers: req
                .headers()
                .iter()
                .map(|(n, v)| (n.as_str().to_owned(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
                .collect(),
            body: req.body().and_then(|b| b.as_bytes()).unwrap_or_default().to_vec(),
        };
        sink.lock().unwrap().push(captured);
        let mut resp = http::Response::new(canned.body.clone());
        *resp.status_mut() = http::StatusCode::from_u16(canned.status).unwrap();
        for (k, v) in &canned.headers {
            resp.headers_mut().insert(
                http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                http::HeaderValue::from_str(v).unwrap(),
            );
        }
        async move { Ok(reqwest::Response::from(resp)) }.boxed()
    };
    let credentials = Credentials::new(config.ak.clone(), config.sk.clone()).expect("fixture credentials");
    let client = Client::builder()
        .credentials(credentials)
        .project_id(config.project_id.clone())
        .endpoint(config.endpoint.clone())
        .pinned_sdk_date(SdkDate::parse(&config.sdk_date).expect("fixture date"))
        .retry_policy(RetryPolicy::disabled())
        .transport(transport)
        .build()
        .expect("client from fixture config");
    (client, log)
}

/// A fixture's `inputs` as dispatcher arguments: path parameters and query pairs by name, and the body.
pub fn dispatch_inputs(inputs: &Value) -> (serde_json::Map<String, Value>, Option<Value>) {
    let mut args = inputs["path"].as_object().cloned().unwrap_or_default();
    for pair in inputs["query"].as_array().into_iter().flatten() {
        if let (Some(k), Some(v)) = (pair.get(0).and_then(Value::as_str), pair.get(1)) {
            args.insert(k.to_owned(), v.clone());
        }
    }
    let body = match &inputs["body"] {
        Value::Null => None,
        b => Some(b.clone()),
    };
    (args, body)
}

/// The wire fixture files of the 46 operations (`*.json` directly in `dir`, `_manifest.json` aside).
pub fn operation_files(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension().is_some_and(|e| e == "json")
                && !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('_'))
        })
        .collect();
    files.sort();
    files
}
