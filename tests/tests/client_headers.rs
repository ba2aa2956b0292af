//! What every request carries, beyond the recorded captures: the security token of temporary
//! credentials (signed), the user agent suffix, Host as written, and nothing progenitor adds on its own.

use futures_util::FutureExt;
use perftest_sdk::Client;
use perftest_sdk::auth::{Credentials, SignableRequest, query_pairs_from_str, verify};
use std::sync::{Arc, Mutex};

#[tokio::test]
async fn temporary_credentials_send_a_signed_security_token() {
    let seen = Arc::new(Mutex::new(None));
    let sink = seen.clone();
    let transport = move |req: reqwest::Request| {
        *sink.lock().unwrap() = Some(req);
        async { Ok(reqwest::Response::from(http::Response::new(b"{}".to_vec()))) }.boxed()
    };
    let creds = Credentials::new("AKTEMP00000000000001", "SKTEMP").unwrap().with_security_token("tok-123");
    let client = Client::builder()
        .credentials(creds)
        .project_id("pid")
        .endpoint("https://cpts.example.com:443")
        .user_agent_suffix("my-pipeline/1.0")
        .transport(transport)
        .build()
        .unwrap();
    client.list_project_sets().send().await.expect("answered");
    let req = seen.lock().unwrap().take().expect("captured");
    let h = |n: &str| req.headers().get(n).map(|v| v.to_str().unwrap().to_owned());
    assert_eq!(h("x-security-token").as_deref(), Some("tok-123"));
    assert_eq!(h("host").as_deref(), Some("cpts.example.com:443"), "Host keeps the port as written");
    assert_eq!(h("content-type").as_deref(), Some("application/json"), "sent on GET too");
    assert_eq!(h("accept").as_deref(), Some("*/*"));
    assert!(h("api-version").is_none(), "progenitor's api-version header must not be sent");
    assert!(h("user-agent").unwrap().ends_with("; my-pipeline/1.0"));
    let auth = h("authorization").unwrap();
    assert!(auth.contains("SignedHeaders=content-type;host;user-agent;x-project-id;x-sdk-date;x-security-token"), "{auth}");

    let headers: Vec<(String, String)> =
        req.headers().iter().map(|(n, v)| (n.to_string(), v.to_str().unwrap().to_owned())).collect();
    let query = query_pairs_from_str(req.url().query().unwrap_or(""));
    let signable = SignableRequest {
        method: req.method().as_str(),
        host: "cpts.example.com:443",
        path: req.url().path(),
        query: &query,
        headers: &headers,
        body: req.body().and_then(|b| b.as_bytes()).unwrap_or_default(),
    };
    verify(&signable, "SKTEMP").expect("signature verifies over what is sent");
}
