//! A local simulator of Huawei Cloud CodeArts PerfTest (CPTS), in the spirit of moto or LocalStack.
//!
//! It serves all 46 CPTS operations at their real paths and methods (the table is
//! `perftest_sdk::dispatch::OPERATIONS`), decodes request bodies with the SDK's generated request
//! types and answers with its response types, so server and client cannot drift apart. Every CPTS
//! request must carry a valid SDK-HMAC-SHA256 signature for the configured credentials; state is
//! kept in memory; runs progress lazily from an injectable [`Clock`]; reports are synthetic but
//! deterministic for a seed; faults can be injected at start or at run time.
//!
//! ```no_run
//! use std::sync::Arc;
//! use perftest_sim::{ManualClock, SimConfig, Simulator};
//!
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let clock = Arc::new(ManualClock::starting_now());
//! let config = SimConfig { time_scale: 60.0, clock: clock.clone(), ..SimConfig::default() };
//! let sim = Simulator::start(config, "127.0.0.1:0".parse()?).await?;
//! let client = perftest_sdk::Client::builder()
//!     .credentials(perftest_sdk::auth::Credentials::new(perftest_sim::DEFAULT_ACCESS_KEY, perftest_sim::DEFAULT_SECRET_KEY)?)
//!     .project_id(perftest_sim::DEFAULT_PROJECT_ID)
//!     .endpoint(sim.endpoint())
//!     .build()?;
//! // ... create a project, a case and a task, start it; then move time on:
//! clock.advance(std::time::Duration::from_secs(10)); // 10 s × 60 = 10 simulated minutes
//! # let _ = client;
//! sim.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! # Behaviour
//!
//! * **Ids** come from one counter starting at [`FIRST_ID`] (1000001), shared by every kind of
//!   resource, runs and case runs included.
//! * **Success** bodies carry `code: "SVCSTG.CPTS.0000000"` and `message: "success"`; creates
//!   answer 201 (as the real service does), everything else 200.
//! * **Uniqueness**: project names; directory, task, transaction and variable names within a project;
//!   new-edition case names within a project; old-edition case names within their task.
//! * **Lifecycle**: starting (`status` 9) a task creates a run that waits
//!   [`SimConfig::queue_secs`], runs for the sum of its cases' stage `time`s (the longest case when
//!   the task is parallel; [`SimConfig::default_duration_secs`] for a case without stage times),
//!   then finishes — or aborts midway under an aborting [`Profile`]. Stopping (`status` 2) ends it as
//!   stopped (5), or stopped after completing (4) if it had finished. A task must have cases to
//!   start, cannot be started while waiting or running, and cannot be changed or deleted then.
//!   `show_task` exposes `run_status` and, in `related_temp_running_data`, the latest task run id
//!   (`task_run_info_id`) and its case run ids (`related_temp_running_id`).
//! * **Reports** of a run: see the `reports` and `metrics` modules' docs; the case run id doubles as
//!   the case-level `detail_id`.
//! * **Errors**: see [`codes`]. Unknown ids give 404 `SVCSTG.CPTS.4042002` (or, with
//!   [`SimConfig::not_found_as_403`], the real service's 403 `SVCSTG.CPTS.4032002`) with a message
//!   naming the parameter; bad JSON, wrong types, non-numeric ids give 400 naming the field. A client
//!   mistake never gives a 5xx.
//! * **Gateway checks**, in order: operation lookup (404 `APIGW.0101`), faults, then the signature
//!   over the exact bytes received (401 `APIGW.0301` for a missing/malformed `Authorization`, an
//!   unknown access key, a bad signature, a missing or — unless [`SimConfig::check_date`] is off —
//!   more than 15 minutes skewed `X-Sdk-Date`), `X-Project-Id` (403 `APIGW.0302`) and the path's
//!   project id (403 `SVCSTG.CPTS.4031001`). Every answer carries a 32-hex-digit `X-Request-Id`.
//! * **Faults** ([`Fault`], [`FaultKind`]): throttling (429 + `Retry-After`), 5xx with gateway
//!   bodies, latency, dropped connections, truncated JSON, HTML bodies; per operation or for all,
//!   with a seeded probability, for the next N matching requests.
//! * **Control API** under `/_sim/` (unsigned, loopback peers only): see the `control` module, or
//!   use [`SimHandle`] in-process.

mod auth;
mod charts;
mod clock;
mod config;
mod control;
mod error;
mod faults;
mod handle;
mod lifecycle;
mod metrics;
mod pipeline;
mod profile;
mod reports;
mod router;
mod routes;
mod server;
mod shared;
mod state;
mod timefmt;

pub use clock::{Clock, ManualClock, SystemClock};
pub use config::{SimConfig, DEFAULT_ACCESS_KEY, DEFAULT_PROJECT_ID, DEFAULT_SECRET_KEY};
pub use error::codes;
pub use faults::{Fault, FaultKind, FaultState};
pub use handle::{RunSnapshot, SimHandle, StateSummary, TaskSnapshot};
pub use profile::Profile;
pub use server::{RunningSim, SimError, Simulator};
pub use shared::Stats;
pub use state::FIRST_ID;
