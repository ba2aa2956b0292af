//! Hand-written types that replace weak generated ones (see the `with_replacement` settings in
//! `xtask/src/codegen.rs`): the start/stop action and the run status of a task.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The action sent to `update_task_status` / `batch_update_task_status`.
///
/// ```
/// use perftest_sdk::TaskStatus;
/// assert_eq!(serde_json::to_string(&TaskStatus::Start).unwrap(), "9");
/// assert_eq!(i32::from(TaskStatus::Stop), 2);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(i32)]
pub enum TaskStatus {
    /// Start a run of the task (wire value 9).
    Start = 9,
    /// Stop the running task (wire value 2).
    Stop = 2,
}

impl From<TaskStatus> for i32 {
    fn from(s: TaskStatus) -> i32 {
        s as i32
    }
}

impl TryFrom<i32> for TaskStatus {
    type Error = String;
    fn try_from(v: i32) -> Result<Self, String> {
        match v {
            9 => Ok(Self::Start),
            2 => Ok(Self::Stop),
            other => Err(format!("invalid task status {other}: expected 9 (start) or 2 (stop)")),
        }
    }
}

impl fmt::Display for TaskStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Start => "start",
            Self::Stop => "stop",
        })
    }
}

impl Serialize for TaskStatus {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i32(*self as i32)
    }
}

impl<'de> Deserialize<'de> for TaskStatus {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Self::try_from(i32::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

/// The run state of a task (`TaskInfo.run_status`). Values CPTS may add later are kept in
/// [`RunStatus::Unknown`] instead of failing the call.
///
/// ```
/// use perftest_sdk::RunStatus;
/// let s: RunStatus = serde_json::from_str("2").unwrap();
/// assert_eq!(s, RunStatus::Finished);
/// assert!(s.is_terminal());
/// let odd: RunStatus = serde_json::from_str("42").unwrap();
/// assert_eq!(odd, RunStatus::Unknown(42));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RunStatus {
    /// 9: waiting to run.
    Waiting,
    /// 0: running.
    Running,
    /// 1: paused.
    Paused,
    /// 2: finished.
    Finished,
    /// 3: aborted abnormally.
    Aborted,
    /// 4: stopped by the user after completing.
    StoppedCompleted,
    /// 5: stopped by the user.
    Stopped,
    /// A value this SDK does not know yet.
    Unknown(i32),
}

impl RunStatus {
    /// The wire value.
    ///
    /// ```
    /// assert_eq!(perftest_sdk::RunStatus::Waiting.code(), 9);
    /// ```
    pub fn code(self) -> i32 {
        match self {
            Self::Waiting => 9,
            Self::Running => 0,
            Self::Paused => 1,
            Self::Finished => 2,
            Self::Aborted => 3,
            Self::StoppedCompleted => 4,
            Self::Stopped => 5,
            Self::Unknown(v) => v,
        }
    }

    /// Whether the run has ended (finished, aborted or stopped): waiting on it further is pointless.
    ///
    /// ```
    /// use perftest_sdk::RunStatus;
    /// assert!(RunStatus::Aborted.is_terminal());
    /// assert!(!RunStatus::Waiting.is_terminal());
    /// ```
    pub fn is_terminal(self) -> bool {
        matches!(self, Self::Finished | Self::Aborted | Self::StoppedCompleted | Self::Stopped)
    }
}

impl From<i32> for RunStatus {
    fn from(v: i32) -> Self {
        match v {
            9 => Self::Waiting,
            0 => Self::Running,
            1 => Self::Paused,
            2 => Self::Finished,
            3 => Self::Aborted,
            4 => Self::StoppedCompleted,
            5 => Self::Stopped,
            other => Self::Unknown(other),
        }
    }
}

impl From<RunStatus> for i32 {
    fn from(s: RunStatus) -> i32 {
        s.code()
    }
}

impl fmt::Display for RunStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Waiting => f.write_str("waiting"),
            Self::Running => f.write_str("running"),
            Self::Paused => f.write_str("paused"),
            Self::Finished => f.write_str("finished"),
            Self::Aborted => f.write_str("aborted"),
            Self::StoppedCompleted => f.write_str("stopped (completed)"),
            Self::Stopped => f.write_str("stopped"),
            Self::Unknown(v) => write!(f, "unknown ({v})"),
        }
    }
}

impl Serialize for RunStatus {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i32(self.code())
    }
}

impl<'de> Deserialize<'de> for RunStatus {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        i32::deserialize(d).map(Self::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn task_status_rejects_other_codes() {
        assert!(serde_json::from_str::<TaskStatus>("9").is_ok());
        let err = serde_json::from_str::<TaskStatus>("3").unwrap_err().to_string();
        assert!(err.contains("expected 9 (start) or 2 (stop)"), "{err}");
    }

    #[test]
    fn run_status_round_trips_every_code() {
        for code in [9, 0, 1, 2, 3, 4, 5, -1, 77] {
            let s = RunStatus::from(code);
            assert_eq!(serde_json::to_string(&s).unwrap(), code.to_string());
        }
        assert!(!RunStatus::Running.is_terminal());
    }
}
