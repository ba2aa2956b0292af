//! Start, wait, stop and judge a run: the engine behind `run`, `wait`, `report` and the demo.

use std::future::Future;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use perftest_sdk::{Client, Error, RunStatus};

use crate::cli::{OutputArgs, WaitOptions};
use crate::exit::{self, Fail};
use crate::lookup::{self, TaskRef};
use crate::metrics::Report;
use crate::output::{self, Outcome, RunResult};
use crate::progress::{Progress, Snapshot};
use crate::threshold::{self, Threshold};

mod control;
mod interrupt;

pub use control::{start_checked, stop};
pub use interrupt::Interrupt;

/// Consecutive failed status polls tolerated before giving up (transient network trouble).
const MAX_POLL_FAILURES: u32 = 5;
/// Extra reads of an empty report after a run finished.
const REPORT_RETRIES: u32 = 3;
/// Attempts of a start with `--retry-start`, the first included.
pub(crate) const START_ATTEMPTS: u32 = 3;
/// Wait before sending a start again (doubled for each further attempt).
pub(crate) const START_BACKOFF: Duration = Duration::from_millis(500);

/// Parse every `--fail-on` expression; the first bad one is a usage error with a caret.
pub fn parse_thresholds(exprs: &[String]) -> Result<Vec<Threshold>, Fail> {
    exprs
        .iter()
        .map(|e| threshold::parse(e).map_err(|err| Fail::usage(err.to_string().trim_end().to_owned())))
        .collect()
}

/// The report outline of a run.
pub async fn fetch_report(client: &Client, task_run_id: i32) -> Result<Report> {
    let r = client
        .show_merge_report_logs_outline()
        .task_run_id(task_run_id)
        .send()
        .await
        .map_err(Error::from)
        .with_context(|| format!("reading the report of run {task_run_id}"))?;
    let outline = r.into_inner().result.and_then(|r| r.outline).unwrap_or_default();
    Ok(Report::from_outline(&outline))
}

/// The report of a run that just ended: CPTS may need a moment to aggregate it, so an empty report
/// of a finished run is asked for again a few times.
async fn fetch_settled_report(client: &Client, id: i32, status: Option<RunStatus>, pause: Duration) -> Result<Report> {
    let mut report = fetch_report(client, id).await?;
    for _ in 0..REPORT_RETRIES {
        if !(report.metrics.is_empty() && status == Some(RunStatus::Finished)) {
            break;
        }
        tracing::debug!(task_run_id = id, "the report is still empty; asking again");
        tokio::time::sleep(pause.min(Duration::from_secs(10))).await;
        report = fetch_report(client, id).await?;
    }
    Ok(report)
}

/// How waiting ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    Status(RunStatus),
    TimedOut(Option<RunStatus>),
    Interrupted(Option<RunStatus>),
}

/// Poll until the run ends, the timeout elapses or an interrupt fires. Returns how it ended and
/// the run id (learnt from `show_task` when the start did not return one).
pub async fn wait(
    client: &Client,
    task: &TaskRef,
    mut run_id: Option<i32>,
    opts: &WaitOptions,
    progress: &mut Progress,
    interrupt: &mut Interrupt,
) -> Result<(Ended, Option<i32>)> {
    let deadline = opts.timeout.map(|t| Instant::now() + t);
    let mut failures = 0u32;
    let mut last = None;
    loop {
        if interrupt.fired() {
            progress.finish();
            return Ok((Ended::Interrupted(last), run_id));
        }
        let Some(polled) = bounded(lookup::show_task(client, task.id), deadline, interrupt).await else {
            progress.finish();
            let ended = if interrupt.fired() { Ended::Interrupted(last) } else { Ended::TimedOut(last) };
            return Ok((ended, run_id));
        };
        match polled {
            Ok(info) => {
                failures = 0;
                let (status, current) = lookup::run_state(&info);
                tracing::debug!(task_id = task.id, ?status, current_run = ?current, our_run = ?run_id, "polled show_task");
                if status.is_none() && run_id.is_none() && current.is_none() {
                    progress.finish();
                    return Err(
                        Fail::usage(format!("{} has never been started: nothing to wait for", task.label())).into()
                    );
                }
                // A terminal status of an earlier run is not ours: keep polling until CPTS shows our run.
                let ours =
                    matches!((run_id, current), (Some(a), Some(b)) if a == b) || run_id.is_none() || current.is_none();
                if run_id.is_none() && status.is_some_and(|s| !s.is_terminal()) {
                    run_id = current;
                }
                if ours {
                    last = status;
                }
                if let (true, Some(s)) = (ours, status)
                    && s.is_terminal()
                {
                    progress.update(&Snapshot { status: Some(s), ..Default::default() });
                    progress.finish();
                    // Already over at the first look (`perftest wait` after a short run): the run shown is it.
                    return Ok((Ended::Status(s), run_id.or(current)));
                }
                let mut snap = Snapshot { status: last, ..Default::default() };
                if let (Some(RunStatus::Running), Some(id)) = (last, run_id) {
                    match bounded(fetch_report(client, id), deadline, interrupt).await {
                        Some(Ok(rep)) => {
                            snap.tps = rep.metrics.tps;
                            snap.success_rate = rep.metrics.success_rate;
                        }
                        Some(Err(e)) => tracing::debug!("no live metrics: {e:#}"),
                        // The deadline or an interrupt: the top of the loop or the nap below sees it.
                        None => {}
                    }
                }
                progress.update(&snap);
            }
            Err(e) => {
                let code = exit::code_of(&e);
                failures += 1;
                if code != exit::API_ERROR || failures >= MAX_POLL_FAILURES {
                    progress.finish();
                    return Err(e);
                }
                progress.message(&format!("polling failed ({failures}/{MAX_POLL_FAILURES}), retrying: {e:#}"));
            }
        }
        let mut nap = opts.poll_interval;
        if let Some(d) = deadline {
            let left = d.saturating_duration_since(Instant::now());
            if left.is_zero() {
                progress.finish();
                return Ok((Ended::TimedOut(last), run_id));
            }
            nap = nap.min(left);
        }
        tokio::select! {
            _ = tokio::time::sleep(nap) => {}
            _ = interrupt.wait() => {}
        }
    }
}

/// `f`, unless the deadline passes or an interrupt fires first (`None` then): a call that hangs must
/// not hold up `--timeout` or Ctrl-C.
async fn bounded<T>(f: impl Future<Output = T>, deadline: Option<Instant>, interrupt: &mut Interrupt) -> Option<T> {
    if interrupt.fired() {
        return None;
    }
    let expired = async {
        match deadline {
            Some(d) => tokio::time::sleep_until(d.into()).await,
            None => std::future::pending().await,
        }
    };
    tokio::select! {
        out = f => Some(out),
        _ = expired => None,
        _ = interrupt.wait() => None,
    }
}

/// What `run` is asked to do once the task is known.
pub struct RunPlan<'a> {
    pub resource_group: Option<i32>,
    pub wait: &'a WaitOptions,
    pub thresholds: &'a [Threshold],
    /// `--retry-start`: see [`start_checked`].
    pub retry_start: bool,
}

/// Start the task, wait for the run to end, stop it on timeout or interrupt, fetch and judge the
/// report. Errors only when CPTS cannot be asked; every judged ending is a result.
pub async fn start_wait_judge(
    client: &Client,
    task: &TaskRef,
    plan: &RunPlan<'_>,
    progress: &mut Progress,
    interrupt: &mut Interrupt,
) -> Result<RunResult> {
    progress.message(&format!("starting {} in CPTS project {}", task.label(), task.project_id));
    let run_id = start_checked(client, task, plan.resource_group, plan.retry_start, progress).await?;
    match run_id {
        Some(id) => progress.message(&format!("run {id} started; waiting for it to end")),
        None => progress.message("run started (CPTS returned no run id); waiting for it to end"),
    }
    let began = Instant::now();
    let (ended, run_id) = match wait(client, task, run_id, plan.wait, progress, interrupt).await {
        Ok(ended) => ended,
        Err(e) => return Err(stop_after_error(client, task, plan, progress, e).await),
    };
    let mut notes = Vec::new();
    let (status, forced) = match ended {
        Ended::Status(s) => (Some(s), None),
        Ended::TimedOut(s) => (s, Some(Outcome::TimedOut)),
        Ended::Interrupted(s) => (s, Some(Outcome::Interrupted)),
    };
    if let Some(why) = forced {
        let reason = if why == Outcome::TimedOut {
            format!("timed out after {}", humanize(plan.wait.timeout.unwrap_or_default()))
        } else {
            "interrupted".to_owned()
        };
        if plan.wait.keep_running {
            notes.push(format!("{reason}; the run was left running (--keep-running)"));
        } else {
            progress.message(&format!("{reason}: stopping the run"));
            match stop(client, task, plan.resource_group).await {
                Ok(()) => notes.push(format!("{reason}; the run was stopped")),
                Err(e) => notes.push(format!("{reason}; stopping the run FAILED: {e:#}")),
            }
        }
    }
    let report = match run_id {
        Some(id) => match fetch_settled_report(client, id, status, plan.wait.poll_interval).await {
            Ok(r) => Some(r),
            Err(e) if forced.is_some() || status != Some(RunStatus::Finished) => {
                notes.push(format!("no report: {e:#}"));
                None
            }
            Err(e) => return Err(e),
        },
        None => {
            notes.push("CPTS gave no task run id, so there is no report to judge".into());
            None
        }
    };
    let empty = Report::default();
    let verdicts: Vec<_> =
        plan.thresholds.iter().map(|t| t.check(&report.as_ref().unwrap_or(&empty).metrics)).collect();
    let outcome = forced.unwrap_or_else(|| Outcome::judge(status, &verdicts));
    Ok(RunResult {
        task: Some(task.clone()),
        task_run_id: run_id,
        status,
        report,
        verdicts,
        outcome,
        notes,
        waited: Some(began.elapsed()),
    })
}

/// Waiting failed (CPTS could not be asked, or answered nonsense, too often): stop the run, so that a
/// failed pipeline does not leave it going, unless `--keep-running`.
async fn stop_after_error(
    client: &Client,
    task: &TaskRef,
    plan: &RunPlan<'_>,
    progress: &mut Progress,
    err: anyhow::Error,
) -> anyhow::Error {
    if plan.wait.keep_running {
        return append(err, "the run was left running (--keep-running)");
    }
    progress.message(&format!("waiting for the run failed ({err:#}): stopping the run"));
    match stop(client, task, plan.resource_group).await {
        Ok(()) => append(err, "the run was stopped"),
        Err(e) => append(
            err,
            &format!("stopping the run FAILED too ({e:#}): stop it with `perftest stop --task-id {}`", task.id),
        ),
    }
}

/// `err`'s message followed by what was done about it, keeping its exit code.
pub(crate) fn append(err: anyhow::Error, note: &str) -> anyhow::Error {
    Fail::new(exit::code_of(&err), format!("{err:#}; {note}")).into()
}

/// `1h 2m 3s`.
pub fn humanize(d: Duration) -> String {
    let s = d.as_secs();
    let (h, m, sec) = (s / 3600, s / 60 % 60, s % 60);
    let ms = d.subsec_millis();
    match (h, m, sec) {
        (0, 0, 0) => format!("{ms}ms"),
        (0, 0, _) if ms > 0 => format!("{:.1}s", d.as_secs_f64()),
        (0, 0, _) => format!("{sec}s"),
        (0, _, _) => format!("{m}m {sec}s"),
        _ => format!("{h}h {m}m {sec}s"),
    }
}

/// Judge an existing run (for `report`): its report, thresholds and, when known, its status.
pub async fn judge_existing(
    client: &Client,
    task: Option<TaskRef>,
    task_run_id: i32,
    status: Option<RunStatus>,
    thresholds: &[Threshold],
) -> Result<RunResult> {
    let report = fetch_report(client, task_run_id).await?;
    let status = status.or(report.task_status.map(RunStatus::from));
    let verdicts: Vec<_> = thresholds.iter().map(|t| t.check(&report.metrics)).collect();
    let mut notes = Vec::new();
    if status.is_some_and(|s| !s.is_terminal()) {
        notes.push("the run has not ended yet: its metrics are partial".into());
    }
    let outcome = Outcome::judge(status, &verdicts);
    Ok(RunResult {
        task,
        task_run_id: Some(task_run_id),
        status,
        report: Some(report),
        verdicts,
        outcome,
        notes,
        waited: None,
    })
}

/// Print and write a result (fetching the curves and case figures when an HTML report is asked
/// for); its exit code.
pub async fn finish(client: &Client, result: &RunResult, out: &OutputArgs) -> Result<u8> {
    let details = match (&out.html, result.task_run_id) {
        (None, _) => None,
        (Some(_), Some(id)) => {
            let task = result.task.as_ref().map(|t| t.id);
            Some(crate::report_data::fetch(client, id, task, result.report.as_ref()).await)
        }
        (Some(_), None) => Some(crate::output::html::Details {
            notes: vec!["CPTS gave no task run id: there are no curves or case figures to show".into()],
            ..Default::default()
        }),
    };
    output::emit(result, out, details.as_ref())?;
    Ok(result.outcome.code())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn humanized_durations() {
        assert_eq!(humanize(Duration::from_millis(250)), "250ms");
        assert_eq!(humanize(Duration::from_secs(90)), "1m 30s");
        assert_eq!(humanize(Duration::from_secs(3725)), "1h 2m 5s");
        assert_eq!(humanize(Duration::from_millis(1500)), "1.5s");
    }

    #[test]
    fn bad_thresholds_are_usage_errors_with_a_caret() {
        let e = parse_thresholds(&["tps<10".into(), "tps<<10".into()]).unwrap_err();
        assert_eq!(e.code, exit::USAGE);
        assert!(e.message.contains("tps<<10\n") && e.message.contains("^"), "{}", e.message);
    }
}
