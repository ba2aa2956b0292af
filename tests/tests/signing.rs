//! Conformance of the SDK-HMAC-SHA256 signer against the shared vectors produced by the official
//! Python SDK (`../shared/vectors/signing.json`, override with `PERFTEST_SIGNING_VECTORS`).
//!
//! Every vector is signed with its own `X-Sdk-Date` header and compared field by field; the signed
//! request must then pass `verify` and fail it after a one-byte change to the body (when
//! non-empty) and to the path. `uri` is always compared; `wire_uri` (python-requests' re-quoting
//! of `uri`) is compared with `uri` only when the path is plain printable ASCII without `%`,
//! because the Rust client never re-quotes what it sends.

use std::collections::BTreeMap;
use std::path::PathBuf;

use perftest_sdk::auth::{SdkDate, SignError, SignableRequest, Signer, sign, verify};
use serde_json::Value;

fn vectors_path() -> PathBuf {
    match std::env::var_os("PERFTEST_SIGNING_VECTORS") {
        Some(p) => PathBuf::from(p),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/vectors/signing.json"),
    }
}

fn load_vectors() -> Vec<Value> {
    let path = vectors_path();
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read signing vectors {} ({e}); set PERFTEST_SIGNING_VECTORS to the file",
            path.display()
        )
    });
    let doc: Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("signing vectors {} are not valid JSON: {e}", path.display()));
    let vectors = doc
        .get("vectors")
        .and_then(Value::as_array)
        .unwrap_or_else(|| panic!("signing vectors {} have no `vectors` array", path.display()))
        .clone();
    assert!(
        !vectors.is_empty(),
        "signing vectors {} contain zero vectors",
        path.display()
    );
    if let Some(count) = doc.get("count").and_then(Value::as_u64) {
        assert_eq!(
            count as usize,
            vectors.len(),
            "`count` disagrees with the number of vectors"
        );
    }
    vectors
}

fn str_field<'a>(v: &'a Value, key: &str) -> Result<&'a str, String> {
    v.get(key)
        .and_then(Value::as_str)
        .ok_or_else(|| format!("field `{key}` missing or not a string"))
}

fn scalar(v: &Value) -> Result<String, String> {
    match v {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) if n.is_i64() || n.is_u64() => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        other => Err(format!("unsupported query value {other}")),
    }
}

/// `[[key, value], …]` → raw pairs; lists expand to one pair per element.
fn query_pairs(v: &Value) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for pair in v.as_array().ok_or("`query` is not a list")? {
        let (key, value) = match pair.as_array().map(Vec::as_slice) {
            Some([Value::String(k), value]) => (k, value),
            _ => return Err(format!("bad query pair {pair}")),
        };
        match value {
            Value::Array(items) => {
                for item in items {
                    out.push((key.clone(), scalar(item)?));
                }
            }
            other => out.push((key.clone(), scalar(other)?)),
        }
    }
    Ok(out)
}

fn string_map(v: &Value, key: &str) -> Result<Vec<(String, String)>, String> {
    let map = v
        .get(key)
        .and_then(Value::as_object)
        .ok_or_else(|| format!("`{key}` is not an object"))?;
    map.iter()
        .map(|(k, v)| {
            v.as_str()
                .map(|s| (k.clone(), s.to_owned()))
                .ok_or_else(|| format!("`{key}.{k}` is not a string"))
        })
        .collect()
}

fn check_field(problems: &mut Vec<String>, field: &str, got: &str, want: &str) {
    if got != want {
        problems.push(format!(
            "{field}:\n      got:  {got:?}\n      want: {want:?}"
        ));
    }
}

/// Checks one vector, returning the list of mismatches.
fn check_vector(v: &Value) -> Result<Vec<String>, String> {
    let query = query_pairs(v.get("query").ok_or("missing `query`")?)?;
    let headers = string_map(v, "headers")?;
    let body = str_field(v, "body")?.as_bytes();
    let (ak, sk) = (str_field(v, "ak")?, str_field(v, "sk")?);
    let req = SignableRequest {
        method: str_field(v, "method")?,
        host: str_field(v, "host")?,
        path: str_field(v, "path")?,
        query: &query,
        headers: &headers,
        body,
    };
    // A date no vector uses: the vectors' own X-Sdk-Date header must win.
    let fallback_date = SdkDate::parse("20000101T000000Z").map_err(|e| e.to_string())?;
    let signed = sign(&req, ak, sk, &fallback_date).map_err(|e| format!("sign failed: {e}"))?;

    let mut problems = Vec::new();
    for (field, got) in [
        ("canonical_request", signed.canonical_request.as_str()),
        ("string_to_sign", &signed.string_to_sign),
        ("signed_headers", &signed.signed_headers),
        ("payload_hash", &signed.payload_hash),
        ("signature", signed.signature.as_deref().unwrap_or("<none>")),
        (
            "authorization",
            signed.authorization.as_deref().unwrap_or("<none>"),
        ),
        ("uri", &signed.uri),
    ] {
        check_field(&mut problems, field, got, str_field(v, field)?);
    }
    // The lean path the client runs must agree with the full one, with the Host header in place as
    // the client holds it.
    let mut with_host = headers.clone();
    if !with_host.iter().any(|(n, _)| n.eq_ignore_ascii_case("host")) {
        with_host.push(("Host".to_owned(), req.host.to_owned()));
    }
    let lean = Signer::new(ak, sk)
        .authorize(&SignableRequest { headers: &with_host, ..req }, &fallback_date)
        .map_err(|e| format!("authorize failed: {e}"))?;
    check_field(&mut problems, "authorize().authorization", lean.authorization.as_deref().unwrap_or("<none>"), str_field(v, "authorization")?);
    if signed.canonical_query != signed.uri.split_once('?').map_or("", |(_, q)| q) {
        problems.push(format!(
            "canonical_query {:?} is not the query of uri {:?}",
            signed.canonical_query, signed.uri
        ));
    }
    let path = req.path;
    if path.bytes().all(|b| b.is_ascii_graphic() && b != b'%') {
        check_field(
            &mut problems,
            "wire_uri (plain path)",
            &signed.uri,
            str_field(v, "wire_uri")?,
        );
    }

    let want_headers: BTreeMap<String, String> =
        string_map(v, "sent_headers")?.into_iter().collect();
    let got_headers: BTreeMap<String, String> = signed.headers.iter().cloned().collect();
    if got_headers.len() != signed.headers.len() {
        problems.push("sent headers contain a duplicate name".to_owned());
    }
    if got_headers != want_headers {
        problems.push(format!(
            "sent_headers:\n      got:  {got_headers:?}\n      want: {want_headers:?}"
        ));
    }

    // The server side: the signed request verifies, and tampering is caught.
    let received = SignableRequest {
        headers: &signed.headers,
        ..req
    };
    match verify(&received, sk) {
        Ok(ok) => {
            if ok.access_key != ak {
                problems.push(format!("verify returned access key {:?}", ok.access_key));
            }
            if ok.signed_headers.join(";") != signed.signed_headers {
                problems.push(format!(
                    "verify returned signed headers {:?}",
                    ok.signed_headers
                ));
            }
        }
        Err(e) => problems.push(format!("verify rejected the signed request: {e}")),
    }
    if !body.is_empty() && signed.payload_hash != "UNSIGNED-PAYLOAD" {
        let mut tampered = body.to_vec();
        tampered[0] ^= 0x01;
        let r = verify(
            &SignableRequest {
                body: &tampered,
                ..received
            },
            sk,
        );
        if r != Err(SignError::SignatureMismatch) {
            problems.push(format!("verify after a body change: {r:?}"));
        }
    }
    let tampered_path = format!("{path}x");
    let r = verify(
        &SignableRequest {
            path: &tampered_path,
            ..received
        },
        sk,
    );
    if r != Err(SignError::SignatureMismatch) {
        problems.push(format!("verify after a path change: {r:?}"));
    }
    Ok(problems)
}

#[test]
fn signing_vectors() {
    let vectors = load_vectors();
    let mut failures = Vec::new();
    for (i, v) in vectors.iter().enumerate() {
        let name = v
            .get("name")
            .and_then(Value::as_str)
            .map_or_else(|| format!("#{i}"), str::to_owned);
        match check_vector(v) {
            Ok(problems) if problems.is_empty() => {}
            Ok(problems) => failures.push(format!("{name}:\n    {}", problems.join("\n    "))),
            Err(e) => failures.push(format!("{name}: unusable vector: {e}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} signing vectors failed:\n{}",
        failures.len(),
        vectors.len(),
        failures.join("\n")
    );
    println!("checked {} signing vectors", vectors.len());
}

/// The unsigned-payload body is not covered by the signature, by design.
#[test]
fn unsigned_payload_body_is_not_covered() {
    let headers = vec![
        (
            "Content-Type".to_owned(),
            "application/octet-stream".to_owned(),
        ),
        ("X-Sdk-Date".to_owned(), "20240120T000000Z".to_owned()),
    ];
    let req = SignableRequest {
        method: "PUT",
        host: "h",
        path: "/u",
        query: &[],
        headers: &headers,
        body: b"abc",
    };
    let date = SdkDate::parse("20240120T000000Z").unwrap();
    let signed = sign(&req, "AK", "SK", &date).unwrap();
    assert_eq!(signed.payload_hash, "UNSIGNED-PAYLOAD");
    let received = SignableRequest {
        headers: &signed.headers,
        body: b"xyz",
        ..req
    };
    assert!(verify(&received, "SK").is_ok());
}

/// A request that already carries `Authorization` is passed through unsigned.
#[test]
fn existing_authorization_skips_signing() {
    let headers = vec![("authorization".to_owned(), " Bearer x ".to_owned())];
    let query = vec![
        ("b".to_owned(), "2".to_owned()),
        ("a".to_owned(), "1 2".to_owned()),
    ];
    let req = SignableRequest {
        method: "GET",
        host: "h",
        path: "/p",
        query: &query,
        headers: &headers,
        body: b"",
    };
    let signed = sign(
        &req,
        "AK",
        "SK",
        &SdkDate::parse("20240101T000000Z").unwrap(),
    )
    .unwrap();
    assert_eq!(signed.signature, None);
    assert_eq!(signed.authorization, None);
    assert_eq!(signed.uri, "/p?a=1%202&b=2");
    assert_eq!(
        signed.headers,
        vec![("authorization".to_owned(), "Bearer x".to_owned())]
    );
}

/// A malformed caller-supplied X-Sdk-Date is an error, not a panic; a missing one is added.
#[test]
fn date_header_handling() {
    let date = SdkDate::parse("20240101T000000Z").unwrap();
    let bad = vec![("x-sdk-date".to_owned(), "2024-01-01".to_owned())];
    let req = SignableRequest {
        method: "GET",
        host: "h",
        path: "/",
        query: &[],
        headers: &bad,
        body: b"",
    };
    assert!(matches!(
        sign(&req, "AK", "SK", &date),
        Err(SignError::InvalidDate { .. })
    ));
    let padded = vec![("x-sdk-date".to_owned(), " 20240202T020202Z\t".to_owned())];
    let signed = sign(
        &SignableRequest {
            headers: &padded,
            ..req
        },
        "AK",
        "SK",
        &date,
    )
    .unwrap();
    assert!(signed.string_to_sign.contains("\n20240202T020202Z\n"));
    let signed = sign(
        &SignableRequest {
            headers: &[],
            ..req
        },
        "AK",
        "SK",
        &date,
    )
    .unwrap();
    assert_eq!(
        signed.headers[0],
        ("X-Sdk-Date".to_owned(), "20240101T000000Z".to_owned())
    );
    assert_eq!(signed.headers[1], ("Host".to_owned(), "h".to_owned()));
}

/// URL query strings built by reqwest (`+` for space) round-trip to the signer's raw pairs.
#[test]
fn query_pairs_round_trip_through_urls() {
    let raw = vec![
        ("k y".to_owned(), "a+b c/é".to_owned()),
        ("e".to_owned(), String::new()),
    ];
    let mut url = reqwest::Url::parse("http://127.0.0.1:8080/v1/p").unwrap();
    url.query_pairs_mut().extend_pairs(raw.iter());
    assert_eq!(perftest_sdk::auth::query_pairs_from_url(&url), raw);
    let headers = vec![("X-Sdk-Date".to_owned(), "20240101T000000Z".to_owned())];
    let req = SignableRequest {
        method: "GET",
        host: "h",
        path: "/v1/p",
        query: &raw,
        headers: &headers,
        body: b"",
    };
    let signed = sign(
        &req,
        "AK",
        "SK",
        &SdkDate::parse("20240101T000000Z").unwrap(),
    )
    .unwrap();
    // What the client sends (the canonical query) parses back to the same pairs on the server.
    let sent = reqwest::Url::parse(&format!("http://h{}", signed.uri)).unwrap();
    let mut back = perftest_sdk::auth::query_pairs_from_url(&sent);
    let mut want = raw.clone();
    back.sort();
    want.sort();
    assert_eq!(back, want);
    let received = SignableRequest {
        headers: &signed.headers,
        query: &back,
        ..req
    };
    assert!(verify(&received, "SK").is_ok());
}
