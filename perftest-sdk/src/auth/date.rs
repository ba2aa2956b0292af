//! The `X-Sdk-Date` timestamp (`YYYYMMDDTHHMMSSZ`, UTC).

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use super::SignError;

const SECS_PER_DAY: i64 = 86_400;

/// A signing timestamp in the `YYYYMMDDTHHMMSSZ` form carried by the `X-Sdk-Date` header (always UTC).
///
/// Construction is pure: [`SdkDate::from_system_time`] converts a time you pass in, nothing here reads
/// the clock.
///
/// ```
/// use perftest_sdk::auth::SdkDate;
///
/// let d = SdkDate::parse("20240301T120000Z").unwrap();
/// assert_eq!(d.to_string(), "20240301T120000Z");
/// assert_eq!(d.unix_seconds(), 1_709_294_400);
/// assert_eq!(SdkDate::from_unix_seconds(1_709_294_400), d);
/// assert!(SdkDate::parse("2024-03-01T12:00:00Z").is_err());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SdkDate([u8; 16]);

impl SdkDate {
    /// Parses exactly `YYYYMMDDTHHMMSSZ` (16 ASCII characters, a real calendar date, year ≥ 1,
    /// seconds 00–59). Surrounding whitespace is not accepted; trim first if needed.
    ///
    /// ```
    /// use perftest_sdk::auth::SdkDate;
    /// assert!(SdkDate::parse("20240301T120000Z").is_ok());
    /// assert!(SdkDate::parse("2024-03-01").is_err());
    /// ```
    pub fn parse(s: &str) -> Result<Self, SignError> {
        let invalid = || SignError::InvalidDate {
            value: truncate_for_message(s),
        };
        let b: [u8; 16] = s.as_bytes().try_into().map_err(|_| invalid())?;
        let digits_ok = b
            .iter()
            .enumerate()
            .all(|(i, c)| matches!(i, 8 | 15) || c.is_ascii_digit());
        if !digits_ok || b[8] != b'T' || b[15] != b'Z' {
            return Err(invalid());
        }
        let num = |r: std::ops::Range<usize>| {
            b[r].iter()
                .fold(0i64, |acc, c| acc * 10 + i64::from(c - b'0'))
        };
        let (year, month, day) = (num(0..4), num(4..6), num(6..8));
        let (hour, minute, second) = (num(9..11), num(11..13), num(13..15));
        let valid = year >= 1
            && (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(year, month)
            && hour <= 23
            && minute <= 59
            && second <= 59;
        if valid {
            Ok(SdkDate(b))
        } else {
            Err(invalid())
        }
    }

    /// Converts a [`SystemTime`] (truncated to whole seconds, UTC). Times outside the years
    /// 0001–9999 are clamped to that range.
    ///
    /// ```
    /// use perftest_sdk::auth::SdkDate;
    /// use std::time::{Duration, UNIX_EPOCH};
    ///
    /// let t = UNIX_EPOCH + Duration::from_secs(1_705_307_400);
    /// assert_eq!(SdkDate::from_system_time(t).to_string(), "20240115T083000Z");
    /// ```
    pub fn from_system_time(t: SystemTime) -> Self {
        let secs = match t.duration_since(UNIX_EPOCH) {
            Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
            Err(e) => {
                let d = e.duration();
                let whole = i64::try_from(d.as_secs()).unwrap_or(i64::MAX);
                0i64.saturating_sub(whole)
                    .saturating_sub(i64::from(d.subsec_nanos() > 0))
            }
        };
        Self::from_unix_seconds(secs)
    }

    /// Builds a date from seconds since the Unix epoch (clamped to the years 0001–9999).
    ///
    /// ```
    /// use perftest_sdk::auth::SdkDate;
    /// assert_eq!(SdkDate::from_unix_seconds(0).as_str(), "19700101T000000Z");
    /// ```
    pub fn from_unix_seconds(secs: i64) -> Self {
        let min = days_from_civil(1, 1, 1) * SECS_PER_DAY;
        let max = days_from_civil(9999, 12, 31) * SECS_PER_DAY + SECS_PER_DAY - 1;
        let secs = secs.clamp(min, max);
        let days = secs.div_euclid(SECS_PER_DAY);
        let rem = secs.rem_euclid(SECS_PER_DAY);
        let (y, m, d) = civil_from_days(days);
        let mut out = *b"00000000T000000Z";
        put_digits(&mut out[0..4], y);
        put_digits(&mut out[4..6], m);
        put_digits(&mut out[6..8], d);
        put_digits(&mut out[9..11], rem / 3600);
        put_digits(&mut out[11..13], rem % 3600 / 60);
        put_digits(&mut out[13..15], rem % 60);
        SdkDate(out)
    }

    /// Seconds since the Unix epoch (negative before 1970), e.g. to check clock skew.
    ///
    /// ```
    /// use perftest_sdk::auth::SdkDate;
    /// assert_eq!(SdkDate::parse("19700101T000100Z").unwrap().unix_seconds(), 60);
    /// ```
    pub fn unix_seconds(&self) -> i64 {
        let num = |r: std::ops::Range<usize>| {
            self.0[r]
                .iter()
                .fold(0i64, |acc, c| acc * 10 + i64::from(c.wrapping_sub(b'0')))
        };
        let days = days_from_civil(num(0..4), num(4..6), num(6..8));
        days * SECS_PER_DAY + num(9..11) * 3600 + num(11..13) * 60 + num(13..15)
    }

    /// The `YYYYMMDDTHHMMSSZ` text.
    ///
    /// ```
    /// use perftest_sdk::auth::SdkDate;
    /// assert_eq!(SdkDate::from_unix_seconds(86_400).as_str(), "19700102T000000Z");
    /// ```
    pub fn as_str(&self) -> &str {
        // Always ASCII by construction.
        std::str::from_utf8(&self.0).unwrap_or("")
    }
}

impl fmt::Display for SdkDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for SdkDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("SdkDate").field(&self.as_str()).finish()
    }
}

fn truncate_for_message(s: &str) -> String {
    s.chars().take(64).collect()
}

fn put_digits(dst: &mut [u8], mut v: i64) {
    for slot in dst.iter_mut().rev() {
        *slot = b'0' + (v.rem_euclid(10)) as u8;
        v /= 10;
    }
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 for a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn parse_rejects_bad_dates() {
        for bad in [
            "",
            "20240230T000000Z",
            "20230229T000000Z",
            "20241301T000000Z",
            "20240101T240000Z",
            "20240101T006000Z",
            "20240101T000060Z",
            "00000101T000000Z",
            "20240101 000000Z",
            "20240101T000000z",
            " 20240101T000000Z",
            "2024010lT000000Z",
            "20240101T000000Z0",
            "२०२४0101T000000Z",
        ] {
            assert!(SdkDate::parse(bad).is_err(), "{bad:?} accepted");
        }
        assert!(SdkDate::parse("20240229T235959Z").is_ok());
        assert!(SdkDate::parse("00010101T000000Z").is_ok());
    }

    #[test]
    fn round_trips_and_clamps() {
        for s in [
            "19700101T000000Z",
            "20240229T235959Z",
            "19691231T235959Z",
            "00010101T000000Z",
            "99991231T235959Z",
        ] {
            let d = SdkDate::parse(s).unwrap();
            assert_eq!(SdkDate::from_unix_seconds(d.unix_seconds()), d, "{s}");
        }
        assert_eq!(
            SdkDate::from_unix_seconds(i64::MIN).as_str(),
            "00010101T000000Z"
        );
        assert_eq!(
            SdkDate::from_unix_seconds(i64::MAX).as_str(),
            "99991231T235959Z"
        );
        let before = UNIX_EPOCH - Duration::from_millis(500);
        assert_eq!(
            SdkDate::from_system_time(before).as_str(),
            "19691231T235959Z"
        );
    }
}
