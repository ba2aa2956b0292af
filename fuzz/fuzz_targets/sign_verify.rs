//! Canonicalise and sign arbitrary requests; what is signed must verify, and must stop verifying
//! when its body changes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use perftest_sdk::auth::{query_pairs_from_str, verify, SdkDate, SignableRequest, Signer};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut parts = text.split('\n');
    let method = parts.next().unwrap_or("GET").to_owned();
    let path = parts.next().unwrap_or("/").to_owned();
    let query = query_pairs_from_str(parts.next().unwrap_or(""));
    let mut headers = vec![("Content-Type".to_owned(), "application/json".to_owned())];
    for line in parts.by_ref().take(4) {
        if let Some((n, v)) = line.split_once(':') {
            let lower = n.to_ascii_lowercase();
            let reserved = ["authorization", "x-sdk-date", "host", "x-sdk-content-sha256", "content-type"];
            let duplicate = headers.iter().any(|(h, _)| h.eq_ignore_ascii_case(n));
            // Header names are HTTP tokens (no separators such as `;`, which joins SignedHeaders).
            let token = |b: u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b);
            if !n.is_empty() && n.bytes().all(token) && !reserved.contains(&lower.as_str()) && !duplicate {
                headers.push((n.to_owned(), v.to_owned()));
            }
        }
    }
    let body: Vec<u8> = parts.collect::<Vec<_>>().join("\n").into_bytes();
    let signer = Signer::new("AKFUZZ00000000000001", "SKFUZZ");
    let req = SignableRequest { method: &method, host: "127.0.0.1:1", path: &path, query: &query, headers: &headers, body: &body };
    let Ok(signed) = signer.sign(&req, &SdkDate::from_unix_seconds(1_700_000_000)) else { return };
    let sent_query = query_pairs_from_str(&signed.canonical_query);
    let sent = SignableRequest { headers: &signed.headers, query: &sent_query, ..req };
    assert!(verify(&sent, "SKFUZZ").is_ok(), "signed request does not verify");
    if !body.is_empty() {
        let mut changed = body.clone();
        changed[0] ^= 1;
        assert!(verify(&SignableRequest { body: &changed, ..sent }, "SKFUZZ").is_err());
    }
});
