//! The commands: `run`, and the small ones for scripts (`start`, `stop`, `status`, `wait`,
//! `report`, `projects list`, `tasks list`).

use anyhow::Result;
use perftest_sdk::RunStatus;
use serde_json::json;

use crate::cli::{Format, GlobalArgs, ReportArgs, RunArgs, StartArgs, StatusArgs, StopArgs, WaitArgs};
use crate::config;
use crate::exit::{self, Fail};
use crate::lookup::{self, TaskRef};
use crate::output::print_stdout;
use crate::progress::Progress;
use crate::run::{self, Ended, Interrupt, RunPlan};

/// `perftest run`.
pub async fn run(global: &GlobalArgs, args: &RunArgs) -> Result<u8> {
    let thresholds = run::parse_thresholds(&args.fail_on)?;
    lookup::check_task_args(&args.task)?;
    let client = config::client(global)?;
    let task = lookup::resolve_task(&client, &args.task).await?;
    let mut progress = Progress::new(args.wait.quiet);
    if args.no_wait {
        let (rg, retry) = (args.cluster.resource_group, args.start.retry_start);
        let run_id = run::start_checked(&client, &task, rg, retry, &mut progress).await?;
        print_started(&task, run_id, args.output.output)?;
        return Ok(exit::PASSED);
    }
    let mut interrupt = Interrupt::install();
    let plan = RunPlan {
        resource_group: args.cluster.resource_group,
        wait: &args.wait,
        thresholds: &thresholds,
        retry_start: args.start.retry_start,
    };
    let result = run::start_wait_judge(&client, &task, &plan, &mut progress, &mut interrupt).await?;
    run::finish(&client, &result, &args.output).await
}

fn print_started(task: &TaskRef, run_id: Option<i32>, format: Format) -> Result<()> {
    let text = match format {
        Format::Json => serde_json::to_string_pretty(&json!({"task": task, "task_run_id": run_id}))? + "\n",
        Format::Table => match run_id {
            Some(id) => format!("started {} in CPTS project {}: task run id {id}\n", task.label(), task.project_id),
            None => format!("started {} in CPTS project {} (no task run id returned)\n", task.label(), task.project_id),
        },
    };
    print_stdout(&text)
}

/// `perftest start`.
pub async fn start(global: &GlobalArgs, args: &StartArgs) -> Result<u8> {
    lookup::check_task_args(&args.task)?;
    let client = config::client(global)?;
    let task = lookup::resolve_task(&client, &args.task).await?;
    let mut progress = Progress::new(false);
    let (rg, retry) = (args.cluster.resource_group, args.start.retry_start);
    let run_id = run::start_checked(&client, &task, rg, retry, &mut progress).await?;
    print_started(&task, run_id, args.output)?;
    Ok(exit::PASSED)
}

/// `perftest stop`.
pub async fn stop(global: &GlobalArgs, args: &StopArgs) -> Result<u8> {
    lookup::check_task_args(&args.task)?;
    let client = config::client(global)?;
    let task = lookup::resolve_task(&client, &args.task).await?;
    run::stop(&client, &task, args.cluster.resource_group).await?;
    print_stdout(&format!("stop requested for {}\n", task.label()))?;
    Ok(exit::PASSED)
}

/// `perftest status`.
pub async fn status(global: &GlobalArgs, args: &StatusArgs) -> Result<u8> {
    lookup::check_task_args(&args.task)?;
    let client = config::client(global)?;
    let task = lookup::resolve_task(&client, &args.task).await?;
    let info = lookup::show_task(&client, task.id).await?;
    let (status, run_id) = lookup::run_state(&info);
    let text = match args.output {
        Format::Json => {
            serde_json::to_string_pretty(&json!({
                "task": task,
                "status": status.map(|s| s.to_string()),
                "status_code": status.map(|s| s.code()),
                "terminal": status.map(|s| s.is_terminal()),
                "task_run_id": run_id,
            }))? + "\n"
        }
        Format::Table => {
            let s = status.map(|s| s.to_string()).unwrap_or_else(|| "never run".into());
            let run = run_id.map(|id| format!(", run {id}")).unwrap_or_default();
            format!("{}: {s}{run}\n", task.label())
        }
    };
    print_stdout(&text)?;
    Ok(exit::PASSED)
}

/// `perftest wait`: 0 when the run finished, 3 when it ended abnormally, 4 on timeout.
pub async fn wait(global: &GlobalArgs, args: &WaitArgs) -> Result<u8> {
    lookup::check_task_args(&args.task)?;
    let client = config::client(global)?;
    let task = lookup::resolve_task(&client, &args.task).await?;
    let mut progress = Progress::new(args.wait.quiet);
    let mut interrupt = Interrupt::install();
    let (ended, run_id) = run::wait(&client, &task, None, &args.wait, &mut progress, &mut interrupt).await?;
    let run = run_id.map(|id| format!(" (run {id})")).unwrap_or_default();
    let (line, code) = match ended {
        Ended::Status(RunStatus::Finished) => (format!("{}{run}: finished", task.label()), exit::PASSED),
        Ended::Status(s) => (format!("{}{run}: ended abnormally: {s}", task.label()), exit::ABNORMAL),
        Ended::TimedOut(_) | Ended::Interrupted(_) => {
            let (what, code) = if matches!(ended, Ended::TimedOut(_)) {
                ("timed out", exit::TIMED_OUT)
            } else {
                ("interrupted", exit::INTERRUPTED)
            };
            if args.wait.keep_running {
                (format!("{}{run}: {what}; left running", task.label()), code)
            } else {
                run::stop(&client, &task, args.cluster.resource_group).await?;
                (format!("{}{run}: {what}; the run was stopped", task.label()), code)
            }
        }
    };
    print_stdout(&format!("{line}\n"))?;
    Ok(code)
}

/// `perftest report`.
pub async fn report(global: &GlobalArgs, args: &ReportArgs) -> Result<u8> {
    let thresholds = run::parse_thresholds(&args.fail_on)?;
    let named = args.task.task_id.is_some() || args.task.task.is_some();
    if args.task_run_id.is_none() && !named {
        return Err(Fail::usage(
            "name the run: --task-run-id ID, or the task (--task-id ID, or --project P --task NAME) for its latest run",
        )
        .into());
    }
    let client = config::client(global)?;
    let task = if named { Some(lookup::resolve_task(&client, &args.task).await?) } else { None };
    let mut status = None;
    let run_id = match (args.task_run_id, &task) {
        (Some(id), _) => id,
        (None, Some(t)) => {
            let latest = lookup::latest_run(&client, t.id).await?;
            match latest.and_then(|r| r.run_id) {
                Some(id) => id as i32,
                None => {
                    let info = lookup::show_task(&client, t.id).await?;
                    lookup::run_state(&info)
                        .1
                        .ok_or_else(|| Fail::new(exit::API_ERROR, format!("{} has no runs yet", t.label())))?
                }
            }
        }
        (None, None) => unreachable!("checked above"),
    };
    if let Some(t) = &task {
        let info = lookup::show_task(&client, t.id).await?;
        if let (s, Some(current)) = lookup::run_state(&info)
            && current == run_id
        {
            status = s;
        }
    }
    let result = run::judge_existing(&client, task, run_id, status, &thresholds).await?;
    run::finish(&client, &result, &args.output).await
}

/// `perftest projects list`.
pub async fn projects_list(global: &GlobalArgs, format: Format) -> Result<u8> {
    let client = config::client(global)?;
    let projects = lookup::list_projects(&client).await?;
    let text = match format {
        Format::Json => {
            let items: Vec<_> = projects
                .iter()
                .map(|p| json!({"id": p.id, "name": p.name, "description": p.description, "updated": p.update_time}))
                .collect();
            serde_json::to_string_pretty(&items)? + "\n"
        }
        Format::Table => {
            let rows: Vec<[String; 3]> = projects
                .iter()
                .map(|p| {
                    [
                        p.id.map(|i| i.to_string()).unwrap_or_default(),
                        p.name.clone().unwrap_or_default(),
                        p.description.clone().unwrap_or_default(),
                    ]
                })
                .collect();
            columns(&["ID", "NAME", "DESCRIPTION"], &rows)
        }
    };
    print_stdout(&text)?;
    Ok(exit::PASSED)
}

/// `perftest tasks list`.
pub async fn tasks_list(global: &GlobalArgs, project: &str, format: Format) -> Result<u8> {
    let client = config::client(global)?;
    let (project_id, _) = lookup::resolve_project(&client, project).await?;
    let tasks = lookup::list_tasks(&client, project_id).await?;
    let text = match format {
        Format::Json => {
            let items: Vec<_> = tasks
                .iter()
                .map(|t| {
                    json!({
                        "id": t.id, "name": t.name, "project_id": project_id, "description": t.description,
                        "last_task_run_id": t.task_run_info.as_ref().and_then(|r| r.id), "updated": t.update_time,
                    })
                })
                .collect();
            serde_json::to_string_pretty(&items)? + "\n"
        }
        Format::Table => {
            let rows: Vec<[String; 3]> = tasks
                .iter()
                .map(|t| {
                    [
                        t.id.map(|i| i.to_string()).unwrap_or_default(),
                        t.name.clone().unwrap_or_default(),
                        t.task_run_info
                            .as_ref()
                            .and_then(|r| r.id)
                            .map(|i| i.to_string())
                            .unwrap_or_else(|| "-".into()),
                    ]
                })
                .collect();
            columns(&["ID", "NAME", "LAST RUN"], &rows)
        }
    };
    print_stdout(&text)?;
    Ok(exit::PASSED)
}

/// Left-aligned columns with a header.
fn columns<const N: usize>(header: &[&str; N], rows: &[[String; N]]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.len()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let parts: Vec<String> = cells.iter().zip(&widths).map(|(c, w)| format!("{c:<w$}")).collect();
        parts.join("  ").trim_end().to_owned() + "\n"
    };
    let mut out = line(header.to_vec());
    for row in rows {
        out.push_str(&line(row.iter().map(String::as_str).collect()));
    }
    if rows.is_empty() {
        out.push_str("(none)\n");
    }
    out
}
