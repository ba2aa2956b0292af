//! A small timing harness: interleaved samples of a subject and its baseline, medians, ratios.

use std::time::{Duration, Instant};

/// How much to measure.
#[derive(Debug, Clone, Copy)]
pub struct Effort {
    /// Samples per side (the median is taken over these).
    pub samples: usize,
    /// Iterations inside one sample.
    pub iterations: usize,
}

impl Effort {
    pub fn new(quick: bool, full_iterations: usize) -> Self {
        if quick {
            Self { samples: 9, iterations: (full_iterations / 10).max(1) }
        } else {
            Self { samples: 31, iterations: full_iterations }
        }
    }
}

/// The median of per-iteration times.
pub fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// Time `subject` and `baseline` in alternating samples (so drift hits both), returning the median
/// per-iteration time of each.
pub fn compare_sync(effort: Effort, mut subject: impl FnMut(), mut baseline: impl FnMut()) -> (Duration, Duration) {
    for _ in 0..effort.iterations {
        subject();
        baseline();
    }
    let (mut s, mut b) = (Vec::new(), Vec::new());
    for _ in 0..effort.samples {
        let t = Instant::now();
        for _ in 0..effort.iterations {
            subject();
        }
        s.push(t.elapsed() / effort.iterations as u32);
        let t = Instant::now();
        for _ in 0..effort.iterations {
            baseline();
        }
        b.push(t.elapsed() / effort.iterations as u32);
    }
    (median(s), median(b))
}

/// One result line group: a human row and the machine-readable `ratio NAME VALUE` line.
pub fn report(name: &str, subject: Duration, baseline: Duration, note: &str) -> f64 {
    let ratio = subject.as_secs_f64() / baseline.as_secs_f64();
    println!("{name:<34} {:>12} {:>12} {ratio:>8.3}  {note}", fmt(subject), fmt(baseline));
    println!("ratio {name} {ratio:.4}");
    ratio
}

pub fn fmt(d: Duration) -> String {
    let us = d.as_secs_f64() * 1e6;
    if us < 1000.0 { format!("{us:.2} µs") } else { format!("{:.2} ms", us / 1000.0) }
}
