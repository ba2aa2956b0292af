//! Properties that must hold for any input (the fast, in-CI counterpart of the fuzz targets in
//! `fuzz/`): the signer never panics and what it signs always verifies (and stops verifying when a
//! byte changes), and the client's template path signs as the general signer does; every operation's response decoding never panics, whatever the body.

use perftest_sdk::auth::{SdkDate, SignableRequest, Signer, query_pairs_from_str, verify};
use perftest_sdk::{ServiceError, StatusCode, dispatch};
use perftest_tests::{Canned, FixtureConfig, capture_client, dispatch_inputs, operation_files, read_json, shared_dir};
use proptest::prelude::*;

const SK: &str = "SKPROP0000000000000000000000000000001";

fn header_name() -> impl Strategy<Value = String> {
    "[A-Za-z][A-Za-z0-9_-]{0,15}"
}

type Pairs = Vec<(String, String)>;

/// Method, raw path, query pairs, headers, body.
fn request_parts() -> impl Strategy<Value = (String, String, Pairs, Pairs, Vec<u8>)> {
    (
        prop::sample::select(vec!["GET", "POST", "PUT", "DELETE", "patch"]).prop_map(str::to_owned),
        // Raw paths with escapes (valid or not), unicode and odd bytes.
        "(/[A-Za-z0-9%~._ \\-中é+*]{0,12}){0,5}",
        prop::collection::vec(("[a-zA-Z0-9_.~%+ /中-]{0,8}", "[a-zA-Z0-9_.~%+ =&/中-]{0,8}"), 0..5),
        prop::collection::vec((header_name(), "[ -~]{0,20}"), 0..5),
        prop::collection::vec(any::<u8>(), 0..64),
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn signing_then_verifying_always_agrees((method, path, query, mut headers, body) in request_parts()) {
        headers.retain(|(n, _)| !n.eq_ignore_ascii_case("authorization") && !n.eq_ignore_ascii_case("x-sdk-date")
            && !n.eq_ignore_ascii_case("host") && !n.eq_ignore_ascii_case("x-sdk-content-sha256"));
        // One header per name, as an HTTP header map holds them.
        let mut seen = std::collections::HashSet::new();
        headers.retain(|(n, _)| seen.insert(n.to_ascii_lowercase()));
        headers.retain(|(n, _)| !n.eq_ignore_ascii_case("content-type"));
        headers.push(("Content-Type".into(), "application/json".into()));
        let signer = Signer::new("AKPROP0000000000001", SK);
        let date = SdkDate::from_unix_seconds(1_700_000_000);
        let req = SignableRequest { method: &method, host: "127.0.0.1:8080", path: &path, query: &query, headers: &headers, body: &body };
        let signed = signer.sign(&req, &date).expect("a request without a date header always signs");
        // What is sent: the signed headers, and the query in canonical form.
        let sent_query = query_pairs_from_str(&signed.canonical_query);
        let sent = SignableRequest { headers: &signed.headers, query: &sent_query, ..req };
        let v = verify(&sent, SK);
        prop_assert!(v.is_ok(), "signed request does not verify: {v:?}");
        if !body.is_empty() {
            let mut changed = body.clone();
            changed[0] ^= 1;
            let tampered = SignableRequest { body: &changed, ..sent };
            prop_assert!(verify(&tampered, SK).is_err(), "a changed body still verifies");
        }
        prop_assert!(verify(&sent, "another secret").is_err());
    }

    /// The client's signing path (a template of its constant headers) computes exactly what the
    /// general signer computes, for any method, path, query, body and header set.
    #[test]
    fn template_signing_equals_general_signing((method, path, query, mut headers, body) in request_parts(), token in proptest::option::of("[ -~]{1,20}")) {
        headers.retain(|(n, _)| !["authorization", "x-sdk-date", "host", "x-sdk-content-sha256", "content-type"]
            .iter().any(|h| n.eq_ignore_ascii_case(h)));
        headers.push(("Host".into(), " 127.0.0.1:8080 ".into()));
        headers.push(("Content-Type".into(), "application/json".into()));
        headers.extend(token.map(|t| ("X-Security-Token".to_owned(), t)));
        let signer = Signer::new("AKPROP0000000000001", SK);
        let date = SdkDate::from_unix_seconds(1_700_000_000);
        let template = signer.template(&headers).expect("a header set without per-request headers");
        let fast = template.authorize(&method, &path, &query, &body, &date);
        headers.push(("X-Sdk-Date".into(), date.as_str().into()));
        let req = SignableRequest { method: &method, host: "127.0.0.1:8080", path: &path, query: &query, headers: &headers, body: &body };
        let signed = signer.sign(&req, &date).expect("signs");
        prop_assert_eq!(fast.authorization, signed.authorization);
        prop_assert_eq!(fast.canonical_query, signed.canonical_query);
    }

    #[test]
    fn verify_never_panics_on_garbage(auth in "[ -~]{0,120}", path in "[ -~]{0,40}", body in prop::collection::vec(any::<u8>(), 0..32)) {
        let headers = vec![("Authorization".to_owned(), auth), ("X-Sdk-Date".to_owned(), "20240101T000000Z".to_owned())];
        let req = SignableRequest { method: "GET", host: "h", path: &path, query: &[], headers: &headers, body: &body };
        let _ = verify(&req, SK);
    }
}

/// Bodies worth throwing at a decoder: the recorded answer, cut short, with a byte changed, and junk.
fn mutations(recorded: &[u8]) -> impl Strategy<Value = Vec<u8>> {
    let recorded = recorded.to_vec();
    let len = recorded.len().max(1);
    prop_oneof![
        (0..len).prop_map({
            let r = recorded.clone();
            move |cut| r[..cut.min(r.len())].to_vec()
        }),
        (0..len, any::<u8>()).prop_map({
            let r = recorded.clone();
            move |(i, b)| {
                let mut r = r.clone();
                let n = r.len();
                if n > 0 {
                    r[i % n] = b;
                }
                r
            }
        }),
        prop::collection::vec(any::<u8>(), 0..64),
        Just(b"null".to_vec()),
        Just(b"[]".to_vec()),
        Just(br#"{"code":123,"message":null,"extend":[1,{"a":null}],"result":"x"}"#.to_vec()),
    ]
}

#[test]
fn decoding_any_body_never_panics() {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let files = operation_files(&shared_dir().join("reference/wire"));
    assert_eq!(files.len(), 46);
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig { cases: 48, ..ProptestConfig::default() });
    for file in files {
        let fx = read_json(&file);
        let op = fx["operation"].as_str().unwrap().to_owned();
        assert!(dispatch::operation(&op).is_some());
        let recorded = fx["response_canned"]["body_raw"].as_str().unwrap_or_default().as_bytes().to_vec();
        let (args, body) = dispatch_inputs(&fx["inputs"]);
        for status in [200u16, 400, 503] {
            runner
                .run(&mutations(&recorded), |bytes| {
                    let canned = Canned { status, headers: vec![], body: bytes };
                    let (client, _) = capture_client(&FixtureConfig::reference(), canned);
                    // Ok or a typed error; a panic fails the property.
                    let result = rt.block_on(dispatch::call(&client, &op, &args, body.clone()));
                    if status >= 400 {
                        prop_assert!(result.is_err());
                    }
                    Ok(())
                })
                .unwrap_or_else(|e| panic!("{op}: {e}"));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// The same properties as the `decode_response` fuzz target, on random bytes.
    #[test]
    fn typed_decoding_and_error_parsing_never_panic(body in prop::collection::vec(any::<u8>(), 0..128), status in 400u16..600) {
        for op in dispatch::OPERATIONS {
            prop_assert!(dispatch::decode_response(op.id, &body).is_some());
        }
        let e = ServiceError::from_parts(StatusCode::from_u16(status).unwrap(), &Default::default(), body.clone().into());
        prop_assert!(!e.error_code().is_empty());
    }
}
