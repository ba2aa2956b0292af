//! The in-memory state of one simulator: every resource, keyed by integer ids that are allocated
//! from one counter starting at [`FIRST_ID`] (so an id never names two kinds of resource).

mod entities;
mod runs;

use std::collections::BTreeMap;

pub(crate) use entities::{Agent, Case, CaseOwner, Directory, Edition, Project, Task, Template, Variable};
pub(crate) use runs::{AwRun, CaseRun, Run, RunStop};

use crate::error::ApiError;

/// The first id handed out (CPTS ids are seven-digit numbers like `1000001`).
pub const FIRST_ID: i32 = 1_000_001;

/// All resources.
#[derive(Debug)]
pub(crate) struct Store {
    next_id: i32,
    pub projects: BTreeMap<i32, Project>,
    pub directories: BTreeMap<i32, Directory>,
    pub cases: BTreeMap<i32, Case>,
    pub tasks: BTreeMap<i32, Task>,
    pub runs: BTreeMap<i32, Run>,
    /// Case run id → run id.
    pub case_runs: BTreeMap<i32, i32>,
    pub templates: BTreeMap<i32, Template>,
    pub variables: BTreeMap<i32, Variable>,
    pub agents: BTreeMap<i32, Agent>,
}

impl Default for Store {
    fn default() -> Self {
        Self {
            next_id: FIRST_ID,
            projects: BTreeMap::new(),
            directories: BTreeMap::new(),
            cases: BTreeMap::new(),
            tasks: BTreeMap::new(),
            runs: BTreeMap::new(),
            case_runs: BTreeMap::new(),
            templates: BTreeMap::new(),
            variables: BTreeMap::new(),
            agents: BTreeMap::new(),
        }
    }
}

impl Store {
    /// A fresh id.
    pub(crate) fn alloc(&mut self) -> Result<i32, ApiError> {
        let id = self.next_id;
        self.next_id = id.checked_add(1).ok_or_else(|| ApiError::internal("id space exhausted"))?;
        Ok(id)
    }

    pub(crate) fn project(&self, id: i32) -> Result<&Project, ApiError> {
        self.projects.get(&id).ok_or_else(|| ApiError::not_found("test_suite_id", id))
    }

    pub(crate) fn directory(&self, id: i32) -> Result<&Directory, ApiError> {
        self.directories.get(&id).ok_or_else(|| ApiError::not_found("directory_id", id))
    }

    pub(crate) fn case(&self, id: i32) -> Result<&Case, ApiError> {
        self.cases.get(&id).ok_or_else(|| ApiError::not_found("case_id", id))
    }

    pub(crate) fn case_mut(&mut self, id: i32) -> Result<&mut Case, ApiError> {
        self.cases.get_mut(&id).ok_or_else(|| ApiError::not_found("case_id", id))
    }

    pub(crate) fn task(&self, id: i32) -> Result<&Task, ApiError> {
        self.tasks.get(&id).ok_or_else(|| ApiError::not_found("task_id", id))
    }

    pub(crate) fn task_mut(&mut self, id: i32) -> Result<&mut Task, ApiError> {
        self.tasks.get_mut(&id).ok_or_else(|| ApiError::not_found("task_id", id))
    }

    /// The task, which must belong to project `project_id`.
    pub(crate) fn task_in(&self, project_id: i32, id: i32) -> Result<&Task, ApiError> {
        self.project(project_id)?;
        self.tasks.get(&id).filter(|t| t.project_id == project_id).ok_or_else(|| ApiError::not_found("task_id", id))
    }

    pub(crate) fn run(&self, id: i32) -> Result<&Run, ApiError> {
        self.runs.get(&id).ok_or_else(|| ApiError::not_found("task_run_id", id))
    }

    /// The run and the index of case run `case_run_id` in it.
    pub(crate) fn case_run(&self, run_id: i32, case_run_id: i32) -> Result<(&Run, usize), ApiError> {
        let run = self.run(run_id)?;
        run.case_runs
            .iter()
            .position(|c| c.id == case_run_id)
            .map(|i| (run, i))
            .ok_or_else(|| ApiError::not_found("case_run_id", case_run_id))
    }

    pub(crate) fn template(&self, id: i32) -> Result<&Template, ApiError> {
        self.templates.get(&id).ok_or_else(|| ApiError::not_found("template_id", id))
    }

    pub(crate) fn agent(&self, id: i32) -> Result<&Agent, ApiError> {
        self.agents.get(&id).ok_or_else(|| ApiError::not_found("agent_id", id))
    }

    /// Cases linked to a task, in link order (ids whose case was deleted are skipped).
    pub(crate) fn task_cases(&self, task: &Task) -> Vec<&Case> {
        task.case_ids.iter().filter_map(|id| self.cases.get(id)).collect()
    }

    /// Removes a case and unlinks it from every task.
    pub(crate) fn remove_case(&mut self, id: i32) {
        self.cases.remove(&id);
        for task in self.tasks.values_mut() {
            task.case_ids.retain(|c| *c != id);
        }
    }

    /// Removes a task and its old-edition cases (runs stay readable).
    pub(crate) fn remove_task(&mut self, id: i32) {
        self.tasks.remove(&id);
        let owned: Vec<i32> = self.cases.values().filter(|c| c.owner == CaseOwner::Task(id)).map(|c| c.id).collect();
        for case in owned {
            self.remove_case(case);
        }
    }

    /// Removes a directory and the cases in it.
    pub(crate) fn remove_directory(&mut self, id: i32) {
        self.directories.remove(&id);
        let inside: Vec<i32> =
            self.cases.values().filter(|c| c.owner == CaseOwner::Directory(id)).map(|c| c.id).collect();
        for case in inside {
            self.remove_case(case);
        }
    }

    /// Removes a project and everything in it (runs stay readable).
    pub(crate) fn remove_project(&mut self, id: i32) {
        self.projects.remove(&id);
        let tasks: Vec<i32> = self.tasks.values().filter(|t| t.project_id == id).map(|t| t.id).collect();
        for t in tasks {
            self.remove_task(t);
        }
        let dirs: Vec<i32> = self.directories.values().filter(|d| d.project_id == id).map(|d| d.id).collect();
        for d in dirs {
            self.remove_directory(d);
        }
        let cases: Vec<i32> = self.cases.values().filter(|c| c.project_id == id).map(|c| c.id).collect();
        for c in cases {
            self.remove_case(c);
        }
        self.templates.retain(|_, t| t.project_id != id);
        self.variables.retain(|_, v| v.project_id != id);
    }
}

/// `offset`/`limit` paging over `items` (negative values are rejected by the caller).
pub(crate) fn page<T>(items: Vec<T>, offset: Option<i32>, limit: Option<i32>) -> Vec<T> {
    let offset = offset.unwrap_or(0).max(0) as usize;
    let it = items.into_iter().skip(offset);
    match limit {
        Some(l) => it.take(l.max(0) as usize).collect(),
        None => it.collect(),
    }
}
