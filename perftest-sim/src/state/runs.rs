//! Task runs (task run id = report id) and the case runs inside them.

use std::time::SystemTime;

use perftest_sdk::RunStatus;

use crate::profile::Profile;

/// How a run was ended by a stop request.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct RunStop {
    /// 5 (stopped) or 4 (stopped after completing).
    pub status: RunStatus,
    /// Simulated seconds after the start at which it ended.
    pub at_secs: f64,
}

/// One AW (request card) of a case run.
#[derive(Debug, Clone)]
pub(crate) struct AwRun {
    /// 32 hex characters, like CPTS's `caseAwId`; also accepted as `detail_id`.
    pub id: String,
    pub name: String,
    pub url: String,
    /// Share of the case's requests.
    pub share: f64,
}

/// One case of a run.
#[derive(Debug, Clone)]
pub(crate) struct CaseRun {
    /// The case run id (`case_run_id` of the report paths; its decimal form is the case-level
    /// `detail_id`).
    pub id: i32,
    pub case_id: i32,
    pub name: String,
    /// Concurrent users at full load.
    pub users: u32,
    /// Target TPS for TPS-mode stages.
    pub tps_target: Option<f64>,
    /// Simulated seconds this case's load lasts.
    pub duration_secs: f64,
    /// Simulated seconds after the task's running start at which this case's load begins
    /// (serial tasks run their cases one after another).
    pub offset_secs: f64,
    pub aws: Vec<AwRun>,
}

/// One run of a task.
#[derive(Debug, Clone)]
pub(crate) struct Run {
    pub id: i32,
    pub task_id: i32,
    pub project_id: i32,
    /// Task edition code (0/1), `run_type` of the history.
    pub run_type: i32,
    pub task_name: String,
    pub parallel: bool,
    /// Clock time of the start request.
    pub started_at: SystemTime,
    /// Simulated seconds spent waiting (status 9) before running.
    pub queue_secs: f64,
    /// Planned simulated seconds of load.
    pub duration_secs: f64,
    /// Simulated seconds of load after which the run aborts, if it does.
    pub abort_after_secs: Option<f64>,
    pub profile: Profile,
    pub stop: Option<RunStop>,
    pub case_runs: Vec<CaseRun>,
}
