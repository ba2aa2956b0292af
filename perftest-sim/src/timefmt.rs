//! Time strings as CPTS writes them.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use perftest_sdk::auth::SdkDate;

/// `YYYY-MM-DD HH:MM:SS` (UTC), the format of most CPTS time fields.
pub(crate) fn cpts_time(t: SystemTime) -> String {
    let d = SdkDate::from_system_time(t);
    let s = d.as_str(); // YYYYMMDDTHHMMSSZ
    match (s.get(0..4), s.get(4..6), s.get(6..8), s.get(9..11), s.get(11..13), s.get(13..15)) {
        (Some(y), Some(mo), Some(da), Some(h), Some(mi), Some(se)) => format!("{y}-{mo}-{da} {h}:{mi}:{se}"),
        _ => s.to_owned(),
    }
}

/// `YYYY-MM-DDTHH:MM:SSZ`, the format of `ProjectsSet.CreateTime`/`UpdateTime`.
pub(crate) fn iso_time(t: SystemTime) -> String {
    cpts_time(t).replacen(' ', "T", 1) + "Z"
}

/// `t` plus `secs` simulated seconds (negative or non-finite values add nothing).
pub(crate) fn plus_secs(t: SystemTime, secs: f64) -> SystemTime {
    if secs.is_finite() && secs > 0.0 {
        t + Duration::from_secs_f64(secs.min(1e10))
    } else {
        t
    }
}

/// Seconds since the Unix epoch (0 before it).
pub(crate) fn unix_secs(t: SystemTime) -> i64 {
    t.duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

/// Milliseconds since the Unix epoch (0 before it).
pub(crate) fn unix_millis(t: SystemTime) -> i64 {
    t.duration_since(UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        let t = UNIX_EPOCH + Duration::from_secs(1_735_787_045); // 2025-01-02 03:04:05
        assert_eq!(cpts_time(t), "2025-01-02 03:04:05");
        assert_eq!(iso_time(t), "2025-01-02T03:04:05Z");
        assert_eq!(unix_secs(plus_secs(t, 1.5)), 1_735_787_046);
    }
}
