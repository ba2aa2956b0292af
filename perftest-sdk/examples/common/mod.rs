//! Shared by the examples: a client from `--region R` or `--endpoint URL` (credentials and project id
//! from the usual HUAWEICLOUD_SDK_* variables or profile file), and a throwaway task for `--demo`.

#![allow(dead_code)]

use perftest_sdk::{types, Client, Error, TaskStatus};

/// Parsed `--region` / `--endpoint` plus the remaining arguments.
pub fn client_from_args() -> Result<(Client, Vec<String>), Box<dyn std::error::Error>> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut builder = Client::builder().user_agent_suffix("perftest-sdk-example");
    let mut target = false;
    for flag in ["--region", "--endpoint"] {
        if let Some(i) = args.iter().position(|a| a == flag) {
            let value = args.get(i + 1).cloned().ok_or(format!("{flag} needs a value"))?;
            builder = if flag == "--region" { builder.region(value) } else { builder.endpoint(value) };
            args.drain(i..=i + 1);
            target = true;
        }
    }
    if !target {
        return Err("give --region REGION or --endpoint URL".into());
    }
    Ok((builder.build()?, args))
}

/// Create a project, a task and a case to run (for trying the examples on the simulator); returns
/// (project id, task id).
pub async fn demo_task(client: &Client, name: &str) -> Result<(i32, i32), Error> {
    let project: types::CreateProjectRequestBody = json(serde_json::json!({ "name": name }))?;
    let project = client.create_project().body(project).send().await?.into_inner();
    let project_id = project.project_id.ok_or_else(|| missing("project_id"))?;
    let task: types::CreateTaskRequestBody = json(serde_json::json!({ "name": name, "project_id": project_id }))?;
    let task = client.create_task().body(task).send().await?.into_inner();
    let task_id = task.task_id.ok_or_else(|| missing("task_id"))?;
    let case: types::CreateCaseRequestBody = json(serde_json::json!({ "name": name, "type": 0, "task_id": task_id }))?;
    client.create_case().body(case).send().await?;
    Ok((project_id, task_id))
}

/// Start (`TaskStatus::Start`) or stop a task on the shared resource group; returns the run id on start.
pub async fn set_status(client: &Client, project: i32, task: i32, status: TaskStatus) -> Result<Option<i32>, Error> {
    let body = types::UpdateTaskStatusRequestBody::shared(status);
    let reply = client.update_task_status().test_suite_id(project).task_id(task).body(body).send().await?;
    Ok(reply.into_inner().result.and_then(|r| r.task_run_id))
}

/// Delete what [`demo_task`] created.
pub async fn cleanup(client: &Client, project: i32, task: i32) -> Result<(), Error> {
    client.delete_task().task_id(task).send().await?;
    client.delete_project().test_suite_id(project).send().await?;
    Ok(())
}

fn json<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> Result<T, Error> {
    serde_json::from_value(v).map_err(|e| Error::InvalidRequest(e.to_string()))
}

fn missing(field: &str) -> Error {
    Error::InvalidRequest(format!("the response has no {field}"))
}
