//! Progress on standard error while waiting: one live line on a terminal, timestamped lines otherwise.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

use perftest_sdk::RunStatus;

use crate::threshold::format_number;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Off,
    /// A terminal: one line rewritten with `\r`.
    Live,
    /// A log: one timestamped line per poll.
    Lines,
}

/// What one poll saw.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Snapshot {
    pub status: Option<RunStatus>,
    pub tps: Option<f64>,
    pub success_rate: Option<f64>,
}

impl Snapshot {
    /// `running tps=123.4 success=99.9%` (the parts the API gave).
    pub fn describe(&self) -> String {
        let mut s = match self.status {
            Some(st) => st.to_string(),
            None => "status unknown".to_owned(),
        };
        if let Some(tps) = self.tps {
            s.push_str(&format!(" tps={}", format_tenth(tps)));
        }
        if let Some(rate) = self.success_rate {
            s.push_str(&format!(" success={}%", format_number(rate)));
        }
        s
    }
}

fn format_tenth(v: f64) -> String {
    format_number((v * 10.0).round() / 10.0)
}

/// `00:01:23`.
pub fn clock(d: Duration) -> String {
    let s = d.as_secs();
    format!("{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}

/// The progress printer.
#[derive(Debug)]
pub struct Progress {
    mode: Mode,
    started: Instant,
    live_width: usize,
}

impl Progress {
    /// Off when `quiet`; live when standard error is a terminal; lines otherwise.
    pub fn new(quiet: bool) -> Self {
        let mode = if quiet {
            Mode::Off
        } else if std::io::stderr().is_terminal() {
            Mode::Live
        } else {
            Mode::Lines
        };
        Self { mode, started: Instant::now(), live_width: 0 }
    }

    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    /// Show what a poll saw.
    pub fn update(&mut self, snapshot: &Snapshot) {
        let line = format!("[{}] {}", clock(self.elapsed()), snapshot.describe());
        let mut err = std::io::stderr().lock();
        match self.mode {
            Mode::Off => {}
            Mode::Lines => {
                let _ = writeln!(err, "{line}");
            }
            Mode::Live => {
                let width = line.chars().count();
                let pad = " ".repeat(self.live_width.saturating_sub(width));
                let _ = write!(err, "\r{line}{pad}");
                let _ = err.flush();
                self.live_width = width;
            }
        }
    }

    /// A message on its own line (ends the live line first).
    pub fn message(&mut self, text: &str) {
        if self.mode == Mode::Off {
            return;
        }
        self.finish();
        let _ = writeln!(std::io::stderr().lock(), "{text}");
    }

    /// End the live line, if one is shown.
    pub fn finish(&mut self) {
        if self.mode == Mode::Live && self.live_width > 0 {
            let _ = writeln!(std::io::stderr().lock());
            self.live_width = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshot_lines() {
        let s = Snapshot { status: Some(RunStatus::Running), tps: Some(123.44), success_rate: Some(99.96) };
        assert_eq!(s.describe(), "running tps=123.4 success=99.96%");
        let s = Snapshot { status: Some(RunStatus::Waiting), ..Default::default() };
        assert_eq!(s.describe(), "waiting");
        assert_eq!(clock(Duration::from_secs(83)), "00:01:23");
        assert_eq!(clock(Duration::from_secs(3 * 3600 + 5)), "03:00:05");
    }
}
