//! End-to-end runs through perftest-sdk against perftest-sim: the new-edition workflow with typed
//! builders (project → directory → case → task → start → poll → history → five reports → stop →
//! clean up), every one of the 46 operations through `dispatch::call`, profiles (degraded, abort),
//! and determinism of the synthetic metrics. Time moves with a manual clock, never with sleeps.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use perftest_sdk::auth::Credentials;
use perftest_sdk::{Client, Error, RetryPolicy, RunStatus, TaskStatus, dispatch, types};
use perftest_sim::{
    DEFAULT_ACCESS_KEY, DEFAULT_PROJECT_ID, DEFAULT_SECRET_KEY, ManualClock, Profile, RunningSim, SimConfig, Simulator,
    codes,
};
use serde_json::{Map, Value, json};

struct Env {
    sim: RunningSim,
    clock: Arc<ManualClock>,
    client: Client,
}

async fn env(seed: u64) -> Env {
    let clock = Arc::new(ManualClock::starting_now());
    let config = SimConfig { time_scale: 60.0, seed, clock: clock.clone(), ..SimConfig::default() };
    let sim = Simulator::start(config, "127.0.0.1:0".parse().unwrap()).await.expect("simulator starts");
    let client = Client::builder()
        .credentials(Credentials::new(DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY).unwrap())
        .project_id(DEFAULT_PROJECT_ID)
        .endpoint(sim.endpoint())
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("client");
    Env { sim, clock, client }
}

impl Env {
    /// Moves the simulator clock by `secs` real seconds (× 60 simulated).
    fn advance(&self, secs: u64) {
        self.clock.advance(Duration::from_secs(secs));
    }
}

fn body<T: serde::de::DeserializeOwned>(v: Value) -> T {
    serde_json::from_value(v).expect("test body fits the SDK type")
}

fn service_error(e: Error) -> perftest_sdk::ServiceError {
    match e {
        Error::Service(s) => *s,
        other => panic!("expected a service error, got {other:?}"),
    }
}

/// A new-edition case with one HTTP request card and two stages (120 s + 180 s).
fn case_body(name: &str, directory_id: i32) -> Value {
    json!({
        "name": name,
        "directory_id": directory_id,
        "contents": [{"content": [{"content_type": 2, "content": {
            "name": "GET /api/items", "method": "GET", "url": "http://shop.example.com/api/items",
            "protocol_type": 1, "http_version": "HTTP/1.1"}}]}],
        "stages": [
            {"name": "ramp", "operate_mode": 0, "time": 120, "pressure_mode": 0, "issue_num": 20},
            {"name": "steady", "operate_mode": 0, "time": 180, "pressure_mode": 0, "issue_num": 50}
        ]
    })
}

async fn show_status(c: &Client, task_id: i32) -> (Option<RunStatus>, types::TaskInfo) {
    let info =
        c.show_task().task_id(task_id).send().await.expect("show_task").into_inner().task_info.expect("taskInfo");
    (info.run_status, info)
}

#[tokio::test]
async fn new_edition_workflow_through_typed_builders() {
    let e = env(42).await;
    let c = &e.client;

    // Project.
    let created = c
        .create_project()
        .body(body::<types::CreateProjectRequestBody>(json!({"name": "shop-perf", "description": "checkout"})))
        .send()
        .await
        .expect("create_project");
    assert_eq!(created.status().as_u16(), 201);
    let created = created.into_inner();
    assert_eq!(created.code.as_deref(), Some(codes::SUCCESS));
    assert_eq!(created.message.as_deref(), Some("success"));
    let pid = created.project_id.expect("project id");
    assert!(pid >= perftest_sim::FIRST_ID);
    c.update_project()
        .test_suite_id(pid)
        .body(body::<types::UpdateProjectRequestBody>(json!({"id": pid, "name": "shop-perf-2"})))
        .send()
        .await
        .expect("update_project");
    let shown = c.show_project().test_suite_id(pid).send().await.unwrap().into_inner().project.unwrap();
    assert_eq!(shown.name.as_deref(), Some("shop-perf-2"));
    assert_eq!(shown.description.as_deref(), Some("checkout"));
    let listed = c.list_project_sets().send().await.unwrap().into_inner().projects.unwrap();
    assert_eq!(listed.iter().map(|p| p.id).collect::<Vec<_>>(), vec![Some(pid)]);

    // Directory and case.
    let dir = c
        .create_directory()
        .test_suite_id(pid)
        .body(body::<types::CreateDirectoryRequestBody>(json!({"name": "api"})))
        .send()
        .await
        .unwrap()
        .into_inner()
        .directory_id
        .unwrap();
    let case = c
        .create_new_case()
        .body(body::<types::CaseInfoDetail>(case_body("browse", dir)))
        .send()
        .await
        .unwrap()
        .into_inner()
        .json
        .unwrap()
        .test_case_id
        .unwrap();
    let shown = c.show_case().case_id(case).send().await.unwrap().into_inner().test_case.unwrap();
    assert_eq!(shown.case_id, Some(case));
    assert_eq!(shown.stages.as_ref().map(Vec::len), Some(2));
    let tree = c.list_project_test_case().test_suite_id(pid).send().await.unwrap().into_inner().directory.unwrap();
    assert!(tree.iter().any(|n| n.id == Some(dir) && n.type_ == Some(1)));
    assert!(tree.iter().any(|n| n.id == Some(case) && n.parent_id == Some(dir) && n.type_ == Some(2)));

    // Task.
    let task = c
        .create_new_task()
        .body(body::<types::NewTaskInfo>(json!({
            "name": "checkout-load", "project_id": pid, "parallel": true, "operate_mode": 2, "case_id_list": [case]
        })))
        .send()
        .await
        .unwrap()
        .into_inner()
        .task_id
        .unwrap();
    let linked = c.list_task_cases().test_suit_id(pid).task_id(task).send().await.unwrap().into_inner();
    assert_eq!(linked.test_cases.unwrap().iter().map(|t| t.id).collect::<Vec<_>>(), vec![Some(case)]);
    let (status, info) = show_status(c, task).await;
    assert_eq!(status, None, "a task that never ran has no run status");
    assert_eq!(info.case_list.map(|l| l.len()), Some(1));

    // Start.
    let start = || {
        c.batch_update_task_status().test_suit_id(pid).body(body::<types::BatchUpdateTaskStatusRequestBody>(json!({
            "type": 1, "project_id": pid, "task_id_list": [task], "cluster_id": 0,
            "cluster_type": "shared-cluster-internet", "without_package": 0,
            "network_info": {"network_type": "internet"}, "status": 9
        })))
    };
    let started = start().send().await.expect("start").into_inner();
    let result = started.result.expect("result");
    assert_eq!(result.len(), 1);
    assert_eq!(result[0].task_id, Some(task));
    let run_id = result[0].task_run_id.expect("task_run_id");
    let (status, info) = show_status(c, task).await;
    assert_eq!(status, Some(RunStatus::Waiting));
    let related = info.related_temp_running_data.expect("related_temp_running_data");
    assert_eq!(related[0].task_run_info_id, Some(run_id));
    let case_run_id = related[0].related_temp_running_id.expect("case run id");

    // Starting a waiting task again is refused and starts nothing.
    let again = service_error(start().send().await.map_err(Error::from).unwrap_err());
    assert_eq!(again.status().as_u16(), 400);
    assert_eq!(again.error_code(), codes::TASK_BUSY);
    assert!(e.sim.handle().task(task).unwrap().runs.len() == 1);

    // Poll until finished: 10 s queue + 300 s load = 310 simulated s = 5.2 clock seconds.
    let mut seen = vec![RunStatus::Waiting];
    for _ in 0..20 {
        e.advance(1);
        let (status, _) = show_status(c, task).await;
        let status = status.expect("status");
        if seen.last() != Some(&status) {
            seen.push(status);
        }
        if status.is_terminal() {
            break;
        }
        // While running, the outline grows.
        let outline = c.show_merge_report_logs_outline().task_run_id(run_id).send().await.unwrap().into_inner();
        let core = outline.result.unwrap().outline.unwrap().core_index.unwrap();
        assert!(core.request_count.unwrap() > 0, "requests while running");
    }
    assert_eq!(seen, vec![RunStatus::Waiting, RunStatus::Running, RunStatus::Finished]);

    // History.
    let history = c.show_history_run_info().task_id(task).send().await.unwrap().into_inner().log_list.unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].run_id, Some(f64::from(run_id)));
    assert_eq!(history[0].run_type, Some(1.0));
    assert_eq!(history[0].continue_time, Some(300.0));
    assert!(history[0].end_time.is_some());

    // Reports.
    let outline = c.show_merge_report_logs_outline().task_run_id(run_id).send().await.unwrap().into_inner();
    let outline = outline.result.unwrap().outline.unwrap();
    let core = outline.core_index.clone().unwrap();
    let requests = core.request_count.unwrap();
    let failures = core.error_request_count.unwrap();
    assert_eq!(core.success_count.unwrap() + failures, requests);
    assert!(core.success_rate.unwrap() >= 99, "healthy profile: {core:?}");
    let codes_sum = outline.response_code_sum.unwrap();
    assert_eq!(codes_sum.sum2xx, core.success_count);
    let exc = outline.exception_response_sum.unwrap();
    assert_eq!(
        i64::from(codes_sum.sum4xx.unwrap() + codes_sum.sum5xx.unwrap()) + exc.failed_timeout.unwrap(),
        i64::from(failures)
    );
    let exec = outline.task_basic_execution_data.unwrap();
    assert_eq!(exec.task_status, Some(2));
    assert_eq!(exec.duration, Some(300));
    assert_eq!((exec.total_num, exec.complete_num, exec.pass_num), (Some(1), Some(1), Some(1)));

    let cases = c.show_merge_task_case().task_run_id(run_id).send().await.unwrap().into_inner();
    let list = cases.result.unwrap().case_aw_info_list.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].case_uri_i.as_deref(), Some(case_run_id.to_string().as_str()));
    assert_eq!(list[0].testcase_id, list[0].case_uri_i);
    let aw_id = list[0].aw_list.as_ref().unwrap()[0].case_aw_id.clone().unwrap();
    assert_eq!(aw_id.len(), 32);

    let detail = c.show_merge_case_detail().task_run_id(run_id).case_run_id(case_run_id).send().await.unwrap();
    let detail = detail.into_inner().result.unwrap().detail.unwrap();
    let perf = detail.performance.unwrap();
    assert_eq!(perf.requests, Some(requests), "one case: case requests = run requests");
    let rows = detail.detail_datas.unwrap();
    assert_eq!(rows.iter().map(|r| r.requests.unwrap()).sum::<i32>(), requests, "AW rows add up");
    let avg = perf.average_resp_time.unwrap();
    assert!((90.0..150.0).contains(&avg), "healthy average RT {avg}");
    let (tp50, tp90, tp99, max) = (perf.tp50.unwrap(), perf.tp90.unwrap(), perf.tp99.unwrap(), perf.max.unwrap());
    assert!(perf.min.unwrap() <= tp50 && tp50 <= tp90 && tp90 <= tp99 && tp99 <= max, "{perf:?}");

    let report = c
        .show_report()
        .task_run_id(run_id)
        .case_run_id(case_run_id)
        .brokens_limit_count(20)
        .send()
        .await
        .unwrap()
        .into_inner()
        .result
        .unwrap();
    let brokens = report.brokens.unwrap();
    let stamps = brokens.common_timestamps.unwrap();
    assert_eq!(stamps.len(), 20, "300 s in 10 s points, merged down to 20");
    let rc = brokens.respcode_brokens.unwrap();
    let curve_total: f64 = [rc.success.unwrap(), rc.error.unwrap(), rc.timeout.unwrap()].iter().flatten().sum();
    assert_eq!(curve_total as i32, requests, "curve counts add up to the totals");
    assert_eq!(brokens.tps_brokens.unwrap().tps.unwrap().len(), 20);
    let report_perf = report.details.unwrap().data.unwrap()[0].performance.clone().unwrap();
    assert_eq!(report_perf.requests, Some(f64::from(requests)));
    assert_eq!(report.outline.unwrap().task_status, Some(2.0));

    for detail_id in [case_run_id.to_string(), aw_id] {
        let chart = c
            .show_task_case_aw_chart()
            .task_run_id(run_id)
            .case_run_id(case_run_id)
            .detail_id(detail_id.clone())
            .send()
            .await
            .unwrap()
            .into_inner()
            .result
            .unwrap();
        let list = chart.broken_list.unwrap();
        assert_eq!(list.common_timestamps.unwrap().len(), 30, "detail {detail_id}: one point per 10 s");
        assert!(!chart.resp_time_range.is_empty());
    }

    // Stop a finished run: stopped after completing.
    let stopped = c
        .update_task_status()
        .test_suite_id(pid)
        .task_id(task)
        .body(
            types::UpdateTaskStatusRequestBody::shared(TaskStatus::Stop),
        )
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(stopped.result.unwrap().task_run_id, Some(run_id));
    assert_eq!(show_status(c, task).await.0, Some(RunStatus::StoppedCompleted));

    // A degraded second run, stopped midway.
    let http = reqwest::Client::new();
    let resp = http
        .put(format!("{}/_sim/tasks/{task}/profile", e.sim.endpoint()))
        .json(&json!({"profile": "degraded"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let run2 = start().send().await.unwrap().into_inner().result.unwrap()[0].task_run_id.unwrap();
    assert_ne!(run2, run_id);
    e.advance(2);
    assert_eq!(show_status(c, task).await.0, Some(RunStatus::Running));
    let stop_body = json!({"type": 1, "project_id": pid, "task_id_list": [task], "cluster_id": 0,
        "cluster_type": "shared-cluster-internet", "status": 2});
    let stopped = c
        .batch_update_task_status()
        .test_suit_id(pid)
        .body(body::<types::BatchUpdateTaskStatusRequestBody>(stop_body))
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(stopped.result.unwrap()[0].task_run_id, Some(run2));
    e.advance(5);
    assert_eq!(show_status(c, task).await.0, Some(RunStatus::Stopped), "stopped runs stay stopped");
    let core2 = c.show_merge_report_logs_outline().task_run_id(run2).send().await.unwrap().into_inner();
    let core2 = core2.result.unwrap().outline.unwrap();
    let exec2 = core2.task_basic_execution_data.unwrap();
    assert_eq!(exec2.task_status, Some(5));
    assert_eq!(exec2.duration, Some(110), "2 clock s × 60 − 10 s queue");
    let rate = core2.core_index.unwrap().success_rate.unwrap();
    assert!((85..=94).contains(&rate), "degraded success rate {rate}");
    let snapshot: Value =
        http.get(format!("{}/_sim/tasks/{task}", e.sim.endpoint())).send().await.unwrap().json().await.unwrap();
    assert_eq!(snapshot["starts"], 2);
    assert_eq!(snapshot["stops"], 2);
    assert_eq!(snapshot["run_status"], 5);
    assert_eq!(snapshot["current_run_id"], run2);
    let history = c.show_history_run_info().task_id(task).send().await.unwrap().into_inner().log_list.unwrap();
    assert_eq!(
        history.iter().map(|h| h.run_id).collect::<Vec<_>>(),
        vec![Some(f64::from(run2)), Some(f64::from(run_id))]
    );

    // Clean up.
    c.delete_new_task().task_id(task).send().await.expect("delete_new_task");
    c.delete_new_case().case_id(case).send().await.expect("delete_new_case");
    c.delete_directory().test_suite_id(pid).directory_id(dir).send().await.expect("delete_directory");
    c.delete_project().test_suite_id(pid).send().await.expect("delete_project");
    let gone = service_error(c.show_project().test_suite_id(pid).send().await.map_err(Error::from).unwrap_err());
    assert_eq!(gone.status().as_u16(), 404);
    assert_eq!(gone.error_code(), codes::NOT_FOUND);
    let state = e.sim.handle().state();
    assert_eq!((state.projects, state.directories, state.cases, state.tasks), (0, 0, 0, 0));
    assert_eq!(state.runs, 2, "reports stay readable after the task is gone");
    e.sim.shutdown().await;
}

/// Calls `operation` through the SDK dispatcher (which decodes with the SDK types) and records it.
async fn call(
    c: &Client,
    seen: &mut BTreeSet<&'static str>,
    op: &'static str,
    args: Value,
    body: Option<Value>,
) -> Value {
    let args: Map<String, Value> = args.as_object().cloned().unwrap_or_default();
    let reply = dispatch::call(c, op, &args, body).await.unwrap_or_else(|e| panic!("{op} failed: {e}"));
    assert!(reply.status.is_success(), "{op}: {}", reply.status);
    seen.insert(op);
    reply.body
}

fn id(v: &Value, pointer: &str) -> i64 {
    v.pointer(pointer).and_then(Value::as_i64).unwrap_or_else(|| panic!("no {pointer} in {v}"))
}

#[tokio::test]
async fn every_operation_answers_and_decodes_with_the_sdk_types() {
    let e = env(7).await;
    let c = &e.client;
    let mut seen = BTreeSet::new();
    let s = &mut seen;

    let pid = id(&call(c, s, "create_project", json!({}), Some(json!({"name": "all-ops"}))).await, "/project_id");
    call(c, s, "list_project_sets", json!({"offset": 0, "limit": 10}), None).await;
    call(c, s, "show_project", json!({"test_suite_id": pid}), None).await;
    call(
        c,
        s,
        "update_project",
        json!({"test_suite_id": pid}),
        Some(json!({"id": pid, "name": "all-ops-2", "description": "d"})),
    )
    .await;
    call(c, s, "show_process", json!({}), None).await;
    let dir = id(
        &call(c, s, "create_directory", json!({"test_suite_id": pid}), Some(json!({"name": "d1"}))).await,
        "/directory_id",
    );
    call(c, s, "update_directory", json!({"test_suite_id": pid, "directory_id": dir}), Some(json!({"name": "d2"})))
        .await;
    call(c, s, "list_project_test_case", json!({"test_suite_id": pid}), None).await;

    // Old edition: task, case, case script, debug, start, reports.
    let old_task = id(
        &call(c, s, "create_task", json!({}), Some(json!({"name": "old", "project_id": pid, "operate_mode": 0}))).await,
        "/task_id",
    );
    let old_case = id(
        &call(c, s, "create_case", json!({}), Some(json!({"name": "legacy", "type": 0, "task_id": old_task}))).await,
        "/json/task_case_id",
    );
    let mut script = case_body("legacy", dir as i32);
    script.as_object_mut().unwrap().remove("directory_id");
    script["stages"] = json!([{"operate_mode": 0, "time": 60, "pressure_mode": 1, "tps_value": 100}]);
    call(c, s, "update_case", json!({"case_id": old_case, "target": "name"}), Some(script)).await;
    let updated = call(
        c,
        s,
        "update_task",
        json!({"task_id": old_task}),
        Some(json!({"id": old_task, "name": "old-2", "project_id": pid, "bench_concurrent": 10})),
    )
    .await;
    assert_eq!(updated["taskInfo"]["name"], "old-2");
    let debug = call(
        c,
        s,
        "debug_case",
        json!({"test_suite_id": pid, "task_id": old_task, "case_id": old_case}),
        Some(json!({"status": 9, "cluster_id": 0, "cluster_type": "shared-cluster-internet", "without_package": 0})),
    )
    .await;
    assert_eq!(debug["result"][0]["statusCode"], "200");
    call(c, s, "list_task_cases", json!({"test_suit_id": pid, "task_id": old_task}), None).await;
    let start = json!({"cluster_id": 0, "cluster_type": "shared-cluster-internet", "without_package": 0,
        "network_info": {"network_type": "internet"}, "status": 9});
    let run = id(
        &call(c, s, "update_task_status", json!({"test_suite_id": pid, "task_id": old_task}), Some(start.clone()))
            .await,
        "/result/task_run_id",
    );
    e.advance(2); // 120 simulated s: 10 s queue + 60 s load → finished
    let task = call(c, s, "show_task", json!({"task_id": old_task}), None).await;
    assert_eq!(task["taskInfo"]["run_status"], 2);
    let case_run = id(&task, "/taskInfo/related_temp_running_data/0/related_temp_running_id");
    call(c, s, "show_task_set", json!({"test_suite_id": pid, "offset": 0, "limit": 5}), None).await;
    let hist = call(c, s, "show_history_run_info", json!({"task_id": old_task}), None).await;
    assert_eq!(hist["log_list"][0]["run_id"].as_f64(), Some(run as f64));
    let outline = call(c, s, "show_merge_report_logs_outline", json!({"task_run_id": run}), None).await;
    let tps = outline["result"]["outline"]["core_index"]["rps"].as_f64().unwrap();
    assert!((90.0..=110.0).contains(&tps), "TPS-mode stage of 100 TPS gave {tps}");
    let cases = call(c, s, "show_merge_task_case", json!({"task_run_id": run}), None).await;
    let listed: i64 = cases["result"]["case_aw_info_list"][0]["id"].as_str().unwrap().parse().unwrap();
    assert_eq!(listed, case_run, "case list ids are case run ids");
    let run_case = json!({"task_run_id": run, "case_run_id": case_run});
    call(c, s, "show_merge_case_detail", run_case.clone(), None).await;
    let mut report_args = run_case.clone();
    report_args["brokens_limit_count"] = json!(3);
    let report = call(c, s, "show_report", report_args, None).await;
    assert_eq!(report["result"]["brokens"]["commonTimestamps"].as_array().map(Vec::len), Some(3));
    let mut chart_args = run_case.clone();
    chart_args["detail_id"] = json!(case_run.to_string());
    call(c, s, "show_task_case_aw_chart", chart_args, None).await;

    // New edition: case, task, related cases, batch start/stop with an aborting profile.
    let new_case = id(
        &call(c, s, "create_new_case", json!({}), Some(case_body("modern", dir as i32))).await,
        "/json/test_case_id",
    );
    call(c, s, "show_case", json!({"case_id": new_case}), None).await;
    let mut changed = case_body("modern-2", dir as i32);
    changed["stages"] = json!([{"operate_mode": 0, "time": 600, "issue_num": 10}]);
    call(c, s, "update_new_case", json!({"case_id": new_case}), Some(changed)).await;
    let new_task = id(
        &call(
            c,
            s,
            "create_new_task",
            json!({}),
            Some(json!({"name": "new", "project_id": pid, "parallel": false, "operate_mode": 2, "case_id_list": []})),
        )
        .await,
        "/task_id",
    );
    let related = call(
        c,
        s,
        "update_task_related_test_case",
        json!({"task_id": new_task}),
        Some(json!({"name": "new-2", "project_id": pid, "parallel": false, "operate_mode": 2, "case_id_list": [new_case]})),
    )
    .await;
    assert_eq!(related["taskInfo"]["case_list"][0]["case_id"], new_case);
    assert!(e.sim.handle().set_profile(new_task as i32, Profile::Abort { at_fraction: 0.5 }));
    let batch = json!({"type": 1, "project_id": pid, "task_id_list": [new_task], "cluster_id": 0,
        "cluster_type": "shared-cluster-internet", "status": 9});
    let started = call(c, s, "batch_update_task_status", json!({"test_suit_id": pid}), Some(batch.clone())).await;
    let new_run = id(&started, "/result/0/task_run_id");
    e.advance(5); // 300 simulated s: 10 s queue + 290 of 600 s load → running
    assert_eq!(e.sim.handle().run_status(new_task as i32), Some(RunStatus::Running));
    e.advance(1); // 360 s: past the abort point (10 + 300)
    assert_eq!(e.sim.handle().run_status(new_task as i32), Some(RunStatus::Aborted));
    let aborted = call(c, s, "show_merge_report_logs_outline", json!({"task_run_id": new_run}), None).await;
    assert_eq!(aborted["result"]["outline"]["task_basic_execution_data"]["duration"], 300);

    // Templates.
    let temp = id(
        &call(
            c,
            s,
            "create_temp",
            json!({}),
            Some(json!({"project_id": pid, "temp_type": 0, "name": "txn", "contents": []})),
        )
        .await,
        "/tempId",
    );
    call(c, s, "show_temp", json!({"template_id": temp}), None).await;
    call(
        c,
        s,
        "update_temp",
        json!({"template_id": temp}),
        Some(json!({"id": temp, "project_id": pid, "name": "txn-2"})),
    )
    .await;
    let temps = call(c, s, "show_temp_set", json!({"test_suite_id": pid}), None).await;
    assert_eq!(temps["temps"][0]["name"], "txn-2");
    call(c, s, "delete_temp", json!({"template_id": temp}), None).await;

    // Variables.
    let var = id(
        &call(
            c,
            s,
            "create_variable",
            json!({"test_suite_id": pid}),
            Some(json!([{"id": 0, "name": "user", "variable_type": 2, "variable": ["a", "b"], "is_quoted": false}])),
        )
        .await,
        "/json/variable_id",
    );
    call(
        c,
        s,
        "update_variable",
        json!({"test_suite_id": pid}),
        Some(json!([{"id": var, "name": "user", "variable_type": 2, "variable": ["c"]}])),
    )
    .await;
    let vars = call(c, s, "list_variables", json!({"variable_type": 2, "test_suite_id": pid}), None).await;
    assert_eq!(vars["variable_list"][0]["variable"], json!(["c"]));
    call(c, s, "delete_variable", json!({"variable_id": var, "test_suite_id": pid}), None).await;

    // Agents.
    let agent =
        call(c, s, "show_agent_config", json!({}), Some(json!({"app_id": 3, "address": "10.0.0.8", "version": "1.0"})))
            .await;
    let agent_id = id(&agent, "/result/agent_id");
    let beat = call(
        c,
        s,
        "update_agent_health_status",
        json!({"agent_id": agent_id}),
        Some(json!({"update_time": 1_700_000_000_000_i64})),
    )
    .await;
    assert_eq!(beat["result"]["status"], "NORMAL");

    // Deletes.
    call(c, s, "delete_case", json!({"case_id": old_case}), None).await;
    call(c, s, "delete_task", json!({"task_id": old_task}), None).await;
    call(c, s, "delete_new_case", json!({"case_id": new_case}), None).await;
    call(c, s, "delete_new_task", json!({"task_id": new_task}), None).await;
    call(c, s, "delete_directory", json!({"test_suite_id": pid, "directory_id": dir}), None).await;
    call(c, s, "delete_project", json!({"test_suite_id": pid}), None).await;

    let all: BTreeSet<&str> = dispatch::OPERATIONS.iter().map(|o| o.id).collect();
    let missing: Vec<_> = all.difference(&seen).collect();
    assert!(missing.is_empty(), "operations never called: {missing:?}");
    assert_eq!(seen.len(), 46);
    e.sim.shutdown().await;
}

/// Creates a project, one case (300 s) and a task, starts it, finishes it; returns the outline JSON.
async fn finished_outline(seed: u64) -> Value {
    let e = env(seed).await;
    let c = &e.client;
    let mut s = BTreeSet::new();
    let s = &mut s;
    let pid = id(&call(c, s, "create_project", json!({}), Some(json!({"name": "det"}))).await, "/project_id");
    let dir = id(
        &call(c, s, "create_directory", json!({"test_suite_id": pid}), Some(json!({"name": "d"}))).await,
        "/directory_id",
    );
    let case =
        id(&call(c, s, "create_new_case", json!({}), Some(case_body("c", dir as i32))).await, "/json/test_case_id");
    let task = id(
        &call(
            c,
            s,
            "create_new_task",
            json!({}),
            Some(json!({"name": "t", "project_id": pid, "parallel": true, "operate_mode": 2, "case_id_list": [case]})),
        )
        .await,
        "/task_id",
    );
    let run = id(
        &call(
            c,
            s,
            "batch_update_task_status",
            json!({"test_suit_id": pid}),
            Some(json!({"project_id": pid, "task_id_list": [task],
            "cluster_id": 0, "cluster_type": "shared-cluster-internet", "status": 9})),
        )
        .await,
        "/result/0/task_run_id",
    );
    e.advance(6);
    let mut outline = call(c, s, "show_merge_report_logs_outline", json!({"task_run_id": run}), None).await;
    // Times depend on when the test ran; the numbers must not.
    for key in ["start_time", "end_time"] {
        outline["result"]["outline"]["task_basic_execution_data"].as_object_mut().unwrap().remove(key);
    }
    e.sim.shutdown().await;
    outline
}

#[tokio::test]
async fn metrics_are_deterministic_for_a_seed() {
    let a = finished_outline(1).await;
    let b = finished_outline(1).await;
    let other = finished_outline(2).await;
    assert_eq!(a, b, "same seed, same numbers");
    assert_ne!(
        a["result"]["outline"]["core_index"], other["result"]["outline"]["core_index"],
        "another seed, other numbers"
    );
}

#[tokio::test]
async fn a_task_without_cases_cannot_start_and_a_missing_task_is_not_found() {
    let e = env(3).await;
    let c = &e.client;
    let mut s = BTreeSet::new();
    let pid =
        id(&call(c, &mut s, "create_project", json!({}), Some(json!({"name": "empty"}))).await, "/project_id") as i32;
    let task =
        id(&call(c, &mut s, "create_task", json!({}), Some(json!({"name": "t", "project_id": pid}))).await, "/task_id")
            as i32;
    let body = types::UpdateTaskStatusRequestBody::shared(TaskStatus::Start);
    let err = service_error(
        c.update_task_status()
            .test_suite_id(pid)
            .task_id(task)
            .body(body)
            .send()
            .await
            .map_err(Error::from)
            .unwrap_err(),
    );
    assert_eq!((err.status().as_u16(), err.error_code()), (400, codes::BAD_VALUE));
    assert!(err.error_msg().contains("no test cases"), "{}", err.error_msg());
    let err = service_error(c.show_task().task_id(task + 1000).send().await.map_err(Error::from).unwrap_err());
    assert_eq!(err.status().as_u16(), 404);
    assert!(err.error_msg().contains("task_id"), "{}", err.error_msg());
    assert_eq!(err.request_id().map(str::len), Some(32));
    e.sim.shutdown().await;
}

#[tokio::test]
async fn control_api_moves_the_clock_reports_state_and_resets() {
    let e = env(5).await;
    let http = reqwest::Client::new();
    let base = format!("{}/_sim", e.sim.endpoint());
    let mut s = BTreeSet::new();
    let first =
        id(&call(&e.client, &mut s, "create_project", json!({}), Some(json!({"name": "a"}))).await, "/project_id");
    assert_eq!(first, i64::from(perftest_sim::FIRST_ID));
    let state: Value = http.get(format!("{base}/state")).send().await.unwrap().json().await.unwrap();
    assert_eq!(state["projects"], 1);

    let before: Value = http.get(format!("{base}/clock")).send().await.unwrap().json().await.unwrap();
    let moved: Value = http
        .post(format!("{base}/clock/advance"))
        .json(&json!({"seconds": 30}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(moved["advanced"], true);
    let delta = moved["unix_seconds"].as_f64().unwrap() - before["unix_seconds"].as_f64().unwrap();
    assert!((delta - 30.0).abs() < 1e-6, "advanced by {delta}");
    let bad = http.post(format!("{base}/clock/advance")).json(&json!({"seconds": -1})).send().await.unwrap();
    assert_eq!(bad.status().as_u16(), 400);
    assert_eq!(
        http.get(format!("{base}/tasks/{first}")).send().await.unwrap().status().as_u16(),
        404,
        "a project is not a task"
    );
    let bad =
        http.put(format!("{base}/tasks/{first}/profile")).json(&json!({"profile": "flaky"})).send().await.unwrap();
    assert_eq!(bad.status().as_u16(), 400);

    let reset = http.post(format!("{base}/reset")).send().await.unwrap();
    assert_eq!(reset.status().as_u16(), 200);
    assert_eq!(reset.headers()["x-request-id"].len(), 32);
    assert_eq!(e.sim.handle().state(), perftest_sim::StateSummary::default());
    let again =
        id(&call(&e.client, &mut s, "create_project", json!({}), Some(json!({"name": "a"}))).await, "/project_id");
    assert_eq!(again, first, "ids start again after a reset");
    e.sim.shutdown().await;

    // The system clock cannot be moved.
    let sim = Simulator::start(SimConfig::default(), "127.0.0.1:0".parse().unwrap()).await.unwrap();
    let moved: Value = http
        .post(format!("{}/_sim/clock/advance", sim.endpoint()))
        .json(&json!({"seconds": 30}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(moved["advanced"], false);
    sim.shutdown().await;
}
