//! Start a CPTS task and wait until its run ends, printing the run status as it changes.
//!
//! ```text
//! cargo run -p perftest-sdk --example start_and_wait -- --region cn-north-4 <test_suite_id> <task_id>
//! cargo run -p perftest-sdk --example start_and_wait -- --endpoint http://127.0.0.1:PORT --demo
//! ```

mod common;

use std::time::Duration;

use perftest_sdk::{RunStatus, TaskStatus};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, args) = common::client_from_args()?;
    let demo = args.iter().any(|a| a == "--demo");
    let (project, task) = match args.as_slice() {
        _ if demo => common::demo_task(&client, "example-start-and-wait").await?,
        [p, t] => (p.parse()?, t.parse()?),
        _ => return Err("usage: start_and_wait (--region R | --endpoint URL) (TEST_SUITE_ID TASK_ID | --demo)".into()),
    };
    let run = common::set_status(&client, project, task, TaskStatus::Start).await?;
    println!("started task {task}, run {run:?}");
    let poll = if demo { Duration::from_millis(200) } else { Duration::from_secs(10) };
    let mut last = None;
    let status = loop {
        let info = client.show_task().task_id(task).send().await?.into_inner();
        let status = info.task_info.and_then(|t| t.run_status).unwrap_or(RunStatus::Unknown(-1));
        if last != Some(status) {
            println!("run status: {status}");
            last = Some(status);
        }
        if status.is_terminal() {
            break status;
        }
        tokio::time::sleep(poll).await;
    };
    if demo {
        common::cleanup(&client, project, task).await?;
    }
    if status != RunStatus::Finished {
        return Err(format!("the run ended as {status}").into());
    }
    Ok(())
}
