//! How a downstream project tests its own CPTS code without CPTS: stub the operations it calls with
//! the typed helpers of `perftest-httpmock`, point a `perftest_sdk::Client` at the mock server.

use httpmock::MockServer;
use perftest_httpmock::MockServerExt;
use perftest_sdk::auth::Credentials;
use perftest_sdk::{Client, RunStatus, types};

/// The code under test: is the task still running?
async fn is_running(client: &Client, task_id: i32) -> Result<bool, perftest_sdk::Error> {
    let task = client.show_task().task_id(task_id).send().await?.into_inner();
    Ok(task.task_info.and_then(|t| t.run_status).is_some_and(|s| !s.is_terminal()))
}

#[tokio::test]
async fn stubbed_show_task_drives_the_code_under_test() {
    let server = MockServer::start_async().await;
    let answer: types::ShowTaskResponse = types::ShowTaskResponse::builder()
        .code(Some("SVCSTG.CPTS.0000000".to_owned()))
        .task_info(Some(types::TaskInfo { run_status: Some(RunStatus::Running), ..Default::default() }))
        .try_into()
        .unwrap();
    let mock = server.show_task(|when, then| {
        when.project_id("pid").task_id(7);
        then.success(200, &answer);
    });
    let client = Client::builder()
        .credentials(Credentials::new("AKMOCK00000000000001", "SKMOCK").unwrap())
        .project_id("pid")
        .endpoint(server.base_url())
        .build()
        .unwrap();
    assert!(is_running(&client, 7).await.unwrap());
    mock.assert_async().await;
    // Another task id does not match the stub: httpmock answers 404, the SDK reports a service error.
    let err = is_running(&client, 8).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
}
