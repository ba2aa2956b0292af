//! Start a CPTS task, show its state, then stop it.
//!
//! ```text
//! export HUAWEICLOUD_SDK_AK=... HUAWEICLOUD_SDK_SK=... HUAWEICLOUD_SDK_PROJECT_ID=...
//! cargo run -p perftest-sdk --example start_stop -- --region cn-north-4 <test_suite_id> <task_id>
//! # or against the local simulator:
//! cargo run -p perftest-sdk --example start_stop -- --endpoint http://127.0.0.1:PORT <test_suite_id> <task_id>
//! ```

use perftest_sdk::{Client, Error, TaskStatus, types};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (target, rest) = match args.as_slice() {
        [flag, value, rest @ ..] if flag == "--region" || flag == "--endpoint" => ((flag.as_str(), value.clone()), rest),
        _ => return Err(usage()),
    };
    let [suite, task] = rest else { return Err(usage()) };
    let (suite, task): (i32, i32) = (suite.parse()?, task.parse()?);

    let builder = Client::builder().user_agent_suffix("example-start-stop");
    let client = match target {
        ("--region", region) => builder.region(region),
        (_, endpoint) => builder.endpoint(endpoint),
    }
    .build()?;

    let started = set_status(&client, suite, task, TaskStatus::Start).await?;
    println!("started: {started}");
    let info = client.show_task().task_id(task).send().await.map_err(Error::from)?.into_inner();
    let status = info.task_info.and_then(|t| t.run_status);
    println!("run status: {}", status.map_or("unknown".to_owned(), |s| s.to_string()));
    let stopped = set_status(&client, suite, task, TaskStatus::Stop).await?;
    println!("stopped: {stopped}");
    Ok(())
}

async fn set_status(client: &Client, suite: i32, task: i32, status: TaskStatus) -> Result<String, Error> {
    let body = types::UpdateTaskStatusRequestBody::builder()
        .status(status)
        .cluster_id(0)
        .cluster_type(types::ClusterType::SharedClusterInternet)
        .without_package(0)
        .network_info(types::NetworkInfo { network_type: types::NetworkType::Internet });
    let reply = client.update_task_status().test_suite_id(suite).task_id(task).body(body).send().await?;
    Ok(serde_json::to_string(&reply.into_inner()).unwrap_or_default())
}

fn usage() -> Box<dyn std::error::Error> {
    "usage: start_stop (--region REGION | --endpoint URL) TEST_SUITE_ID TASK_ID".into()
}
