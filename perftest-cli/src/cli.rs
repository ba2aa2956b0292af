//! Command-line arguments.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::config::{ENV_ENDPOINT, ENV_REGION};
use crate::exit;

const ABOUT: &str = "Run Huawei Cloud CodeArts PerfTest (CPTS) tests from a pipeline: start a task, wait, \
judge the report against thresholds, write JSON/JUnit, exit with a code the pipeline understands";

const CONFIG_HELP: &str = "\
Configuration (as the Huawei Cloud SDKs):
    HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK       access key and secret key
    HUAWEICLOUD_SDK_SECURITY_TOKEN               for temporary credentials
    HUAWEICLOUD_SDK_PROJECT_ID                   IAM project id of the region (or --project-id)
    HUAWEICLOUD_SDK_CREDENTIALS_FILE             credentials file (default ~/.huaweicloud/credentials,
                                                 section [basiccredentials] with ak, sk, project_id)
    PERFTEST_REGION / PERFTEST_ENDPOINT          default --region / --endpoint";

/// `perftest`.
#[derive(Debug, Parser)]
#[command(name = "perftest", version, about = ABOUT, after_help = top_help(), propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

fn top_help() -> String {
    format!(
        "Start with the offline demo: perftest demo\n\
         In CI: perftest run --project shop --task checkout --fail-on 'success_rate<99.5' --fail-on 'tp90>1s' --junit perftest.xml\n\n\
         {CONFIG_HELP}\n\n{}",
        exit::HELP
    )
}

fn judge_help() -> String {
    format!(
        "Thresholds (--fail-on, repeatable) are METRIC OP VALUE[UNIT] and describe the FAILURE condition:\n\
         success_rate<99.5 fails when fewer than 99.5 % of the requests succeed; tp90>1s fails when the TP90\n\
         response time exceeds 1000 ms. Operators: < <= > >= == !=. Quote them in a shell.\n\
         {}\n\n\
         Example:\n    perftest run --project shop --task checkout --timeout 30m \\\n        \
         --fail-on 'success_rate<99.5' --fail-on 'avg_rt>300ms' --fail-on 'tp90>1s' --junit perftest.xml\n\n{}",
        crate::threshold::metrics_help(),
        exit::HELP
    )
}

/// Options every command accepts.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Connection (all commands)")]
pub struct GlobalArgs {
    /// CPTS region id, for example cn-north-4
    #[arg(long, global = true, env = ENV_REGION, value_name = "REGION")]
    pub region: Option<String>,
    /// CPTS endpoint URL (wins over --region), for example http://127.0.0.1:8080 for the simulator
    #[arg(long, global = true, env = ENV_ENDPOINT, value_name = "URL")]
    pub endpoint: Option<String>,
    /// IAM project id of the region [default: HUAWEICLOUD_SDK_PROJECT_ID or the credentials file]
    #[arg(long = "project-id", global = true, value_name = "ID")]
    pub project_id: Option<String>,
    /// Log requests and decisions to standard error (secrets are never logged)
    #[arg(short, long, global = true)]
    pub verbose: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start a task, wait for the run to end, judge its report against thresholds, report
    #[command(after_help = judge_help())]
    Run(RunArgs),
    /// Start a task and print the task run id
    Start(StartArgs),
    /// Stop the task's current run
    Stop(StopArgs),
    /// Show the run status of a task
    Status(StatusArgs),
    /// Wait for the task's current run to end
    #[command(after_help = exit::HELP)]
    Wait(WaitArgs),
    /// Fetch the report of a run, judge it against thresholds, report
    #[command(after_help = judge_help())]
    Report(ReportArgs),
    /// CPTS projects (test suites)
    Projects {
        #[command(subcommand)]
        command: ProjectsCommand,
    },
    /// Tasks of a CPTS project
    Tasks {
        #[command(subcommand)]
        command: TasksCommand,
    },
    /// Call any of the 46 CPTS operations with JSON arguments; prints the decoded answer as JSON
    Api(ApiArgs),
    /// Run the local CPTS simulator (prints `listening on http://ADDR` first, serves until Ctrl-C)
    Sim(SimArgs),
    /// The whole workflow against the built-in simulator: no account, no network, a few seconds
    Demo(DemoArgs),
}

/// Which task: by id, or by project and task name.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Task")]
pub struct TaskArgs {
    /// The task id
    #[arg(long, value_name = "ID", conflicts_with = "task")]
    pub task_id: Option<i32>,
    /// The CPTS project (test suite) by name or id; needed with --task
    #[arg(long, value_name = "NAME_OR_ID")]
    pub project: Option<String>,
    /// The task by name, within --project
    #[arg(long, value_name = "NAME", requires = "project")]
    pub task: Option<String>,
}

/// Where the run executes.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Task")]
pub struct ClusterArgs {
    /// Run on this private resource group (cluster id) instead of the shared one
    #[arg(long, value_name = "ID")]
    pub resource_group: Option<i32>,
}

/// How a start that may have failed is handled.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Task")]
pub struct StartOptions {
    /// When the start fails in a way that may be transient (connection lost, timeout, 429, 502, 503,
    /// 504), check the task and send the start again only if no new run is waiting or running (3
    /// attempts). Without it a start is sent once.
    #[arg(long)]
    pub retry_start: bool,
}

/// How to wait.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Waiting")]
pub struct WaitOptions {
    /// Give up after this long (90s, 5m, 1h30m); the run is stopped unless --keep-running [default: no limit]
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub timeout: Option<Duration>,
    /// How often to ask for the run status
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "10s")]
    pub poll_interval: Duration,
    /// On timeout or Ctrl-C, leave the run going instead of stopping it
    #[arg(long)]
    pub keep_running: bool,
    /// No progress on standard error
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum Format {
    #[default]
    Table,
    Json,
}

/// Where results go.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Output")]
pub struct OutputArgs {
    /// Format of standard output
    #[arg(short, long, value_enum, default_value_t = Format::Table)]
    pub output: Format,
    /// Also write the JSON result to FILE
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Also write a JUnit XML file (one test case per threshold, plus one for the run)
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Also write a self-contained HTML report: outcome, thresholds, charts over time, cases, response codes
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Also write a short Markdown summary (outcome, thresholds, key metrics) to append to $GITHUB_STEP_SUMMARY
    #[arg(long, value_name = "FILE")]
    pub summary_md: Option<PathBuf>,
}

#[derive(Debug, Clone, Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub task: TaskArgs,
    #[command(flatten)]
    pub cluster: ClusterArgs,
    #[command(flatten)]
    pub start: StartOptions,
    /// Start the run and exit without waiting for it (so no thresholds and no result files)
    #[arg(long, help_heading = "Waiting", conflicts_with_all = ["fail_on", "json", "junit", "html", "summary_md"])]
    pub no_wait: bool,
    #[command(flatten)]
    pub wait: WaitOptions,
    /// Fail when this holds, e.g. 'success_rate<99.5', 'avg_rt>300ms', 'tp90>1s', 'errors>0' (repeatable)
    #[arg(long = "fail-on", value_name = "EXPR", help_heading = "Thresholds")]
    pub fail_on: Vec<String>,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Clone, Args)]
pub struct StartArgs {
    #[command(flatten)]
    pub task: TaskArgs,
    #[command(flatten)]
    pub cluster: ClusterArgs,
    #[command(flatten)]
    pub start: StartOptions,
    /// Format of standard output
    #[arg(short, long, value_enum, default_value_t = Format::Table)]
    pub output: Format,
}

#[derive(Debug, Clone, Args)]
pub struct StopArgs {
    #[command(flatten)]
    pub task: TaskArgs,
    #[command(flatten)]
    pub cluster: ClusterArgs,
}

#[derive(Debug, Clone, Args)]
pub struct StatusArgs {
    #[command(flatten)]
    pub task: TaskArgs,
    /// Format of standard output
    #[arg(short, long, value_enum, default_value_t = Format::Table)]
    pub output: Format,
}

#[derive(Debug, Clone, Args)]
pub struct WaitArgs {
    #[command(flatten)]
    pub task: TaskArgs,
    #[command(flatten)]
    pub cluster: ClusterArgs,
    #[command(flatten)]
    pub wait: WaitOptions,
}

#[derive(Debug, Clone, Args)]
pub struct ReportArgs {
    /// The task run (report) id; or name the task to take its latest run
    #[arg(long, value_name = "ID")]
    pub task_run_id: Option<i32>,
    #[command(flatten)]
    pub task: TaskArgs,
    /// Fail when this holds, e.g. 'success_rate<99.5' (repeatable)
    #[arg(long = "fail-on", value_name = "EXPR", help_heading = "Thresholds")]
    pub fail_on: Vec<String>,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Subcommand)]
pub enum ProjectsCommand {
    /// List the CPTS projects
    List {
        /// Format of standard output
        #[arg(short, long, value_enum, default_value_t = Format::Table)]
        output: Format,
    },
}

#[derive(Debug, Subcommand)]
pub enum TasksCommand {
    /// List the tasks of a project
    List {
        /// The CPTS project by name or id
        #[arg(long, value_name = "NAME_OR_ID")]
        project: String,
        /// Format of standard output
        #[arg(short, long, value_enum, default_value_t = Format::Table)]
        output: Format,
    },
}

#[derive(Debug, Clone, Args)]
#[command(after_help = "Examples:\n    perftest api --list\n    perftest api show_task --param task_id=42\n    \
perftest api create_project --body '{\"name\":\"shop\"}'\n    perftest api update_task --param task_id=42 --body @task.json")]
pub struct ApiArgs {
    /// The operation id, e.g. show_task (see --list)
    #[arg(value_name = "OPERATION", required_unless_present = "list")]
    pub operation: Option<String>,
    /// List the operations (id, method, path, summary)
    #[arg(long, conflicts_with_all = ["params", "body"])]
    pub list: bool,
    /// A path or query parameter (repeatable); numbers are sent as numbers where the parameter is one
    #[arg(short, long = "param", value_name = "NAME=VALUE")]
    pub params: Vec<String>,
    /// The JSON request body, inline or @FILE
    #[arg(long, value_name = "JSON|@FILE")]
    pub body: Option<String>,
}

#[derive(Debug, Clone, Args)]
pub struct SimArgs {
    /// Address to listen on (port 0 picks a free port)
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:0")]
    pub listen: std::net::SocketAddr,
    /// Listen on an address other than loopback
    #[arg(long)]
    pub allow_remote: bool,
    /// Simulated seconds per real second (60: one simulated minute per second)
    #[arg(long, value_name = "X", default_value_t = 1.0)]
    pub time_scale: f64,
    /// Seed of the synthetic metrics and random faults
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub seed: u64,
    /// Access key to accept [default: HUAWEICLOUD_SDK_AK, else the simulator's fake key]
    #[arg(long, value_name = "AK", env = "HUAWEICLOUD_SDK_AK", hide_env_values = true)]
    pub ak: Option<String>,
    /// Secret key to check signatures with [default: HUAWEICLOUD_SDK_SK, else the simulator's fake key]
    #[arg(long, value_name = "SK", env = "HUAWEICLOUD_SDK_SK", hide_env_values = true)]
    pub sk: Option<String>,
    /// Accept any X-Sdk-Date (for replaying recorded requests)
    #[arg(long)]
    pub no_date_check: bool,
    /// Inject a fault (repeatable), as JSON: '{"operation":"show_task","kind":"server_error","status":503,"times":1}';
    /// kinds: throttle, server_error, latency, drop_connection, truncated_body, html_body
    #[arg(long, value_name = "JSON")]
    pub fault: Vec<String>,
}

#[derive(Debug, Clone, Args)]
pub struct DemoArgs {
    /// Simulated seconds per real second
    #[arg(long, value_name = "X", default_value_t = 600.0)]
    pub time_scale: f64,
    /// Seed of the synthetic metrics
    #[arg(long, value_name = "N", default_value_t = 7)]
    pub seed: u64,
    /// Where to write the HTML report of the healthy run (the degraded run's goes beside it, with
    /// `-degraded` before the extension) [default: perftest-demo-report.html in the temporary directory]
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
}

/// `90s`, `5m`, `1h30m`, `250ms`, `1.5s`: a number and a unit, repeated.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let s = text.trim();
    if s.is_empty() {
        return Err("empty duration: write for example 90s, 5m or 1h".into());
    }
    let mut total = 0.0f64;
    let mut rest = s;
    while !rest.is_empty() {
        let num_len = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
        let (num, after) = rest.split_at(num_len);
        let unit_len = after.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(after.len());
        let (unit, next) = after.split_at(unit_len);
        let value: f64 =
            num.parse().map_err(|_| format!("invalid duration `{text}`: expected a number, e.g. 90s, 5m, 1h"))?;
        let factor = match unit.trim() {
            "ms" => 0.001,
            "s" | "sec" | "secs" => 1.0,
            "m" | "min" | "mins" => 60.0,
            "h" | "hr" | "hours" => 3600.0,
            "d" => 86400.0,
            "" => return Err(format!("invalid duration `{text}`: add a unit (ms, s, m, h), e.g. {num}s")),
            other => return Err(format!("invalid duration `{text}`: unknown unit `{other}` (use ms, s, m or h)")),
        };
        total += value * factor;
        rest = next;
    }
    if total <= 0.0 || !total.is_finite() || total > 366.0 * 86400.0 {
        return Err(format!("invalid duration `{text}`: must be more than zero and at most a year"));
    }
    Ok(Duration::from_secs_f64(total))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("5m"), Ok(Duration::from_secs(300)));
        assert_eq!(parse_duration("1h"), Ok(Duration::from_secs(3600)));
        assert_eq!(parse_duration("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("1.5s"), Ok(Duration::from_millis(1500)));
        assert!(parse_duration("30").unwrap_err().contains("add a unit"));
        assert!(parse_duration("3x").unwrap_err().contains("unknown unit `x`"));
        assert!(parse_duration("0s").is_err());
        assert!(parse_duration("").is_err());
    }

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }
}
