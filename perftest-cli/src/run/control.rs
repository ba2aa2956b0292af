//! Starting and stopping the cloud run: the start is read back around a failure so that a start
//! that may have reached CPTS is never sent twice (unless `--retry-start` finds no new run).

use anyhow::{Context, Result};
use perftest_sdk::{Client, Error, TaskStatus, types};

use crate::lookup::{self, TaskRef};
use crate::progress::Progress;

use super::{append, START_ATTEMPTS, START_BACKOFF};

fn status_body(status: TaskStatus, resource_group: Option<i32>) -> types::UpdateTaskStatusRequestBody {
    match resource_group {
        Some(id) => types::UpdateTaskStatusRequestBody::private(status, id),
        None => types::UpdateTaskStatusRequestBody::shared(status),
    }
}

/// Send `status` for the task; the task run id when CPTS returns one.
async fn set_status(client: &Client, task: &TaskRef, status: TaskStatus, resource_group: Option<i32>) -> Result<Option<i32>> {
    let r = client
        .update_task_status()
        .test_suite_id(task.project_id)
        .task_id(task.id)
        .body(status_body(status, resource_group))
        .send()
        .await
        .map_err(Error::from)
        .with_context(|| {
            let doing = if status == TaskStatus::Start { "starting" } else { "stopping" };
            format!("{doing} {}", task.label())
        })?;
    Ok(r.into_inner().result.and_then(|r| r.task_run_id))
}

/// Start a run of the task; the task run (report) id when CPTS returns it.
pub async fn start(client: &Client, task: &TaskRef, resource_group: Option<i32>) -> Result<Option<i32>> {
    let run_id = set_status(client, task, TaskStatus::Start, resource_group).await?;
    tracing::debug!(task_id = task.id, project = task.project_id, ?resource_group, ?run_id, "started");
    Ok(run_id)
}

/// Start a run without ever starting two, and without leaving behind a run whose start reported failure.
///
/// The start is a POST, which the SDK never sends again once it may have reached CPTS. When it fails
/// in a way that leaves this open (the connection broke after sending, a timeout, a 5xx, a garbled
/// success answer), the task's status tells: a waiting or running run that was not there before the
/// start is ours. Without `retry` that run is stopped and the start reported as failed; with `retry`
/// (`--retry-start`) that run is taken as started, and only when there is none, and the failure was a
/// transient one, is the start sent again.
pub async fn start_checked(
    client: &Client,
    task: &TaskRef,
    resource_group: Option<i32>,
    retry: bool,
    progress: &mut Progress,
) -> Result<Option<i32>> {
    let (_, before) = lookup::run_state(&lookup::show_task(client, task.id).await?);
    let mut attempt = 1u32;
    loop {
        let err = match start(client, task, resource_group).await {
            Ok(id) => return Ok(id),
            Err(e) => e,
        };
        let Some(sdk) = err.chain().find_map(|c| c.downcast_ref::<Error>()) else { return Err(err) };
        if !may_have_started(sdk) {
            return Err(err);
        }
        let (status, current) = match lookup::show_task(client, task.id).await {
            Ok(info) => lookup::run_state(&info),
            Err(check) => {
                return Err(append(
                    err,
                    &format!(
                        "the start may have reached CPTS, and the task's status could not be read ({check:#}): \
                         check it with `perftest status --task-id {}`",
                        task.id
                    ),
                ));
            }
        };
        tracing::debug!(
            task_id = task.id,
            ?status,
            ?current,
            ?before,
            attempt,
            "checked the task after a failed start"
        );
        if let (Some(s), Some(id)) = (status, current)
            && !s.is_terminal()
            && current != before
        {
            if retry {
                progress.message(&format!(
                    "starting reported an error ({err:#}), but CPTS shows run {id} {s}: not starting again"
                ));
                return Ok(Some(id));
            }
            // Nobody asked for a retry: a start that reported failure must not leave a paid run going.
            let outcome = match stop(client, task, resource_group).await {
                Ok(()) => "it was stopped".to_owned(),
                Err(e) => format!("stopping it FAILED ({e:#}): stop it with `perftest stop --task-id {}`", task.id),
            };
            return Err(append(err, &format!("run {id} had started nonetheless; {outcome}")));
        }
        if !(retry && attempt < START_ATTEMPTS && is_transient(sdk)) {
            let hint = if !retry && is_transient(sdk) { " (--retry-start sends such a start again)" } else { "" };
            return Err(append(err, &format!("the task shows no new run, so nothing was started{hint}")));
        }
        attempt += 1;
        progress.message(&format!(
            "starting failed ({err:#}); no new run is waiting or running, so the start is sent again ({attempt}/{START_ATTEMPTS})"
        ));
        tokio::time::sleep(START_BACKOFF * 2u32.pow(attempt - 2)).await;
    }
}

/// Whether a start that failed with `e` may have reached CPTS (and so may have started a run).
fn may_have_started(e: &Error) -> bool {
    match e {
        Error::Config(_) | Error::InvalidRequest(_) => false,
        // Refused: not sent at all (the SDK already retried it).
        Error::Transport(t) if t.is_connect() => false,
        // CPTS or the gateway turned it down; 429 and 5xx leave it open.
        Error::Service(s) => s.status().is_server_error() || s.status().as_u16() == 429,
        _ => true,
    }
}

/// Failures worth sending the start again for: the network, a timeout, 429, 502, 503, 504.
fn is_transient(e: &Error) -> bool {
    match e {
        Error::Transport(_) | Error::Timeout(_) => true,
        Error::Service(s) => s.is_transient(),
        _ => false,
    }
}

/// Stop the task's current run (status 2).
pub async fn stop(client: &Client, task: &TaskRef, resource_group: Option<i32>) -> Result<()> {
    set_status(client, task, TaskStatus::Stop, resource_group).await?;
    tracing::debug!(task_id = task.id, "stop requested");
    Ok(())
}
