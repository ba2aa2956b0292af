//! Seeding a CPTS (the simulator) through the SDK: a project with one directory and one
//! new-edition case of some load, and new-edition tasks running it.

use perftest_sdk::{Client, types};

/// What [`seed`] created.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seeded {
    pub project_id: i32,
    pub case_id: i32,
    pub task_id: i32,
}

/// A project named `project` with a directory and one case of `seconds` of load at `users` users,
/// and a task named `task` that runs it.
pub async fn seed(c: &Client, project: &str, task: &str, seconds: i64, users: i32) -> Seeded {
    let (project_id, case_id) = seed_case(c, project, &format!("{task} case"), seconds, users).await;
    let task_id = seed_task(c, project_id, case_id, task).await;
    Seeded { project_id, case_id, task_id }
}

/// A project with a directory and one case; returns (project id, case id).
pub async fn seed_case(c: &Client, project: &str, case: &str, seconds: i64, users: i32) -> (i32, i32) {
    let project_id = c
        .create_project()
        .body(types::CreateProjectRequestBody { name: project.into(), description: None })
        .send()
        .await
        .expect("create_project")
        .into_inner()
        .project_id
        .expect("project id");
    let dir = c
        .create_directory()
        .test_suite_id(project_id)
        .body(types::CreateDirectoryRequestBody { name: "cases".into() })
        .send()
        .await
        .expect("create_directory")
        .into_inner()
        .directory_id
        .expect("directory id");
    let body = types::CaseInfoDetail {
        name: Some(case.into()),
        directory_id: Some(dir),
        stages: Some(vec![types::TestCaseStage {
            time: Some(seconds),
            issue_num: Some(users),
            ..Default::default()
        }]),
        ..Default::default()
    };
    let case_id = c
        .create_new_case()
        .body(body)
        .send()
        .await
        .expect("create_new_case")
        .into_inner()
        .json
        .and_then(|j| j.test_case_id)
        .expect("case id");
    (project_id, case_id)
}

/// A new-edition task named `name` running `case_id` in `project_id`; returns its id.
pub async fn seed_task(c: &Client, project_id: i32, case_id: i32, name: &str) -> i32 {
    let body = types::NewTaskInfo {
        name: name.into(),
        project_id,
        case_id_list: vec![case_id],
        operate_mode: 2,
        parallel: false,
        enable_full_link: None,
    };
    c.create_new_task().body(body).send().await.expect("create_new_task").into_inner().task_id.expect("task id")
}
