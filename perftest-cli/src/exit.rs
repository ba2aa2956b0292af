//! Exit codes: what a pipeline can branch on, and how errors map to them.

use std::fmt;

/// The run passed: it finished and every threshold held.
pub const PASSED: u8 = 0;
/// The run finished but at least one `--fail-on` threshold matched.
pub const THRESHOLDS_FAILED: u8 = 1;
/// Bad arguments, a bad threshold expression, or a project/task name that does not exist.
pub const USAGE: u8 = 2;
/// The run ended abnormally: aborted, or stopped by someone else.
pub const ABNORMAL: u8 = 3;
/// `--timeout` elapsed (the run was stopped unless `--keep-running`).
pub const TIMED_OUT: u8 = 4;
/// The API answered with an error, or the network failed.
pub const API_ERROR: u8 = 5;
/// The service rejected the credentials (401/403).
pub const AUTH_ERROR: u8 = 6;
/// Configuration is missing or invalid (credentials, IAM project id, region or endpoint).
pub const CONFIG_ERROR: u8 = 7;
/// Interrupted by Ctrl-C or SIGTERM (the run was stopped unless `--keep-running`).
pub const INTERRUPTED: u8 = 130;

/// Every exit code with its name and meaning, in the order `--help` lists them.
pub const TABLE: &[(u8, &str, &str)] = &[
    (PASSED, "passed", "the run finished and every threshold held"),
    (THRESHOLDS_FAILED, "thresholds failed", "the run finished and at least one --fail-on threshold matched"),
    (USAGE, "usage error", "bad arguments or threshold expression, or no project/task with that name"),
    (ABNORMAL, "run ended abnormally", "the run was aborted, or stopped by someone else"),
    (TIMED_OUT, "timed out", "--timeout elapsed; the run was stopped unless --keep-running"),
    (API_ERROR, "API or network error", "CPTS answered with an error, or it could not be reached"),
    (AUTH_ERROR, "authentication error", "CPTS rejected the credentials (HTTP 401 or 403)"),
    (CONFIG_ERROR, "configuration error", "missing credentials, IAM project id, region or endpoint"),
    (INTERRUPTED, "interrupted", "Ctrl-C or SIGTERM; the run was stopped unless --keep-running"),
];

/// The `--help` footer; a unit test keeps it in step with [`TABLE`].
pub const HELP: &str = "\
Exit codes:
    0    passed: the run finished and every threshold held
    1    thresholds failed: the run finished and at least one --fail-on threshold matched
    2    usage error: bad arguments or threshold expression, or no project/task with that name
    3    run ended abnormally: the run was aborted, or stopped by someone else
    4    timed out: --timeout elapsed; the run was stopped unless --keep-running
    5    API or network error: CPTS answered with an error, or it could not be reached
    6    authentication error: CPTS rejected the credentials (HTTP 401 or 403)
    7    configuration error: missing credentials, IAM project id, region or endpoint
    130  interrupted: Ctrl-C or SIGTERM; the run was stopped unless --keep-running";

/// The name of an exit code (`thresholds failed`), for logs.
pub fn name(code: u8) -> &'static str {
    TABLE.iter().find(|(c, _, _)| *c == code).map(|(_, n, _)| *n).unwrap_or("unknown")
}

/// An error that carries its exit code.
#[derive(Debug)]
pub struct Fail {
    pub code: u8,
    pub message: String,
}

impl Fail {
    pub fn new(code: u8, message: impl Into<String>) -> Self {
        Self { code, message: message.into() }
    }
    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(USAGE, message)
    }
    pub fn config(message: impl Into<String>) -> Self {
        Self::new(CONFIG_ERROR, message)
    }
}

impl fmt::Display for Fail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Fail {}

/// The exit code for an SDK error.
pub fn sdk_code(e: &perftest_sdk::Error) -> u8 {
    match e {
        perftest_sdk::Error::Config(_) => CONFIG_ERROR,
        perftest_sdk::Error::InvalidRequest(_) => USAGE,
        other => match other.status().map(|s| s.as_u16()) {
            Some(401 | 403) => AUTH_ERROR,
            _ => API_ERROR,
        },
    }
}

/// The exit code for any error: the first link of the chain that knows its code wins.
pub fn code_of(err: &anyhow::Error) -> u8 {
    for cause in err.chain() {
        if let Some(f) = cause.downcast_ref::<Fail>() {
            return f.code;
        }
        if let Some(e) = cause.downcast_ref::<perftest_sdk::Error>() {
            return sdk_code(e);
        }
        if cause.downcast_ref::<perftest_sdk::ConfigError>().is_some() {
            return CONFIG_ERROR;
        }
    }
    API_ERROR
}

/// A hint printed after an authentication error.
pub const AUTH_HINT: &str = "check HUAWEICLOUD_SDK_AK / HUAWEICLOUD_SDK_SK (or the credentials file), \
HUAWEICLOUD_SDK_SECURITY_TOKEN for temporary credentials, and the IAM project id of the region";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn help_lists_every_code_of_the_table() {
        let lines: Vec<&str> = HELP.lines().skip(1).collect();
        assert_eq!(lines.len(), TABLE.len());
        for (line, (code, name, meaning)) in lines.iter().zip(TABLE) {
            let expected = format!("{code:<4} {name}: {meaning}");
            assert_eq!(line.trim(), expected);
        }
    }

    #[test]
    fn fail_keeps_its_code_through_context() {
        let e = anyhow::Error::new(Fail::usage("bad")).context("while parsing");
        assert_eq!(code_of(&e), USAGE);
        assert_eq!(code_of(&anyhow::anyhow!("other")), API_ERROR);
    }
}
