//! In-process access to a running simulator: faults, task profiles, state for assertions, the
//! clock. The control API (`/_sim/...`) calls the same methods.

use std::sync::Arc;

use perftest_sdk::RunStatus;
use serde::{Deserialize, Serialize};

use crate::clock::Clock;
use crate::config::SimConfig;
use crate::faults::{Fault, FaultState};
use crate::lifecycle;
use crate::profile::Profile;
use crate::shared::{lock, Shared, Stats};
use crate::state::Store;

/// A cheap, cloneable handle on a running simulator's state.
#[derive(Clone)]
pub struct SimHandle {
    pub(crate) shared: Arc<Shared>,
}

impl std::fmt::Debug for SimHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimHandle").field("config", &self.shared.config).finish_non_exhaustive()
    }
}

/// One run of a task, as `GET /_sim/tasks/{id}` shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunSnapshot {
    /// The task run id (report id).
    pub task_run_id: i32,
    /// Run status code (9 waiting, 0 running, 2 finished, 3 aborted, 4 stopped after completing, 5 stopped).
    pub run_status: i32,
    /// Human-readable status.
    pub run_status_name: String,
    /// Simulated seconds of load generated so far.
    pub load_secs: f64,
    /// Planned simulated seconds of load.
    pub duration_secs: f64,
    /// Simulated seconds spent waiting before the load starts.
    pub queue_secs: f64,
    /// Case run ids (`case_run_id` of the report paths), in case order.
    pub case_run_ids: Vec<i32>,
    /// The profile the run was started with.
    pub profile: Profile,
}

/// A task, as `GET /_sim/tasks/{id}` shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskSnapshot {
    /// Task id.
    pub task_id: i32,
    /// CPTS project (test suite) id.
    pub project_id: i32,
    /// Task name.
    pub name: String,
    /// `0` old edition (v1), `1` new edition (v3).
    pub edition: i32,
    /// Status code of the latest run (`None` if it never ran).
    pub run_status: Option<i32>,
    /// Latest run id.
    pub current_run_id: Option<i32>,
    /// Start requests accepted.
    pub starts: u64,
    /// Stop requests accepted.
    pub stops: u64,
    /// Profile of the next run (explicit or the configured default).
    pub profile: Profile,
    /// Every run, oldest first.
    pub runs: Vec<RunSnapshot>,
}

/// Counts of stored resources, as `GET /_sim/state` shows them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateSummary {
    /// Projects.
    pub projects: usize,
    /// Directories.
    pub directories: usize,
    /// Cases (both editions).
    pub cases: usize,
    /// Tasks (both editions).
    pub tasks: usize,
    /// Runs (kept after their task is deleted).
    pub runs: usize,
    /// Transactions (templates).
    pub templates: usize,
    /// Global variables.
    pub variables: usize,
    /// Agents.
    pub agents: usize,
}

impl SimHandle {
    /// The configuration the simulator was started with.
    pub fn config(&self) -> &SimConfig {
        &self.shared.config
    }

    /// The simulator's clock (advance it to move runs forward, if it is a [`crate::ManualClock`]).
    pub fn clock(&self) -> Arc<dyn Clock> {
        self.shared.config.clock.clone()
    }

    /// Adds a fault rule after checking it; returns its id.
    pub fn add_fault(&self, fault: Fault) -> Result<u64, String> {
        fault.validate()?;
        Ok(lock(&self.shared.faults).add(fault))
    }

    /// Removes one fault rule; whether it existed.
    pub fn remove_fault(&self, id: u64) -> bool {
        lock(&self.shared.faults).remove(id)
    }

    /// Removes every fault rule.
    pub fn clear_faults(&self) {
        lock(&self.shared.faults).clear();
    }

    /// The fault rules with their remaining counts and hits.
    pub fn faults(&self) -> Vec<FaultState> {
        lock(&self.shared.faults).list()
    }

    /// Sets the profile of a task's next runs; `false` if there is no such task.
    pub fn set_profile(&self, task_id: i32, profile: Profile) -> bool {
        match lock(&self.shared.store).tasks.get_mut(&task_id) {
            Some(t) => {
                t.profile = Some(profile);
                true
            }
            None => false,
        }
    }

    /// A task's state, `None` if there is no such task.
    pub fn task(&self, task_id: i32) -> Option<TaskSnapshot> {
        let store = lock(&self.shared.store);
        let task = store.tasks.get(&task_id)?;
        let now = self.shared.config.clock.now();
        let scale = self.shared.config.effective_time_scale();
        let runs: Vec<RunSnapshot> = task
            .runs
            .iter()
            .filter_map(|id| store.runs.get(id))
            .map(|r| {
                let s = lifecycle::status(r, now, scale);
                RunSnapshot {
                    task_run_id: r.id,
                    run_status: s.code(),
                    run_status_name: s.to_string(),
                    load_secs: lifecycle::load_window(r, now, scale),
                    duration_secs: lifecycle::planned_load_secs(r),
                    queue_secs: r.queue_secs,
                    case_run_ids: r.case_runs.iter().map(|c| c.id).collect(),
                    profile: r.profile.clone(),
                }
            })
            .collect();
        Some(TaskSnapshot {
            task_id,
            project_id: task.project_id,
            name: task.name.clone(),
            edition: task.edition.code(),
            run_status: runs.last().map(|r| r.run_status),
            current_run_id: runs.last().map(|r| r.task_run_id),
            starts: task.starts,
            stops: task.stops,
            profile: task.profile.clone().unwrap_or_else(|| self.shared.config.default_profile.clone()),
            runs,
        })
    }

    /// The status of a task's latest run (`None` if no such task or it never ran).
    pub fn run_status(&self, task_id: i32) -> Option<RunStatus> {
        self.task(task_id).and_then(|t| t.run_status).map(RunStatus::from)
    }

    /// Counts of stored resources.
    pub fn state(&self) -> StateSummary {
        let s = lock(&self.shared.store);
        StateSummary {
            projects: s.projects.len(),
            directories: s.directories.len(),
            cases: s.cases.len(),
            tasks: s.tasks.len(),
            runs: s.runs.len(),
            templates: s.templates.len(),
            variables: s.variables.len(),
            agents: s.agents.len(),
        }
    }

    /// Request counters.
    pub fn stats(&self) -> Stats {
        lock(&self.shared.stats).clone()
    }

    /// Requests seen for one operation id.
    pub fn request_count(&self, operation: &str) -> u64 {
        lock(&self.shared.stats).by_operation.get(operation).copied().unwrap_or(0)
    }

    /// Forgets every resource, run, fault rule and counter (ids start again at 1000001); the
    /// configuration and the clock stay.
    pub fn reset(&self) {
        *lock(&self.shared.store) = Store::default();
        lock(&self.shared.faults).clear();
        *lock(&self.shared.stats) = Stats::default();
    }
}
