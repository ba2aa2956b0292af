//! `perftest demo`: the whole workflow against an in-process simulator, through the SDK and the
//! same code path as `perftest run`. No account, no network.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use perftest_sdk::auth::Credentials;
use perftest_sdk::{Client, Error, types};
use perftest_sim::{
    DEFAULT_ACCESS_KEY, DEFAULT_PROJECT_ID, DEFAULT_SECRET_KEY, Profile, RunningSim, SimConfig, Simulator,
};

use crate::cli::{DemoArgs, TaskArgs, WaitOptions};
use crate::exit;
use crate::lookup;
use crate::output::html::{self, Details};
use crate::output::{Outcome, RunResult, print_stdout, table, write_atomic};
use crate::progress::Progress;
use crate::report_data;
use crate::run::{self, Interrupt, RunPlan};

const PROJECT: &str = "perftest-demo";
const THRESHOLDS: [&str; 3] = ["success_rate<99", "avg_rt>500ms", "tp90>1s"];
/// Simulated seconds of load of the demo case: 60 report points of 10 s.
const CASE_SECS: i64 = 600;

/// A judged run and the details of its HTML report.
type Judged = (RunResult, Details);

/// What the demo created, to delete it again.
#[derive(Debug, Default)]
struct Created {
    project: Option<i32>,
    directory: Option<i32>,
    case: Option<i32>,
    tasks: Vec<i32>,
}

fn say(text: &str) -> Result<()> {
    print_stdout(&format!("{text}\n"))
}

pub async fn demo(args: &DemoArgs) -> Result<u8> {
    if !(args.time_scale.is_finite() && args.time_scale > 0.0) {
        return Err(exit::Fail::usage(format!("--time-scale {}: must be a positive number", args.time_scale)).into());
    }
    let config = SimConfig { time_scale: args.time_scale, seed: args.seed, ..SimConfig::default() };
    let sim = Simulator::start(config, "127.0.0.1:0".parse()?).await.context("starting the simulator")?;
    say(&format!(
        "perftest demo: a local CPTS simulator on {} (fake credentials, no network, time x{})\n",
        sim.endpoint(),
        args.time_scale
    ))?;
    let client = Client::builder()
        .credentials(Credentials::new(DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY)?)
        .project_id(DEFAULT_PROJECT_ID)
        .endpoint(sim.endpoint())
        .user_agent_suffix(concat!("perftest-demo/", env!("CARGO_PKG_VERSION")))
        .build()?;

    let mut created = Created::default();
    let outcome = scenario(&client, &sim, &mut created).await;
    let cleanup = clean_up(&client, &created).await;
    sim.shutdown().await;
    let ((good, good_details), (bad, bad_details)) = outcome?;
    cleanup?;
    let good_html = args.html.clone().unwrap_or_else(|| std::env::temp_dir().join("perftest-demo-report.html"));
    let bad_html = beside(&good_html, "-degraded");
    write_html(&good_html, &good, &good_details)?;
    write_html(&bad_html, &bad, &bad_details)?;

    say("\nSummary")?;
    say(&format!(
        "  healthy run {}: {}  -> perftest run exits {}",
        run_id(&good),
        good.summary(),
        good.outcome.code()
    ))?;
    say(&format!("  degraded run {}: {}  -> perftest run exits {}", run_id(&bad), bad.summary(), bad.outcome.code()))?;
    say("  the project, directory, case and tasks were deleted again")?;
    say(&format!("  HTML report of the healthy run:  {}", shown(&good_html)))?;
    say(&format!("  HTML report of the degraded run: {}", shown(&bad_html)))?;
    say("\nOn the real service (credentials in HUAWEICLOUD_SDK_AK / _SK / _PROJECT_ID):")?;
    say(&format!(
        "  perftest run --region cn-north-4 --project NAME --task NAME --fail-on '{}' --fail-on '{}' --junit perftest.xml",
        THRESHOLDS[0], THRESHOLDS[1]
    ))?;
    if good.outcome != Outcome::Passed || bad.outcome != Outcome::ThresholdsFailed {
        bail!(
            "the demo did not behave as expected: the healthy run should pass and the degraded one fail its thresholds"
        );
    }
    say("\ndemo passed")?;
    Ok(exit::PASSED)
}

/// `dir/name-degraded.html` beside `dir/name.html`.
fn beside(path: &Path, suffix: &str) -> PathBuf {
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "report".into());
    let name = match path.extension() {
        Some(ext) => format!("{stem}{suffix}.{}", ext.to_string_lossy()),
        None => format!("{stem}{suffix}"),
    };
    path.with_file_name(name)
}

fn shown(path: &Path) -> String {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()).display().to_string()
}

fn write_html(path: &Path, result: &RunResult, details: &Details) -> Result<()> {
    let page = html::render(result, details, &report_data::now_utc());
    write_atomic(path, page.as_bytes())
        .map_err(|e| exit::Fail::usage(format!("cannot write the HTML report to {}: {e}", path.display())).into())
}

fn run_id(r: &RunResult) -> String {
    r.task_run_id.map(|i| i.to_string()).unwrap_or_else(|| "?".into())
}

/// Create the objects, run a healthy and a degraded task with thresholds; the two results.
async fn scenario(client: &Client, sim: &RunningSim, created: &mut Created) -> Result<(Judged, Judged)> {
    let body =
        types::CreateProjectRequestBody { name: PROJECT.into(), description: Some("created by perftest demo".into()) };
    let project = client.create_project().body(body).send().await.map_err(Error::from)?.into_inner().project_id;
    let project = project.context("create_project returned no project id")?;
    created.project = Some(project);
    say(&format!("[1/5] created project `{PROJECT}` (id {project})"))?;

    let dir = client
        .create_directory()
        .test_suite_id(project)
        .body(types::CreateDirectoryRequestBody { name: "checkout".into() })
        .send()
        .await
        .map_err(Error::from)?
        .into_inner()
        .directory_id
        .context("create_directory returned no directory id")?;
    created.directory = Some(dir);

    let case = client.create_new_case().body(case_body(dir)).send().await.map_err(Error::from)?.into_inner();
    let case = case.json.and_then(|j| j.test_case_id).context("create_new_case returned no case id")?;
    created.case = Some(case);
    say(&format!(
        "[2/5] created directory `checkout` (id {dir}) and case `browse and pay` (id {case}): {} min, 50 users",
        CASE_SECS / 60
    ))?;

    let mut task_ids = Vec::new();
    for name in ["checkout-load", "checkout-degraded"] {
        let body = types::NewTaskInfo {
            name: name.into(),
            project_id: project,
            case_id_list: vec![case],
            operate_mode: 2,
            parallel: false,
            enable_full_link: None,
        };
        let id = client.create_new_task().body(body).send().await.map_err(Error::from)?.into_inner().task_id;
        let id = id.with_context(|| format!("create_new_task returned no id for {name}"))?;
        created.tasks.push(id);
        task_ids.push(id);
    }
    // The second task's runs come out slow and error-prone: what a regression looks like.
    sim.handle().set_profile(task_ids[1], Profile::Degraded);
    say(&format!(
        "[3/5] created tasks `checkout-load` (id {}) and `checkout-degraded` (id {})",
        task_ids[0], task_ids[1]
    ))?;

    let thresholds = run::parse_thresholds(&THRESHOLDS.map(String::from))?;
    let wait = WaitOptions {
        timeout: Some(Duration::from_secs(60)),
        poll_interval: Duration::from_millis(100),
        keep_running: false,
        quiet: false,
    };
    let plan = RunPlan { resource_group: None, wait: &wait, thresholds: &thresholds, retry_start: false };
    let mut interrupt = Interrupt::install();

    let mut results = Vec::new();
    for (step, name) in [(4, "checkout-load"), (5, "checkout-degraded")] {
        say(&format!(
            "\n[{step}/5] perftest run --project {PROJECT} --task {name} --fail-on '{}' --fail-on '{}' --fail-on '{}'\n",
            THRESHOLDS[0], THRESHOLDS[1], THRESHOLDS[2]
        ))?;
        let args = TaskArgs { task_id: None, project: Some(PROJECT.into()), task: Some(name.into()) };
        let task = lookup::resolve_task(client, &args).await?;
        let mut progress = Progress::new(false);
        let result = run::start_wait_judge(client, &task, &plan, &mut progress, &mut interrupt).await?;
        print_stdout(&table::render(&result))?;
        if result.outcome == Outcome::Interrupted {
            bail!("interrupted");
        }
        let details = match result.task_run_id {
            Some(id) => report_data::fetch(client, id, Some(task.id), result.report.as_ref()).await,
            None => Details::default(),
        };
        results.push((result, details));
    }
    let bad = results.pop().context("no degraded result")?;
    let good = results.pop().context("no healthy result")?;
    Ok((good, bad))
}

/// One HTTP request card and one stage of 50 users.
fn case_body(directory_id: i32) -> types::CaseInfoDetail {
    let request = types::ContentInfo {
        name: Some("GET /cart".into()),
        method: Some("GET".into()),
        url: Some("http://shop.example.invalid/cart".into()),
        protocol_type: Some(1),
        http_version: Some("HTTP/1.1".into()),
        ..Default::default()
    };
    let card = types::Contents {
        content: Some(vec![types::Content { content_type: Some(2), content: Some(request) }]),
        index: Some(0),
        ..Default::default()
    };
    let stage = types::TestCaseStage {
        name: Some("steady".into()),
        operate_mode: Some(0),
        pressure_mode: Some(2),
        issue_num: Some(50),
        time: Some(CASE_SECS),
        ..Default::default()
    };
    types::CaseInfoDetail {
        name: Some("browse and pay".into()),
        directory_id: Some(directory_id),
        contents: Some(vec![card]),
        stages: Some(vec![stage]),
        ..Default::default()
    }
}

/// Delete what was created, newest first; the first error, after trying everything.
async fn clean_up(client: &Client, c: &Created) -> Result<()> {
    let mut first_error: Option<anyhow::Error> = None;
    let mut note = |r: Result<(), Error>, what: &str| {
        if let Err(e) = r {
            first_error.get_or_insert(anyhow::Error::new(e).context(format!("deleting {what}")));
        }
    };
    for t in &c.tasks {
        note(client.delete_new_task().task_id(*t).send().await.map(drop).map_err(Error::from), "a task");
    }
    if let Some(case) = c.case {
        note(client.delete_new_case().case_id(case).send().await.map(drop).map_err(Error::from), "the case");
    }
    if let (Some(p), Some(d)) = (c.project, c.directory) {
        note(
            client.delete_directory().test_suite_id(p).directory_id(d).send().await.map(drop).map_err(Error::from),
            "the directory",
        );
    }
    if let Some(p) = c.project {
        note(client.delete_project().test_suite_id(p).send().await.map(drop).map_err(Error::from), "the project");
    }
    match first_error {
        Some(e) => Err(e),
        None => Ok(()),
    }
}
