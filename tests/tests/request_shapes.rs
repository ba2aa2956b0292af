//! Request-shape snapshots: every operation built through the generated client with fixed inputs
//! (the inputs of the shared wire captures) and captured in memory, plus the decoded response of the
//! seed operation; and the spec checked against the official SDK's catalog.

use perftest_sdk::dispatch;
use perftest_tests::{Canned, FixtureConfig, capture_client, dispatch_inputs, read_json, shared_dir};
use serde_json::{Value, json};

/// Headers that do not depend on the SDK version. User-Agent does, and so does the signature over it:
/// the snapshot keeps the Authorization header up to the signature (the signature itself is checked
/// against the signer in the wire conformance test).
const SNAPSHOT_HEADERS: [&str; 6] = ["accept", "authorization", "content-type", "host", "x-project-id", "x-sdk-date"];

fn wire_file(op: &str) -> Value {
    read_json(&shared_dir().join("reference/wire").join(format!("{op}.json")))
}

#[tokio::test]
async fn every_operation_request_shape() {
    let rt_config = FixtureConfig::reference();
    assert_eq!(dispatch::OPERATIONS.len(), 46);
    for op in dispatch::OPERATIONS {
        let fixture = wire_file(op.id);
        let (args, body) = dispatch_inputs(&fixture["inputs"]);
        let ok = Canned { status: 200, headers: vec![], body: b"{}".to_vec() };
        let (client, log) = capture_client(&rt_config, ok);
        dispatch::call(&client, op.id, &args, body).await.unwrap_or_else(|e| panic!("{}: {e}", op.id));
        let sent = log.lock().unwrap().pop().expect("one request");
        let mut query: Vec<(String, String)> = sent
            .query
            .as_deref()
            .map(|q| url::form_urlencoded::parse(q.as_bytes()).into_owned().collect())
            .unwrap_or_default();
        query.sort();
        let headers: serde_json::Map<String, Value> = SNAPSHOT_HEADERS
            .iter()
            .filter_map(|h| sent.header(h).map(|v| (h.to_string(), json!(v.split(", Signature=").next()))))
            .collect();
        let body: Value = if sent.body.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&sent.body).expect("JSON body")
        };
        let shape = json!({
            "method": sent.method, "path": sent.path, "query": query, "headers": headers, "body": body,
        });
        insta::assert_json_snapshot!(format!("request_{}", op.id), shape);
    }
}

#[tokio::test]
async fn seed_operation_response_decodes() {
    let fixture = wire_file("batch_update_task_status");
    let (client, _) = capture_client(&FixtureConfig::reference(), Canned::from_fixture(&fixture["response_canned"]));
    let (args, body) = dispatch_inputs(&fixture["inputs"]);
    let body: perftest_sdk::types::BatchUpdateTaskStatusRequestBody = serde_json::from_value(body.unwrap()).unwrap();
    let resp = client
        .batch_update_task_status()
        .test_suit_id(args["test_suit_id"].as_i64().unwrap() as i32)
        .body(body)
        .send()
        .await
        .expect("decoded response");
    assert_eq!(resp.status().as_u16(), 200);
    insta::assert_debug_snapshot!("response_batch_update_task_status", resp.into_inner());
}

#[test]
fn spec_has_exactly_the_official_operations() {
    let catalog = read_json(&shared_dir().join("reference/cpts-catalog.json"));
    let mut official: Vec<(String, String)> = catalog["operations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| (o["http_method"].as_str().unwrap().to_owned(), o["path"].as_str().unwrap().to_owned()))
        .collect();
    let spec: Value = serde_yaml::from_str(
        &std::fs::read_to_string(perftest_tests::workspace_root().join("openapi/cpts.yaml")).unwrap(),
    )
    .unwrap();
    let mut ours = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            ours.push((method.to_uppercase(), path.clone()));
        }
    }
    official.sort();
    ours.sort();
    assert_eq!(official.len(), 46);
    assert_eq!(ours, official);
}

#[test]
fn spec_has_every_catalog_field_with_its_json_name() {
    let catalog = read_json(&shared_dir().join("reference/cpts-catalog.json"));
    let spec: Value = serde_yaml::from_str(
        &std::fs::read_to_string(perftest_tests::workspace_root().join("openapi/cpts.yaml")).unwrap(),
    )
    .unwrap();
    let schemas = &spec["components"]["schemas"];
    let mut missing = Vec::new();
    let mut checked = 0;
    for (model, m) in catalog["models"].as_object().unwrap() {
        for f in m["fields"].as_array().unwrap() {
            let key = f["json_name"].as_str().unwrap();
            checked += 1;
            if schemas[model]["properties"].get(key).is_none() {
                missing.push(format!("{model}.{key}"));
            }
        }
    }
    assert!(missing.is_empty(), "fields missing from the spec: {missing:?}");
    println!("checked {checked} catalog fields");
    // Every operation's parameters, with the catalog's names and locations.
    for op in catalog["operations"].as_array().unwrap() {
        let item = &spec["paths"][op["path"].as_str().unwrap()][op["http_method"].as_str().unwrap().to_lowercase()];
        let params: Vec<(String, String)> = item["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (p["name"].as_str().unwrap().to_owned(), p["in"].as_str().unwrap().to_owned()))
            .collect();
        for (list, loc) in [("path_params", "path"), ("query_params", "query")] {
            for p in op[list].as_array().unwrap() {
                let want = (p["name"].as_str().unwrap().to_owned(), loc.to_owned());
                assert!(params.contains(&want), "{}: parameter {want:?} missing", op["operation_id"]);
            }
        }
        assert_eq!(item["operationId"], op["operation_id"]);
        assert_eq!(item["tags"][0], op["group"]);
    }
}
