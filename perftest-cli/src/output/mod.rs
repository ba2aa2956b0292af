//! The result of a run or a report, and the ways it is written: table, JSON, JUnit, an HTML page
//! with charts, a Markdown summary.

pub mod charts;
pub mod html;
mod html_charts;
pub mod json;
pub mod junit;
pub mod summary_md;
pub mod table;

#[cfg(test)]
mod html_tests;

use std::io::Write;
use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result};
use perftest_sdk::RunStatus;

use crate::cli::{Format, OutputArgs};
use crate::exit;
use crate::lookup::TaskRef;
use crate::metrics::Report;
use crate::threshold::Verdict;

/// How a run ended, as judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Finished, every threshold held.
    Passed,
    /// Finished, some threshold matched.
    ThresholdsFailed,
    /// Aborted, or stopped by someone else.
    Abnormal,
    /// `--timeout` elapsed.
    TimedOut,
    /// Ctrl-C or SIGTERM.
    Interrupted,
}

impl Outcome {
    pub fn code(self) -> u8 {
        match self {
            Outcome::Passed => exit::PASSED,
            Outcome::ThresholdsFailed => exit::THRESHOLDS_FAILED,
            Outcome::Abnormal => exit::ABNORMAL,
            Outcome::TimedOut => exit::TIMED_OUT,
            Outcome::Interrupted => exit::INTERRUPTED,
        }
    }

    /// The stable name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Passed => "passed",
            Outcome::ThresholdsFailed => "thresholds_failed",
            Outcome::Abnormal => "ended_abnormally",
            Outcome::TimedOut => "timed_out",
            Outcome::Interrupted => "interrupted",
        }
    }

    /// The judgement of a run that ended with `status` and these verdicts.
    pub fn judge(status: Option<RunStatus>, verdicts: &[Verdict]) -> Self {
        match status {
            Some(s) if s.is_terminal() && s != RunStatus::Finished => Outcome::Abnormal,
            _ if verdicts.iter().all(|v| v.passed) => Outcome::Passed,
            _ => Outcome::ThresholdsFailed,
        }
    }
}

/// Everything known about a judged run.
#[derive(Debug, Clone)]
pub struct RunResult {
    pub task: Option<TaskRef>,
    pub task_run_id: Option<i32>,
    pub status: Option<RunStatus>,
    pub report: Option<Report>,
    pub verdicts: Vec<Verdict>,
    pub outcome: Outcome,
    /// What we did about the run at the end (`stopped after the timeout`, ...).
    pub notes: Vec<String>,
    /// Time spent waiting, when we waited.
    pub waited: Option<Duration>,
}

impl RunResult {
    /// One line for people: `PASSED: 3 thresholds held` etc.
    pub fn summary(&self) -> String {
        let failed = self.verdicts.iter().filter(|v| !v.passed).count();
        let total = self.verdicts.len();
        let status = self.status.map(|s| s.to_string()).unwrap_or_else(|| "unknown".into());
        match self.outcome {
            Outcome::Passed if total == 0 => "PASSED: the run finished (no thresholds given)".into(),
            Outcome::Passed => format!("PASSED: all {total} threshold{} held", plural(total)),
            Outcome::ThresholdsFailed => format!("FAILED: {failed} of {total} threshold{} failed", plural(total)),
            Outcome::Abnormal => format!("FAILED: the run ended abnormally ({status})"),
            Outcome::TimedOut => "FAILED: timed out waiting for the run to end".into(),
            Outcome::Interrupted => "INTERRUPTED: stopped waiting on a signal".into(),
        }
    }
}

pub fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Print the result on standard output in `args.output`, then write the requested files (a file
/// that cannot be written is a usage error, after the result has been shown). `details` feed the
/// HTML report (`--html`); without them it has no charts or case table.
pub fn emit(result: &RunResult, args: &OutputArgs, details: Option<&html::Details>) -> Result<()> {
    let json = json::render(result);
    let text = match args.output {
        Format::Json => serde_json::to_string_pretty(&json)? + "\n",
        Format::Table => table::render(result),
    };
    print_stdout(&text)?;
    if let Some(path) = &args.json {
        let text = serde_json::to_string_pretty(&json)? + "\n";
        write_atomic(path, text.as_bytes())
            .map_err(|e| exit::Fail::usage(format!("cannot write the JSON result to {}: {e}", path.display())))?;
    }
    if let Some(path) = &args.junit {
        write_atomic(path, junit::render(result).as_bytes())
            .map_err(|e| exit::Fail::usage(format!("cannot write the JUnit file to {}: {e}", path.display())))?;
    }
    if let Some(path) = &args.html {
        let empty = html::Details::default();
        let page = html::render(result, details.unwrap_or(&empty), &crate::report_data::now_utc());
        write_atomic(path, page.as_bytes())
            .map_err(|e| exit::Fail::usage(format!("cannot write the HTML report to {}: {e}", path.display())))?;
    }
    if let Some(path) = &args.summary_md {
        write_atomic(path, summary_md::render(result).as_bytes())
            .map_err(|e| exit::Fail::usage(format!("cannot write the Markdown summary to {}: {e}", path.display())))?;
    }
    Ok(())
}

/// Write to standard output; a closed pipe is not an error worth a stack of messages.
pub fn print_stdout(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("writing to standard output"),
    }
}

/// Write `bytes` to `path` all or nothing: a temporary file beside it, synced, then renamed over it.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "output".into());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Escape text for XML, HTML and SVG content and attribute values (JUnit, the HTML report and its
/// charts); characters XML 1.0 forbids become U+FFFD.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_and_leaves_no_temporary() {
        let dir = std::env::temp_dir().join(format!("perftest-cli-atomic-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("out.json");
        write_atomic(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        let names: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names.len(), 1, "{names:?}");
        assert!(write_atomic(&dir.join("missing/out.json"), b"x").is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn judging() {
        assert_eq!(Outcome::judge(Some(RunStatus::Finished), &[]), Outcome::Passed);
        assert_eq!(Outcome::judge(Some(RunStatus::Aborted), &[]), Outcome::Abnormal);
        assert_eq!(Outcome::judge(Some(RunStatus::Stopped), &[]), Outcome::Abnormal);
        assert_eq!(Outcome::judge(None, &[]), Outcome::Passed);
    }
}
