//! Start a CPTS task, show its state, then stop it.
//!
//! ```text
//! export HUAWEICLOUD_SDK_AK=... HUAWEICLOUD_SDK_SK=... HUAWEICLOUD_SDK_PROJECT_ID=...
//! cargo run -p perftest-sdk --example start_stop -- --region cn-north-4 <test_suite_id> <task_id>
//! # or on the simulator, with a throwaway task:
//! cargo run -p perftest-sdk --example start_stop -- --endpoint http://127.0.0.1:PORT --demo
//! ```

mod common;

use perftest_sdk::TaskStatus;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, args) = common::client_from_args()?;
    let demo = args.iter().any(|a| a == "--demo");
    let (project, task) = match args.as_slice() {
        _ if demo => common::demo_task(&client, "example-start-stop").await?,
        [p, t] => (p.parse()?, t.parse()?),
        _ => return Err("usage: start_stop (--region R | --endpoint URL) (TEST_SUITE_ID TASK_ID | --demo)".into()),
    };
    let run = common::set_status(&client, project, task, TaskStatus::Start).await?;
    println!("started task {task}: run {run:?}");
    let info = client.show_task().task_id(task).send().await?.into_inner();
    let status = info.task_info.and_then(|t| t.run_status);
    println!("run status: {}", status.map_or("unknown".to_owned(), |s| s.to_string()));
    common::set_status(&client, project, task, TaskStatus::Stop).await?;
    println!("stopped task {task}");
    if demo {
        common::cleanup(&client, project, task).await?;
    }
    Ok(())
}
