//! Gate on a finished run's report: exit non-zero when the success rate is below a limit or the
//! average response time above one. (`perftest run --fail-on ...` does this and more.)
//!
//! ```text
//! cargo run -p perftest-sdk --example gate_on_report -- --region cn-north-4 <task_run_id> [min_success_pct] [max_avg_rt_ms]
//! cargo run -p perftest-sdk --example gate_on_report -- --endpoint http://127.0.0.1:PORT --demo
//! ```

mod common;

use std::time::Duration;

use perftest_sdk::TaskStatus;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, args) = common::client_from_args()?;
    let demo = args.iter().any(|a| a == "--demo");
    let nums: Vec<f64> = args.iter().filter(|a| *a != "--demo").map(|a| a.parse()).collect::<Result<_, _>>()?;
    let (run, cleanup) = if demo {
        let (project, task) = common::demo_task(&client, "example-gate").await?;
        let run = common::set_status(&client, project, task, TaskStatus::Start).await?.ok_or("no run id")?;
        while !client.show_task().task_id(task).send().await?.task_info.as_ref().and_then(|t| t.run_status).is_some_and(|s| s.is_terminal()) {
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        (run, Some((project, task)))
    } else {
        (*nums.first().ok_or("usage: gate_on_report (--region R | --endpoint URL) (TASK_RUN_ID | --demo) [MIN_SUCCESS_PCT] [MAX_AVG_RT_MS]")? as i32, None)
    };
    let limits = if demo { &nums[..] } else { &nums[1..] };
    let min_success = limits.first().copied().unwrap_or(99.0);
    let max_avg_rt = limits.get(1).copied().unwrap_or(500.0);

    let outline = client.show_merge_report_logs_outline().task_run_id(run).send().await?.into_inner();
    let core = outline.result.and_then(|r| r.outline).and_then(|o| o.core_index).ok_or("the report has no core index")?;
    let (requests, ok) = (core.request_count.unwrap_or(0), core.success_count.unwrap_or(0));
    let success = if requests > 0 { 100.0 * f64::from(ok) / f64::from(requests) } else { 0.0 };
    let avg_rt = core.response_time.and_then(|r| r.avg_response_time).unwrap_or(f64::NAN);
    println!("run {run}: {requests} requests, success {success:.2} %, average response time {avg_rt:.1} ms");
    if let Some((project, task)) = cleanup {
        common::cleanup(&client, project, task).await?;
    }
    let mut failed = Vec::new();
    if success < min_success {
        failed.push(format!("success rate {success:.2} % < {min_success} %"));
    }
    if avg_rt.is_nan() || avg_rt > max_avg_rt {
        failed.push(format!("average response time {avg_rt:.1} ms > {max_avg_rt} ms"));
    }
    if failed.is_empty() {
        println!("PASSED");
        Ok(())
    } else {
        Err(format!("FAILED: {}", failed.join("; ")).into())
    }
}
