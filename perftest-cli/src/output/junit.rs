//! JUnit XML: one `<testcase>` for the run's outcome and one per threshold, so any CI shows which
//! threshold failed and by how much.

use super::escape;
use std::fmt::Write;

use super::{Outcome, RunResult};

/// The JUnit document for a result.
pub fn render(r: &RunResult) -> String {
    let task = r.task.as_ref();
    let suite = match task {
        Some(t) => format!("perftest {}", t.label()),
        None => "perftest".to_owned(),
    };
    let classname = format!("perftest.{}", task.and_then(|t| t.name.clone()).unwrap_or_else(|| "run".into()));
    let time = r.waited.map(|d| d.as_secs_f64()).unwrap_or(0.0);
    let status = r.status.map(|s| s.to_string()).unwrap_or_else(|| "unknown".into());

    // The run's own test case.
    let run_case_name = match r.task_run_id {
        Some(id) => format!("run {id} completed"),
        None => "run completed".to_owned(),
    };
    let (run_failure, run_error) = match r.outcome {
        Outcome::Passed | Outcome::ThresholdsFailed => (None, None),
        Outcome::Abnormal => (Some(format!("the run ended abnormally: {status}")), None),
        Outcome::TimedOut => (Some(format!("timed out waiting for the run to end (last status: {status})")), None),
        Outcome::Interrupted => (None, Some(format!("interrupted while waiting (last status: {status})"))),
    };
    let failures = r.verdicts.iter().filter(|v| !v.passed).count() + usize::from(run_failure.is_some());
    let errors = usize::from(run_error.is_some());
    let tests = r.verdicts.len() + 1;

    let mut x = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        x,
        "<testsuites name=\"perftest\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\" time=\"{time:.3}\">"
    );
    let _ = writeln!(
        x,
        "  <testsuite name=\"{}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"0\" time=\"{time:.3}\">",
        escape(&suite)
    );
    x.push_str("    <properties>\n");
    let mut props: Vec<(&str, String)> = Vec::new();
    if let Some(t) = task {
        props.push(("task_id", t.id.to_string()));
        props.push(("project_id", t.project_id.to_string()));
    }
    if let Some(id) = r.task_run_id {
        props.push(("task_run_id", id.to_string()));
    }
    props.push(("status", status.clone()));
    props.push(("outcome", r.outcome.as_str().to_owned()));
    for (k, v) in props {
        let _ = writeln!(x, "      <property name=\"{}\" value=\"{}\"/>", escape(k), escape(&v));
    }
    x.push_str("    </properties>\n");

    let _ = write!(
        x,
        "    <testcase classname=\"{}\" name=\"{}\" time=\"{time:.3}\"",
        escape(&classname),
        escape(&run_case_name)
    );
    match (&run_failure, &run_error) {
        (Some(msg), _) => {
            let _ = write!(
                x,
                ">\n      <failure message=\"{0}\" type=\"run\">{0}</failure>\n    </testcase>\n",
                escape(msg)
            );
        }
        (_, Some(msg)) => {
            let _ = write!(
                x,
                ">\n      <error message=\"{0}\" type=\"interrupted\">{0}</error>\n    </testcase>\n",
                escape(msg)
            );
        }
        _ => x.push_str("/>\n"),
    }

    for v in &r.verdicts {
        let _ = write!(
            x,
            "    <testcase classname=\"{}\" name=\"{}\" time=\"0\"",
            escape(&classname),
            escape(&v.threshold.expression)
        );
        if v.passed {
            let _ = write!(x, ">\n      <system-out>{}</system-out>\n    </testcase>\n", escape(&v.explanation()));
        } else {
            let msg = v.explanation();
            let _ = write!(
                x,
                ">\n      <failure message=\"{}\" type=\"threshold\">{}: {}</failure>\n    </testcase>\n",
                escape(&msg),
                escape(&v.threshold.expression),
                escape(&msg)
            );
        }
    }
    x.push_str("  </testsuite>\n</testsuites>\n");
    x
}


#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_control_characters() {
        assert_eq!(escape(r#"a<b & "c" 'd'>"#), "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;");
        assert_eq!(escape("x\u{1}y\nz"), "x\u{FFFD}y&#10;z");
    }
}
