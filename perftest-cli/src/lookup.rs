//! Find projects and tasks by name or id.

use anyhow::{Context, Result};
use perftest_sdk::{Client, Error, RunStatus, types};
use serde::Serialize;

use crate::cli::TaskArgs;
use crate::exit::Fail;

/// Page size of the list calls.
const PAGE: i32 = 100;
/// Safety limit on the pages read from a list call.
const MAX_PAGES: usize = 1000;

/// A task as the run commands need it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaskRef {
    /// The task id.
    pub id: i32,
    /// The task name, when known.
    pub name: Option<String>,
    /// The CPTS project (test suite) that owns the task.
    pub project_id: i32,
}

impl TaskRef {
    /// `checkout (task 7)` or `task 7`.
    pub fn label(&self) -> String {
        match &self.name {
            Some(n) => format!("{n} (task {})", self.id),
            None => format!("task {}", self.id),
        }
    }
}

/// Every CPTS project (all pages).
pub async fn list_projects(client: &Client) -> Result<Vec<types::ProjectsSet>> {
    let mut all: Vec<types::ProjectsSet> = Vec::new();
    for page in 0..MAX_PAGES {
        let offset = i32::try_from(page).unwrap_or(i32::MAX).saturating_mul(PAGE);
        let r = client.list_project_sets().offset(offset).limit(PAGE).send().await.map_err(Error::from)?;
        let items = r.into_inner().projects.unwrap_or_default();
        let n = items.len();
        let fresh: Vec<_> = items.into_iter().filter(|p| p.id.is_none() || !all.iter().any(|q| q.id == p.id)).collect();
        let stalled = fresh.is_empty();
        all.extend(fresh);
        if n < PAGE as usize || stalled {
            break;
        }
    }
    Ok(all)
}

/// Every task of a CPTS project (all pages).
pub async fn list_tasks(client: &Client, project_id: i32) -> Result<Vec<types::Task>> {
    let mut all: Vec<types::Task> = Vec::new();
    for page in 0..MAX_PAGES {
        let offset = i32::try_from(page).unwrap_or(i32::MAX).saturating_mul(PAGE);
        let r = client
            .show_task_set()
            .test_suite_id(project_id)
            .offset(offset)
            .limit(PAGE)
            .send()
            .await
            .map_err(Error::from)
            .with_context(|| format!("listing the tasks of project {project_id}"))?;
        let items = r.into_inner().tasks.unwrap_or_default();
        let n = items.len();
        let fresh: Vec<_> = items.into_iter().filter(|t| t.id.is_none() || !all.iter().any(|u| u.id == t.id)).collect();
        let stalled = fresh.is_empty();
        all.extend(fresh);
        if n < PAGE as usize || stalled {
            break;
        }
    }
    Ok(all)
}

/// A project by exact name, else by id; a usage error naming the known projects otherwise.
pub async fn resolve_project(client: &Client, name_or_id: &str) -> Result<(i32, String)> {
    let projects = list_projects(client).await.context("listing CPTS projects")?;
    let wanted = name_or_id.trim();
    let by_name: Vec<_> = projects.iter().filter(|p| p.name.as_deref() == Some(wanted)).collect();
    match by_name.as_slice() {
        [one] => return Ok((one.id.unwrap_or_default(), wanted.to_owned())),
        [] => {}
        many => {
            let ids: Vec<String> = many.iter().filter_map(|p| p.id).map(|i| i.to_string()).collect();
            return Err(Fail::usage(format!(
                "several CPTS projects are named `{wanted}` (ids {}): pass --project with the id",
                ids.join(", ")
            ))
            .into());
        }
    }
    if let Ok(id) = wanted.parse::<i32>()
        && let Some(p) = projects.iter().find(|p| p.id == Some(id))
    {
        return Ok((id, p.name.clone().unwrap_or_else(|| id.to_string())));
    }
    let known: Vec<String> = projects
        .iter()
        .take(20)
        .map(|p| format!("{} ({})", p.name.as_deref().unwrap_or("?"), p.id.unwrap_or_default()))
        .collect();
    let known = if known.is_empty() { "there are none".to_owned() } else { format!("known: {}", known.join(", ")) };
    Err(Fail::usage(format!("no CPTS project named `{wanted}`; {known}")).into())
}

/// Whether the arguments name a task at all (checked before any configuration is read).
pub fn check_task_args(args: &TaskArgs) -> Result<(), Fail> {
    if args.task_id.is_some() || (args.project.is_some() && args.task.is_some()) {
        Ok(())
    } else {
        Err(Fail::usage("name the task: --task-id ID, or --project NAME_OR_ID --task NAME"))
    }
}

/// The task the arguments name.
pub async fn resolve_task(client: &Client, args: &TaskArgs) -> Result<TaskRef> {
    check_task_args(args)?;
    if let Some(id) = args.task_id {
        let explicit_project = match &args.project {
            Some(p) => Some(resolve_project(client, p).await?.0),
            None => None,
        };
        let info = show_task(client, id).await?;
        let project_id = explicit_project.or(info.project_id).ok_or_else(|| {
            Fail::usage(format!("CPTS did not say which project task {id} belongs to: pass --project NAME_OR_ID"))
        })?;
        return Ok(TaskRef { id, name: info.name, project_id });
    }
    let (Some(project), Some(task)) = (&args.project, &args.task) else {
        unreachable!("checked by check_task_args");
    };
    let (project_id, project_name) = resolve_project(client, project).await?;
    tracing::debug!(project_id, project = %project_name, "project resolved");
    let tasks = list_tasks(client, project_id).await?;
    let wanted = task.trim();
    let by_name: Vec<_> = tasks.iter().filter(|t| t.name.as_deref() == Some(wanted)).collect();
    let found = match by_name.as_slice() {
        [one] => Some(*one),
        [] => wanted.parse::<i32>().ok().and_then(|id| tasks.iter().find(|t| t.id == Some(id))),
        many => {
            let ids: Vec<String> = many.iter().filter_map(|t| t.id).map(|i| i.to_string()).collect();
            return Err(Fail::usage(format!(
                "several tasks are named `{wanted}` in project `{project_name}` (ids {}): pass --task-id",
                ids.join(", ")
            ))
            .into());
        }
    };
    match found.and_then(|t| t.id.map(|id| (id, t))) {
        Some((id, t)) => Ok(TaskRef { id, name: t.name.clone(), project_id }),
        None => {
            let names: Vec<String> = tasks.iter().take(20).filter_map(|t| t.name.clone()).collect();
            let known = if names.is_empty() {
                "it has no tasks".to_owned()
            } else {
                format!("its tasks: {}", names.join(", "))
            };
            Err(Fail::usage(format!(
                "no task named `{wanted}` in CPTS project `{project_name}` (id {project_id}); {known}"
            ))
            .into())
        }
    }
}

/// `show_task`'s task info.
pub async fn show_task(client: &Client, task_id: i32) -> Result<types::TaskInfo> {
    let r = client
        .show_task()
        .task_id(task_id)
        .send()
        .await
        .map_err(Error::from)
        .with_context(|| format!("reading task {task_id}"))?;
    Ok(r.into_inner().task_info.unwrap_or_default())
}

/// The run status and the id of the latest run, as `show_task` gives them.
pub fn run_state(info: &types::TaskInfo) -> (Option<RunStatus>, Option<i32>) {
    let run_id = info.related_temp_running_data.as_ref().and_then(|d| d.iter().find_map(|r| r.task_run_info_id));
    (info.run_status, run_id)
}

/// The latest run of a task from its history (highest run id).
pub async fn latest_run(client: &Client, task_id: i32) -> Result<Option<types::HistoryRunInfo>> {
    let r = client
        .show_history_run_info()
        .task_id(task_id)
        .send()
        .await
        .map_err(Error::from)
        .with_context(|| format!("reading the run history of task {task_id}"))?;
    let runs = r.into_inner().log_list.unwrap_or_default();
    Ok(runs.into_iter().filter(|r| r.run_id.is_some()).max_by(|a, b| {
        a.run_id.unwrap_or_default().partial_cmp(&b.run_id.unwrap_or_default()).unwrap_or(std::cmp::Ordering::Equal)
    }))
}
