//! Synthetic load numbers: one curve point per simulated interval (10 s, or longer for runs over
//! two hours so that a curve never has more than 720 points), drawn from a generator seeded with the
//! simulator seed, the run id and the case run id. The whole planned curve is drawn up front and cut
//! at the current load window, so a running run's report is always a prefix of the final one.
//!
//! Invariants (per case run, per AW and for the task):
//! `requests = success + failures`; `failures = timeouts + http4xx + http5xx`;
//! `sum2xx = success`; `success_rate = 100 · success / requests`.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::profile::Profile;
use crate::state::{CaseRun, Run};

/// Most points a curve has.
const MAX_POINTS: f64 = 720.0;
/// Interval of a curve point, in simulated seconds (at least).
const STEP_SECS: f64 = 10.0;

/// A generator for one purpose, derived from the simulator seed and some ids.
pub(crate) fn seeded(seed: u64, parts: &[u64]) -> StdRng {
    let mut h = seed ^ 0x9e37_79b9_7f4a_7c15;
    for p in parts {
        h = splitmix(h ^ p.wrapping_mul(0xbf58_476d_1ce4_e5b9));
    }
    StdRng::seed_from_u64(h)
}

fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Triangular noise in -1..1.
fn noise(rng: &mut StdRng) -> f64 {
    (rng.random::<f64>() + rng.random::<f64>()) - 1.0
}

/// One curve point.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Point {
    /// Simulated seconds after the case's load start at which the interval begins.
    pub start: f64,
    /// Seconds of the interval covered so far.
    pub secs: f64,
    pub users: f64,
    pub avg_rt: f64,
    pub requests: u64,
    pub failures: u64,
    pub timeouts: u64,
}

impl Point {
    pub(crate) fn tps(&self) -> f64 {
        if self.secs > 0.0 {
            self.requests as f64 / self.secs
        } else {
            0.0
        }
    }
    pub(crate) fn success(&self) -> u64 {
        self.requests - self.failures
    }
    pub(crate) fn http_errors(&self) -> u64 {
        self.failures - self.timeouts
    }
    /// Sent KB/s (0.6 KB per request).
    pub(crate) fn sent_kbps(&self) -> f64 {
        round2(self.tps() * 0.6)
    }
    /// Received KB/s (2.4 KB per request).
    pub(crate) fn rec_kbps(&self) -> f64 {
        round2(self.tps() * 2.4)
    }
}

/// Share of a run's load window that its incident covers.
const INCIDENT_SHARE: f64 = 0.12;
/// Response times during the incident, relative to the rest of the run.
const INCIDENT_RT: f64 = 1.6;
/// Failure ratio during the incident, relative to the run's average.
const INCIDENT_FAILURES: f64 = 3.0;

/// The planned curve of a case run, drawn in full.
///
/// Its shape, so that charts of it say something: users ramp up over the first fifth (at most
/// 30 s); response times are lower at low concurrency, swell slowly and carry noise; one seeded
/// incident (12 % of the run, starting between 40 % and 70 % of it) raises the response times
/// by 60 % and triples the failure ratio, with fewer failures elsewhere so that the run's
/// average stays the profile's. Without a TPS target the throughput follows users / response
/// time (a closed workload), so it dips during the incident.
pub(crate) fn planned_curve(seed: u64, run: &Run, case: &CaseRun) -> Vec<Point> {
    let profile: &Profile = &run.profile;
    let mut rng = seeded(seed, &[run.id as u64, case.id as u64, 1]);
    let duration = case.duration_secs.max(1.0);
    let step = (duration / MAX_POINTS).max(STEP_SECS);
    let n = (duration / step).ceil() as usize;
    let rt_base = profile.avg_rt_ms();
    let fail_base = 1.0 - profile.success_rate() / 100.0;
    let users = f64::from(case.users.max(1));
    let tps_base = case.tps_target.unwrap_or(users * 1000.0 / rt_base).clamp(0.1, 100_000.0);
    let ramp_secs = (duration / 5.0).clamp(1.0, 30.0);
    let timeout_share = profile.timeout_share();
    let phase = rng.random::<f64>() * std::f64::consts::TAU;
    let swells = 1.0 + 2.0 * rng.random::<f64>();
    let incident_start = duration * (0.4 + 0.3 * rng.random::<f64>());
    let incident_end = incident_start + duration * INCIDENT_SHARE;
    let calm_failures = (1.0 - INCIDENT_FAILURES * INCIDENT_SHARE) / (1.0 - INCIDENT_SHARE);
    (0..n)
        .map(|i| {
            let start = i as f64 * step;
            let end = ((i + 1) as f64 * step).min(duration);
            let mid = (start + end) / 2.0;
            let ramp = (end / ramp_secs).min(1.0);
            let incident = (incident_start..incident_end).contains(&mid);
            let swell = 1.0 + 0.08 * (std::f64::consts::TAU * swells * mid / duration + phase).sin();
            let rt_model = rt_base * (0.7 + 0.3 * ramp) * swell * if incident { INCIDENT_RT } else { 1.0 };
            let tps = match case.tps_target {
                Some(_) => tps_base * ramp * (1.0 + 0.04 * noise(&mut rng)),
                None => tps_base * ramp * (rt_base / rt_model) * (1.0 + 0.05 * noise(&mut rng)),
            };
            let avg_rt = (rt_model * (1.0 + 0.08 * noise(&mut rng))).max(1.0);
            let fail_factor = if incident { INCIDENT_FAILURES } else { calm_failures };
            let fail_ratio = (fail_base * fail_factor * (1.0 + 0.3 * noise(&mut rng))).clamp(0.0, 1.0);
            let requests = (tps * (end - start)).round().max(0.0) as u64;
            let failures = ((requests as f64 * fail_ratio).round() as u64).min(requests);
            let timeouts = ((failures as f64 * timeout_share).round() as u64).min(failures);
            Point { start, secs: end - start, users: (users * ramp).round(), avg_rt, requests, failures, timeouts }
        })
        .collect()
}

/// The part of `planned` generated within `window` seconds of load (the last interval scaled).
pub(crate) fn cut(planned: &[Point], window: f64) -> Vec<Point> {
    planned
        .iter()
        .take_while(|p| p.start < window)
        .map(|p| {
            let covered = (window - p.start).min(p.secs);
            if covered >= p.secs {
                return *p;
            }
            let f = if p.secs > 0.0 { covered / p.secs } else { 0.0 };
            let requests = (p.requests as f64 * f).round() as u64;
            let failures = ((p.failures as f64 * f).round() as u64).min(requests);
            let timeouts = ((p.timeouts as f64 * f).round() as u64).min(failures);
            Point { secs: covered, requests, failures, timeouts, ..*p }
        })
        .collect()
}

/// The curve of a case run after `task_window` seconds of the task's load.
pub(crate) fn case_curve(seed: u64, run: &Run, case: &CaseRun, task_window: f64) -> Vec<Point> {
    let window = (task_window - case.offset_secs).clamp(0.0, case.duration_secs);
    cut(&planned_curve(seed, run, case), window)
}

/// The curves of the AWs: the case curve's counts split by AW share (exactly: the AW curves of a
/// case add up to the case curve), response times varied per AW around the case's.
pub(crate) fn aw_curves(seed: u64, run: &Run, case: &CaseRun, curve: &[Point]) -> Vec<Vec<Point>> {
    let mut rng = seeded(seed, &[run.id as u64, case.id as u64, 2]);
    let raw: Vec<f64> = case.aws.iter().map(|_| 0.8 + 0.4 * rng.random::<f64>()).collect();
    // Normalised to a mean of 1, so the AW averages centre on the case average.
    let mean = (raw.iter().sum::<f64>() / raw.len().max(1) as f64).max(f64::MIN_POSITIVE);
    let factors: Vec<f64> = raw.iter().map(|f| f / mean).collect();
    let shares: Vec<f64> = case.aws.iter().map(|a| a.share).collect();
    let mut out: Vec<Vec<Point>> = vec![Vec::with_capacity(curve.len()); case.aws.len()];
    for p in curve {
        let req = split(p.requests, &shares, None);
        let fail = split(p.failures, &shares, Some(&req));
        let tout = split(p.timeouts, &shares, Some(&fail));
        for (k, series) in out.iter_mut().enumerate() {
            series.push(Point {
                avg_rt: p.avg_rt * factors[k],
                requests: req[k],
                failures: fail[k],
                timeouts: tout[k],
                ..*p
            });
        }
    }
    out
}

/// Splits `total` by `shares` (largest remainder), never giving part k more than `caps[k]`.
pub(crate) fn split(total: u64, shares: &[f64], caps: Option<&[u64]>) -> Vec<u64> {
    let sum: f64 = shares.iter().sum::<f64>().max(f64::MIN_POSITIVE);
    let cap = |k: usize| caps.map_or(u64::MAX, |c| c[k]);
    let mut parts: Vec<u64> =
        shares.iter().enumerate().map(|(k, s)| ((total as f64 * s / sum).floor() as u64).min(cap(k))).collect();
    let mut left = total.saturating_sub(parts.iter().sum());
    while left > 0 {
        let Some(k) = (0..parts.len()).filter(|&k| parts[k] < cap(k)).max_by(|&a, &b| {
            (shares[a] - parts[a] as f64 / total.max(1) as f64)
                .total_cmp(&(shares[b] - parts[b] as f64 / total.max(1) as f64))
        }) else {
            break;
        };
        parts[k] += 1;
        left -= 1;
    }
    parts
}

/// Totals and response-time statistics of a curve (or of several).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Summary {
    pub requests: u64,
    pub failures: u64,
    pub timeouts: u64,
    /// Seconds of load covered.
    pub secs: f64,
    pub max_tps: f64,
    pub max_users: f64,
    pub avg_rt: f64,
    pub min_rt: f64,
    pub max_rt: f64,
}

impl Summary {
    pub(crate) fn of(curve: &[Point]) -> Self {
        let requests: u64 = curve.iter().map(|p| p.requests).sum();
        let weighted: f64 = curve.iter().map(|p| p.avg_rt * p.requests as f64).sum();
        let avg_rt = if requests > 0 { weighted / requests as f64 } else { 0.0 };
        let with_traffic = curve.iter().filter(|p| p.requests > 0);
        let min_rt = with_traffic.clone().map(|p| p.avg_rt).fold(f64::INFINITY, f64::min);
        let max_rt = with_traffic.map(|p| p.avg_rt).fold(0.0, f64::max);
        Self {
            requests,
            failures: curve.iter().map(|p| p.failures).sum(),
            timeouts: curve.iter().map(|p| p.timeouts).sum(),
            secs: curve.iter().map(|p| p.secs).sum(),
            max_tps: curve.iter().map(Point::tps).fold(0.0, f64::max),
            max_users: curve.iter().map(|p| p.users).fold(0.0, f64::max),
            avg_rt: round2(avg_rt),
            min_rt: if min_rt.is_finite() { (min_rt * 0.25).round() } else { 0.0 },
            max_rt: (max_rt * 4.0).round(),
        }
    }

    /// Several case summaries as one: counts add up, response times are request-weighted, `secs`
    /// is the task's load window and users add up when the cases ran in parallel.
    pub(crate) fn merge(parts: &[Summary], task_secs: f64, parallel: bool) -> Self {
        let requests: u64 = parts.iter().map(|s| s.requests).sum();
        let weighted: f64 = parts.iter().map(|s| s.avg_rt * s.requests as f64).sum();
        let active = parts.iter().filter(|s| s.requests > 0);
        let users = parts.iter().map(|s| s.max_users);
        let min_rt = active.clone().map(|s| s.min_rt).fold(f64::INFINITY, f64::min);
        Self {
            requests,
            failures: parts.iter().map(|s| s.failures).sum(),
            timeouts: parts.iter().map(|s| s.timeouts).sum(),
            secs: task_secs,
            max_tps: if parallel {
                parts.iter().map(|s| s.max_tps).sum()
            } else {
                parts.iter().map(|s| s.max_tps).fold(0.0, f64::max)
            },
            max_users: if parallel { users.sum() } else { users.fold(0.0, f64::max) },
            avg_rt: if requests > 0 { round2(weighted / requests as f64) } else { 0.0 },
            min_rt: if min_rt.is_finite() { min_rt } else { 0.0 },
            max_rt: active.map(|s| s.max_rt).fold(0.0, f64::max),
        }
    }

    pub(crate) fn success(&self) -> u64 {
        self.requests - self.failures
    }
    pub(crate) fn http_errors(&self) -> u64 {
        self.failures - self.timeouts
    }
    /// 4xx answers: three fifths of the HTTP errors.
    pub(crate) fn http4xx(&self) -> u64 {
        self.http_errors() * 3 / 5
    }
    pub(crate) fn http5xx(&self) -> u64 {
        self.http_errors() - self.http4xx()
    }
    /// Percent of requests that succeeded (0 when there were none).
    pub(crate) fn success_rate(&self) -> f64 {
        if self.requests == 0 {
            0.0
        } else {
            round2(self.success() as f64 * 100.0 / self.requests as f64)
        }
    }
    /// Average TPS over the covered window.
    pub(crate) fn tps(&self) -> f64 {
        if self.secs > 0.0 {
            round2(self.requests as f64 / self.secs)
        } else {
            0.0
        }
    }
    /// Response-time percentile `p` (50, 75, 85, 90, 95, 99, 99.9, 99.99) in ms, from the average.
    pub(crate) fn percentile(&self, p: f64) -> f64 {
        let factor = match p {
            x if x <= 50.0 => 0.92,
            x if x <= 75.0 => 1.18,
            x if x <= 85.0 => 1.38,
            x if x <= 90.0 => 1.55,
            x if x <= 95.0 => 1.9,
            x if x <= 99.0 => 2.7,
            x if x <= 99.9 => 3.4,
            _ => 3.8,
        };
        (self.avg_rt * factor).round().min(self.max_rt.max(0.0))
    }
}

pub(crate) fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// Integer form of a metric for the report fields typed as integers.
pub(crate) fn int(v: f64) -> i32 {
    if v.is_finite() {
        v.round().clamp(f64::from(i32::MIN), f64::from(i32::MAX)) as i32
    } else {
        0
    }
}

/// Integer form of a count.
pub(crate) fn count(v: u64) -> i32 {
    i32::try_from(v).unwrap_or(i32::MAX)
}

#[cfg(test)]
mod tests {
    use std::time::UNIX_EPOCH;

    use super::*;
    use crate::state::AwRun;

    fn run(profile: Profile) -> (Run, CaseRun) {
        let aw = |id: &str| AwRun { id: id.into(), name: id.into(), url: String::new(), share: 1.0 / 3.0 };
        let case = CaseRun {
            id: 11,
            case_id: 5,
            name: "c".into(),
            users: 40,
            tps_target: None,
            duration_secs: 305.0,
            offset_secs: 0.0,
            aws: vec![aw("a"), aw("b"), aw("c")],
        };
        let run = Run {
            id: 10,
            task_id: 4,
            project_id: 3,
            run_type: 1,
            task_name: "t".into(),
            parallel: true,
            started_at: UNIX_EPOCH,
            queue_secs: 10.0,
            duration_secs: 305.0,
            abort_after_secs: None,
            profile,
            stop: None,
            case_runs: vec![case.clone()],
        };
        (run, case)
    }

    #[test]
    fn curves_keep_their_invariants_and_grow_as_prefixes() {
        let (run, case) = run(Profile::Degraded);
        let full = planned_curve(1, &run, &case);
        assert_eq!(full.len(), 31, "305 s in 10 s points");
        assert!((full.last().unwrap().secs - 5.0).abs() < 1e-9);
        for p in &full {
            assert!(p.failures <= p.requests && p.timeouts <= p.failures, "{p:?}");
        }
        let partial = cut(&full, 42.0);
        assert_eq!(partial.len(), 5);
        assert_eq!(&partial[..4], &full[..4], "completed intervals are unchanged");
        assert!(partial[4].requests < full[4].requests);
        assert_eq!(planned_curve(1, &run, &case), full, "deterministic");
        assert_ne!(planned_curve(2, &run, &case), full, "seeded");

        let s = Summary::of(&full);
        assert_eq!(s.success() + s.timeouts + s.http4xx() + s.http5xx(), s.requests);
        assert!((85.0..95.0).contains(&s.success_rate()), "{}", s.success_rate());
        assert!((700.0..1100.0).contains(&s.avg_rt), "{}", s.avg_rt);
        let pct: Vec<f64> =
            [50.0, 75.0, 85.0, 90.0, 95.0, 99.0, 99.9, 99.99].iter().map(|p| s.percentile(*p)).collect();
        assert!(pct.windows(2).all(|w| w[0] <= w[1]) && s.min_rt <= pct[0] && pct[7] <= s.max_rt, "{pct:?} {s:?}");
    }

    #[test]
    fn curves_have_a_shape_worth_charting() {
        let (run, case) = run(Profile::Healthy);
        let curve = planned_curve(5, &run, &case);
        let users: Vec<f64> = curve.iter().map(|p| p.users).collect();
        assert!(users[0] < users[3] && users[3] == 40.0, "users ramp up: {users:?}");
        let rts: Vec<f64> = curve.iter().map(|p| p.avg_rt).collect();
        let (lo, hi) = (rts.iter().copied().fold(f64::INFINITY, f64::min), rts.iter().copied().fold(0.0, f64::max));
        assert!(hi / lo > 1.4, "the incident shows in the response times: {rts:?}");
        let full = &curve[3..curve.len() - 1];
        let tps: Vec<f64> = full.iter().map(Point::tps).collect();
        let (lo, hi) = (tps.iter().copied().fold(f64::INFINITY, f64::min), tps.iter().copied().fold(0.0, f64::max));
        assert!(hi / lo > 1.2, "throughput dips during the incident: {tps:?}");
        let fails: Vec<u64> = full.iter().map(|p| p.failures).collect();
        assert!(fails.iter().max() > Some(&(fails.iter().min().unwrap() * 2)), "failures come in a burst: {fails:?}");
        let s = Summary::of(&curve);
        assert!((99.7..=100.0).contains(&s.success_rate()) && (100.0..145.0).contains(&s.avg_rt), "{s:?}");
    }

    #[test]
    fn aw_curves_and_merges_add_up() {
        let (run, case) = run(Profile::Healthy);
        let curve = planned_curve(3, &run, &case);
        let aws = aw_curves(3, &run, &case, &curve);
        for (i, p) in curve.iter().enumerate() {
            assert_eq!(aws.iter().map(|a| a[i].requests).sum::<u64>(), p.requests);
            assert_eq!(aws.iter().map(|a| a[i].failures).sum::<u64>(), p.failures);
            assert_eq!(aws.iter().map(|a| a[i].timeouts).sum::<u64>(), p.timeouts);
            assert!(aws.iter().all(|a| a[i].failures <= a[i].requests && a[i].timeouts <= a[i].failures));
        }
        let parts: Vec<Summary> = aws.iter().map(|a| Summary::of(a)).collect();
        let merged = Summary::merge(&parts, 305.0, false);
        assert_eq!(merged.requests, Summary::of(&curve).requests);
        assert!((merged.avg_rt - Summary::of(&curve).avg_rt).abs() < 15.0);
        assert_eq!(split(10, &[1.0, 1.0, 1.0], None).iter().sum::<u64>(), 10);
        assert_eq!(split(5, &[1.0, 1.0], Some(&[1, 10])), vec![1, 4]);
        assert_eq!(Summary::of(&[]), Summary { min_rt: 0.0, ..Summary::default() });
    }
}
