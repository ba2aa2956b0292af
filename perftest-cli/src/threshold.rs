//! `--fail-on` thresholds: `METRIC OP VALUE[UNIT]`, each describing the condition that FAILS the run.
//!
//! `success_rate<99.5` fails when the success rate is below 99.5 %; `tp90>1s` fails when the TP90
//! response time is above 1000 ms. Response times are compared in milliseconds.

use std::fmt;

use crate::metrics::Metrics;

/// A report metric a threshold can test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    SuccessRate,
    ErrorRate,
    Errors,
    Requests,
    Successes,
    Tps,
    Rps,
    MaxRps,
    AvgRt,
    MaxRt,
    MinRt,
    Tp50,
    Tp90,
    MaxUsers,
}

/// How a metric's values are written and read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// 0 to 100; an optional `%` suffix.
    Percent,
    /// A plain number.
    Count,
    /// Per second; an optional `/s` suffix.
    PerSecond,
    /// Milliseconds; `ms` (default) or `s` suffix.
    Millis,
}

impl Unit {
    /// The suffix shown after values of this unit.
    pub fn suffix(self) -> &'static str {
        match self {
            Unit::Percent => "%",
            Unit::Count => "",
            Unit::PerSecond => "/s",
            Unit::Millis => "ms",
        }
    }
}

/// Name, unit and meaning of every metric, in the order help and errors list them.
pub const METRICS: &[(Metric, &str, Unit, &str)] = &[
    (Metric::SuccessRate, "success_rate", Unit::Percent, "successful requests / requests x 100"),
    (Metric::ErrorRate, "error_rate", Unit::Percent, "failed requests / requests x 100"),
    (Metric::Errors, "errors", Unit::Count, "number of failed requests"),
    (Metric::Requests, "requests", Unit::Count, "number of requests"),
    (Metric::Successes, "successes", Unit::Count, "number of successful requests"),
    (Metric::Tps, "tps", Unit::PerSecond, "average transactions per second"),
    (Metric::Rps, "rps", Unit::PerSecond, "average requests per second"),
    (Metric::MaxRps, "max_rps", Unit::PerSecond, "peak requests per second"),
    (Metric::AvgRt, "avg_rt", Unit::Millis, "average response time"),
    (Metric::MaxRt, "max_rt", Unit::Millis, "maximum response time"),
    (Metric::MinRt, "min_rt", Unit::Millis, "minimum response time"),
    (Metric::Tp50, "tp50", Unit::Millis, "50th percentile response time"),
    (Metric::Tp90, "tp90", Unit::Millis, "90th percentile response time"),
    (Metric::MaxUsers, "max_users", Unit::Count, "peak concurrent users"),
];

impl Metric {
    fn entry(self) -> &'static (Metric, &'static str, Unit, &'static str) {
        METRICS.iter().find(|m| m.0 == self).expect("every metric is in METRICS")
    }
    pub fn name(self) -> &'static str {
        self.entry().1
    }
    pub fn unit(self) -> Unit {
        self.entry().2
    }
    pub fn from_name(name: &str) -> Option<Metric> {
        METRICS.iter().find(|m| m.1.eq_ignore_ascii_case(name)).map(|m| m.0)
    }
}

/// The comparison of a threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

impl Op {
    /// Longest match first so that `<=` is not read as `<`.
    const ALL: [(&'static str, Op); 6] =
        [("<=", Op::Le), (">=", Op::Ge), ("==", Op::Eq), ("!=", Op::Ne), ("<", Op::Lt), (">", Op::Gt)];

    pub fn symbol(self) -> &'static str {
        Self::ALL.iter().find(|(_, o)| *o == self).map(|(s, _)| *s).unwrap_or("?")
    }

    pub fn holds(self, a: f64, b: f64) -> bool {
        const EPS: f64 = 1e-9;
        match self {
            Op::Lt => a < b,
            Op::Le => a <= b + EPS,
            Op::Gt => a > b,
            Op::Ge => a + EPS >= b,
            Op::Eq => (a - b).abs() <= EPS,
            Op::Ne => (a - b).abs() > EPS,
        }
    }
}

/// A parsed `--fail-on` expression.
#[derive(Debug, Clone, PartialEq)]
pub struct Threshold {
    /// The expression as the user wrote it (trimmed): the name of its JUnit test case.
    pub expression: String,
    pub metric: Metric,
    pub op: Op,
    /// The limit in the metric's base unit (milliseconds for response times).
    pub limit: f64,
}

/// The verdict on one threshold.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub threshold: Threshold,
    /// `None` when the report does not carry the metric (which fails the threshold).
    pub measured: Option<f64>,
    pub passed: bool,
}

impl Threshold {
    /// Judge the metrics: the threshold passes unless its failure condition holds (or the metric is missing).
    pub fn check(&self, metrics: &Metrics) -> Verdict {
        let measured = metrics.get(self.metric);
        let passed = matches!(measured, Some(m) if !self.op.holds(m, self.limit));
        Verdict { threshold: self.clone(), measured, passed }
    }

    /// The limit with its unit, e.g. `1000ms` or `99.5%`.
    pub fn limit_text(&self) -> String {
        format_value(self.limit, self.metric.unit())
    }

    /// `tp90 > 1000ms`: the normalised failure condition.
    pub fn condition(&self) -> String {
        format!("{} {} {}", self.metric.name(), self.op.symbol(), self.limit_text())
    }
}

impl Verdict {
    /// `measured 1234ms vs limit 1000ms (fails when tp90 > 1000ms)`.
    pub fn explanation(&self) -> String {
        let t = &self.threshold;
        match self.measured {
            Some(m) => format!(
                "measured {} vs limit {} (fails when {})",
                format_value(m, t.metric.unit()),
                t.limit_text(),
                t.condition()
            ),
            None => format!("the report has no value for {} (limit {})", t.metric.name(), t.limit_text()),
        }
    }
}

/// A number with at most two decimals, trailing zeros dropped, and its unit suffix.
pub fn format_value(v: f64, unit: Unit) -> String {
    format!("{}{}", format_number(v), unit.suffix())
}

pub fn format_number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        return format!("{v:.0}");
    }
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// Why an expression could not be parsed; `Display` shows the expression with a caret under the bad part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub input: String,
    /// Column (in characters) where the bad part starts.
    pub column: usize,
    /// Width (in characters) of the bad part, at least 1.
    pub width: usize,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "invalid threshold `{}`: {}", self.input, self.message)?;
        writeln!(f, "    {}", self.input)?;
        writeln!(f, "    {}{}", " ".repeat(self.column), "^".repeat(self.width.max(1)))?;
        writeln!(
            f,
            "thresholds are METRIC OP VALUE[UNIT], the condition that fails the run, e.g. success_rate<99.5 or tp90>1s"
        )?;
        writeln!(f, "operators: < <= > >= == !=")?;
        f.write_str(&metrics_help())
    }
}

impl std::error::Error for ParseError {}

/// The list of known metrics with their units, for errors and `--help`.
pub fn metrics_help() -> String {
    let mut s = String::from("known metrics (response times take ms or s, 1s = 1000ms; percentages an optional %):");
    for (_, name, unit, meaning) in METRICS {
        let unit = match unit {
            Unit::Percent => "%",
            Unit::Count => "count",
            Unit::PerSecond => "/s",
            Unit::Millis => "ms",
        };
        s.push_str(&format!("\n    {name:<13} {unit:<6} {meaning}"));
    }
    s
}

/// Parse one `--fail-on` expression.
pub fn parse(input: &str) -> Result<Threshold, ParseError> {
    Parser { chars: input.chars().collect(), pos: 0, input }.parse()
}

struct Parser<'a> {
    chars: Vec<char>,
    pos: usize,
    input: &'a str,
}

impl Parser<'_> {
    fn err(&self, column: usize, width: usize, message: impl Into<String>) -> ParseError {
        ParseError { input: self.input.to_owned(), column, width, message: message.into() }
    }

    fn skip_spaces(&mut self) {
        while self.chars.get(self.pos).is_some_and(|c| c.is_whitespace()) {
            self.pos += 1;
        }
    }

    fn take_while(&mut self, pred: impl Fn(char) -> bool) -> String {
        let start = self.pos;
        while self.chars.get(self.pos).is_some_and(|&c| pred(c)) {
            self.pos += 1;
        }
        self.chars[start..self.pos].iter().collect()
    }

    fn rest_width(&self) -> usize {
        self.chars.len().saturating_sub(self.pos).max(1)
    }

    fn parse(mut self) -> Result<Threshold, ParseError> {
        self.skip_spaces();
        if self.pos == self.chars.len() {
            return Err(self.err(0, 1, "the expression is empty"));
        }
        // Metric.
        let start = self.pos;
        let name = self.take_while(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.');
        if name.is_empty() {
            return Err(self.err(start, 1, "expected a metric name"));
        }
        let metric = Metric::from_name(&name).ok_or_else(|| {
            let hint = suggestion(&name).map(|s| format!("; did you mean `{s}`?")).unwrap_or_default();
            self.err(start, name.chars().count(), format!("unknown metric `{name}`{hint}"))
        })?;
        // Operator.
        self.skip_spaces();
        let op_start = self.pos;
        let rest: String = self.chars[self.pos..].iter().collect();
        let op = Op::ALL.iter().find(|(sym, _)| rest.starts_with(sym)).map(|&(sym, op)| (sym, op));
        let Some((sym, op)) = op else {
            let message = if rest.starts_with('=') {
                "expected an operator: use `==` for equality (operators: < <= > >= == !=)".to_owned()
            } else if rest.is_empty() {
                format!("expected an operator after `{name}` (operators: < <= > >= == !=)")
            } else {
                "expected an operator (< <= > >= == !=)".to_owned()
            };
            return Err(self.err(op_start, 1, message));
        };
        self.pos += sym.chars().count();
        // Value.
        self.skip_spaces();
        let num_start = self.pos;
        let number = self.take_while(|c| c.is_ascii_digit() || c == '.' || c == '-' || c == '+');
        if number.is_empty() {
            let what = if self.pos == self.chars.len() { "nothing" } else { "this" };
            return Err(self.err(
                num_start,
                self.rest_width(),
                format!("expected a number after `{sym}`, found {what}"),
            ));
        }
        let value: f64 = number
            .parse()
            .ok()
            .filter(|v: &f64| v.is_finite())
            .ok_or_else(|| self.err(num_start, number.chars().count(), format!("`{number}` is not a number")))?;
        // Unit.
        self.skip_spaces();
        let unit_start = self.pos;
        let unit_text = self.take_while(|c| c.is_alphabetic() || c == '%' || c == '/');
        let unit = metric.unit();
        let factor = match (unit, unit_text.to_ascii_lowercase().as_str()) {
            (_, "") => 1.0,
            (Unit::Percent, "%") => 1.0,
            (Unit::PerSecond, "/s") => 1.0,
            (Unit::Millis, "ms") => 1.0,
            (Unit::Millis, "s") => 1000.0,
            (_, other) => {
                let allowed = match unit {
                    Unit::Percent => "a percentage takes no unit or `%`",
                    Unit::Count => "a count takes no unit",
                    Unit::PerSecond => "a rate takes no unit or `/s`",
                    Unit::Millis => "a response time takes `ms` (the default) or `s`",
                };
                return Err(self.err(
                    unit_start,
                    other.chars().count(),
                    format!("unknown unit `{unit_text}` for {}: {allowed}", metric.name()),
                ));
            }
        };
        self.skip_spaces();
        if self.pos < self.chars.len() {
            return Err(self.err(self.pos, self.rest_width(), "unexpected text after the value"));
        }
        if unit == Unit::Percent && !(0.0..=100.0).contains(&value) {
            return Err(self.err(
                num_start,
                number.chars().count(),
                format!("{} is a percentage between 0 and 100", metric.name()),
            ));
        }
        if value < 0.0 {
            return Err(self.err(num_start, number.chars().count(), "the value must not be negative"));
        }
        Ok(Threshold { expression: self.input.trim().to_owned(), metric, op, limit: value * factor })
    }
}

/// A metric whose name is close to `name` (a typo, or a common synonym).
fn suggestion(name: &str) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    let synonyms = [
        ("p50", "tp50"),
        ("p90", "tp90"),
        ("latency", "avg_rt"),
        ("response_time", "avg_rt"),
        ("rt", "avg_rt"),
        ("error_count", "errors"),
        ("failures", "errors"),
        ("request_count", "requests"),
        ("success", "success_rate"),
        ("users", "max_users"),
        ("vus", "max_users"),
    ];
    if let Some((_, s)) = synonyms.iter().find(|(a, _)| *a == lower) {
        return Some(s);
    }
    METRICS
        .iter()
        .map(|m| (m.1, edit_distance(&lower, m.1)))
        .filter(|&(_, d)| d <= 2)
        .min_by_key(|&(_, d)| d)
        .map(|(n, _)| n)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) -> Threshold {
        parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn parses_the_documented_examples() {
        let t = ok("success_rate<99.5");
        assert_eq!((t.metric, t.op, t.limit), (Metric::SuccessRate, Op::Lt, 99.5));
        let t = ok("avg_rt>300ms");
        assert_eq!((t.metric, t.op, t.limit), (Metric::AvgRt, Op::Gt, 300.0));
        let t = ok("tp90>1s");
        assert_eq!((t.metric, t.limit), (Metric::Tp90, 1000.0));
        let t = ok("tps<100");
        assert_eq!((t.metric, t.op, t.limit), (Metric::Tps, Op::Lt, 100.0));
        let t = ok("errors>0");
        assert_eq!((t.metric, t.op, t.limit), (Metric::Errors, Op::Gt, 0.0));
    }

    #[test]
    fn every_operator_spaces_and_units() {
        for (s, op) in [("<", Op::Lt), ("<=", Op::Le), (">", Op::Gt), (">=", Op::Ge), ("==", Op::Eq), ("!=", Op::Ne)] {
            assert_eq!(ok(&format!("requests {s} 10")).op, op);
        }
        assert_eq!(ok("  tp50 >= 1.5 s ").limit, 1500.0);
        assert_eq!(ok("error_rate>0.5%").limit, 0.5);
        assert_eq!(ok("rps<10/s").limit, 10.0);
        assert_eq!(ok("MAX_RT>250MS").limit, 250.0);
        assert_eq!(ok("  tp90>1s ").expression, "tp90>1s");
        assert_eq!(ok("max_users<50").metric, Metric::MaxUsers);
    }

    #[test]
    fn failure_condition_semantics() {
        let m = Metrics { success_rate: Some(99.0), tp90: Some(800.0), ..Default::default() };
        assert!(!ok("success_rate<99.5").check(&m).passed, "99 < 99.5 fails");
        assert!(ok("success_rate<98").check(&m).passed);
        assert!(ok("tp90>1s").check(&m).passed);
        assert!(!ok("tp90>=800").check(&m).passed);
        let missing = ok("avg_rt>300ms").check(&m);
        assert!(!missing.passed && missing.measured.is_none());
        assert!(missing.explanation().contains("no value for avg_rt"));
        let v = ok("tp90>500ms").check(&m);
        assert_eq!(v.explanation(), "measured 800ms vs limit 500ms (fails when tp90 > 500ms)");
    }

    #[test]
    fn errors_point_at_the_bad_part() {
        let e = parse("tp99>1s").unwrap_err();
        assert_eq!((e.column, e.width), (0, 4));
        assert!(e.message.contains("unknown metric `tp99`") && e.message.contains("tp90"), "{}", e.message);
        let shown = e.to_string();
        assert!(shown.contains("    tp99>1s\n    ^^^^\n"), "{shown}");
        assert!(shown.contains("success_rate") && shown.contains("max_users"), "lists the metrics: {shown}");

        let e = parse("tp90>1x").unwrap_err();
        assert_eq!((e.column, e.width), (6, 1));
        assert!(e.message.contains("unknown unit `x`"));

        let e = parse("avg_rt=>3").unwrap_err();
        assert_eq!(e.column, 6);
        assert!(e.message.contains("`==`"));

        let e = parse("errors >").unwrap_err();
        assert_eq!(e.column, 8);
        assert!(e.message.contains("expected a number"));

        let e = parse("errors").unwrap_err();
        assert_eq!(e.column, 6);
        assert!(e.message.contains("expected an operator"));

        let e = parse("errors > 1 2").unwrap_err();
        assert_eq!(e.column, 11);
        let e = parse("success_rate<120").unwrap_err();
        assert!(e.message.contains("between 0 and 100"));
        let e = parse("errors>5%").unwrap_err();
        assert!(e.message.contains("a count takes no unit"));
        let e = parse("requests>1.2.3").unwrap_err();
        assert!(e.message.contains("not a number"));
        assert!(parse("").unwrap_err().message.contains("empty"));
        assert!(parse("latency>3").unwrap_err().message.contains("did you mean `avg_rt`"));
    }

    #[test]
    fn formats_numbers_compactly() {
        assert_eq!(format_number(99.5), "99.5");
        assert_eq!(format_number(1000.0), "1000");
        assert_eq!(format_number(12.3456), "12.35");
        assert_eq!(format_value(99.0, Unit::Percent), "99%");
    }
}
