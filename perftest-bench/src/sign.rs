//! `sign_vs_floor`: signing the start request (canonicalise, hash, HMAC, header) against the SHA-256
//! and HMAC work alone over the same bytes.

use std::hint::black_box;

use hmac::{Hmac, Mac};
use perftest_sdk::auth::{SdkDate, SignableRequest, Signer};
use sha2::{Digest, Sha256};

use crate::timing::{Effort, compare_sync, report};

const BODY: &str = r#"{"cluster_id":0,"cluster_type":"shared-cluster-internet","network_info":{"network_type":"internet"},"status":9,"without_package":0}"#;

pub fn run(quick: bool) {
    // The headers the client holds when it signs (date and host already set).
    let headers: Vec<(String, String)> = [
        ("Content-Type", "application/json"),
        ("Host", "cpts.cn-north-4.myhuaweicloud.com"),
        ("User-Agent", "huaweicloud-usdk-rust/3.0; perftest-sdk/0.1.0"),
        ("X-Project-Id", "0123456789abcdef0123456789abcdef"),
        ("X-Sdk-Date", "20250102T030405Z"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let req = SignableRequest {
        method: "POST",
        host: "cpts.cn-north-4.myhuaweicloud.com",
        path: "/v1/0123456789abcdef0123456789abcdef/test-suites/1023504/tasks/1076579",
        query: &[],
        headers: &headers,
        body: BODY.as_bytes(),
    };
    let signer = Signer::new("AKFAKE0000000001", "SKFAKE0000000000000000000000000000000001");
    let date = SdkDate::parse("20250102T030405Z").expect("date");
    let signed = signer.sign(&req, &date).expect("signs");
    // The floor hashes exactly the bytes the signer hashes: the body, the canonical request and the
    // string to sign (HMAC).
    let canonical = signed.canonical_request.clone();
    let sts = signed.string_to_sign.clone();
    let key = b"SKFAKE0000000000000000000000000000000001";
    let floor = || {
        black_box(Sha256::digest(black_box(BODY.as_bytes())));
        black_box(Sha256::digest(black_box(canonical.as_bytes())));
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("any key length");
        mac.update(black_box(sts.as_bytes()));
        black_box(mac.finalize().into_bytes());
    };
    // What a client runs on every attempt: its constant headers are a template, the date is per request.
    let constant: Vec<&(String, String)> = headers.iter().filter(|(n, _)| n != "X-Sdk-Date").collect();
    let constant: Vec<(&str, &str)> = constant.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    let template = signer.template(&constant).expect("template");
    let fast = template.authorize(req.method, req.path, req.query, req.body, &date);
    assert_eq!(fast.authorization, signed.authorization, "the template signs as the signer does");
    let (subject, base) = compare_sync(
        Effort::new(quick, 20_000),
        || {
            black_box(template.authorize(black_box(req.method), black_box(req.path), req.query, black_box(req.body), &date));
        },
        floor,
    );
    report("sign_vs_floor", subject, base, "sign start request as the client does / SHA-256+HMAC of the same bytes");
    // Any header set, through `Signer::authorize` (what a caller of the auth module alone runs).
    let (subject, base) = compare_sync(
        Effort::new(quick, 20_000),
        || {
            black_box(signer.authorize(black_box(&req), &date).ok());
        },
        floor,
    );
    report("sign_generic_vs_floor", subject, base, "same via Signer::authorize (headers given per request)");
}
