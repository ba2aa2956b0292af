//! Server-side verification of SDK-HMAC-SHA256 signatures (used by the simulator).

use hmac::Mac;

use super::canonical::{self, HeaderLine};
use super::signer::{self, hmac_for_key, ALGORITHM, HEADER_DATE};
use super::{SdkDate, SignError, SignableRequest};

/// The fields of an `Authorization: SDK-HMAC-SHA256 Access=…, SignedHeaders=…, Signature=…` value.
///
/// ```
/// use perftest_sdk::auth::{parse_authorization, verify, SdkDate, SignableRequest, Signer};
/// let req = SignableRequest { method: "GET", host: "h", path: "/v1/p", query: &[], headers: &[], body: b"" };
/// let signed = Signer::new("AK", "SK").sign(&req, &SdkDate::from_unix_seconds(0))?;
/// let parsed = parse_authorization(signed.authorization.as_deref().unwrap())?;
/// assert_eq!(parsed.access_key, "AK");
/// # Ok::<(), perftest_sdk::auth::SignError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedAuthorization {
    /// The `Access` value (access key id).
    pub access_key: String,
    /// The `SignedHeaders` value as written (`;`-joined names).
    pub signed_headers: String,
    /// The decoded `Signature` (32 bytes).
    pub signature: Vec<u8>,
}

/// What a successful [`verify`] established.
///
/// ```
/// use perftest_sdk::auth::{parse_authorization, verify, SdkDate, SignableRequest, Signer};
/// let req = SignableRequest { method: "GET", host: "h", path: "/v1/p", query: &[], headers: &[], body: b"" };
/// let signed = Signer::new("AK", "SK").sign(&req, &SdkDate::from_unix_seconds(0))?;
/// let sent = SignableRequest { headers: &signed.headers, ..req };
/// assert_eq!(verify(&sent, "SK")?.access_key, "AK");
/// # Ok::<(), perftest_sdk::auth::SignError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedAuthorization {
    /// The access key the request was signed for.
    pub access_key: String,
    /// The signed header names, in the order listed.
    pub signed_headers: Vec<String>,
    /// The request's `X-Sdk-Date`.
    pub date: SdkDate,
}

fn malformed(reason: impl Into<String>) -> SignError {
    SignError::MalformedAuthorization {
        reason: reason.into(),
    }
}

/// Parses an `Authorization` header value (whitespace around parts is tolerated; keys are
/// case-sensitive; every part must appear exactly once).
///
/// ```
/// use perftest_sdk::auth::{parse_authorization, SignError};
///
/// let sig = "7fe6426426c09caa608eb1de8b1d587add807ee8c08c3d655c46cc352e16fde8";
/// let p = parse_authorization(&format!("SDK-HMAC-SHA256 Access=AK1, SignedHeaders=host;x-sdk-date, Signature={sig}"))?;
/// assert_eq!(p.access_key, "AK1");
/// assert_eq!(p.signed_headers, "host;x-sdk-date");
/// assert!(matches!(parse_authorization("V11-HMAC-SHA256 Credential=x"), Err(SignError::UnsupportedAlgorithm { .. })));
/// # Ok::<(), SignError>(())
/// ```
pub fn parse_authorization(value: &str) -> Result<ParsedAuthorization, SignError> {
    let value = canonical::py_strip(value);
    let (algorithm, rest) = value.split_once(' ').unwrap_or((value, ""));
    if algorithm != ALGORITHM {
        return Err(SignError::UnsupportedAlgorithm {
            algorithm: algorithm.chars().take(64).collect(),
        });
    }
    let (mut access, mut signed, mut signature) = (None, None, None);
    for part in rest.split(',') {
        let part = part.trim();
        let (key, val) = part.split_once('=').ok_or_else(|| {
            malformed(format!("expected `key=value`, found {:?}", truncate(part)))
        })?;
        let slot = match key.trim() {
            "Access" => &mut access,
            "SignedHeaders" => &mut signed,
            "Signature" => &mut signature,
            other => return Err(malformed(format!("unknown field {:?}", truncate(other)))),
        };
        if slot.replace(val.trim()).is_some() {
            return Err(malformed(format!("field {} appears twice", key.trim())));
        }
    }
    let access = access
        .filter(|s| !s.is_empty())
        .ok_or_else(|| malformed("missing Access"))?;
    let signed = signed
        .filter(|s| !s.is_empty())
        .ok_or_else(|| malformed("missing SignedHeaders"))?;
    let signature = signature.ok_or_else(|| malformed("missing Signature"))?;
    let signature = match hex::decode(signature) {
        Ok(bytes) if bytes.len() == 32 => bytes,
        _ => return Err(malformed("Signature is not 64 hex digits")),
    };
    Ok(ParsedAuthorization {
        access_key: access.to_owned(),
        signed_headers: signed.to_owned(),
        signature,
    })
}

fn truncate(s: &str) -> String {
    s.chars().take(64).collect()
}

/// Verifies the signature of a received request against `secret_key`.
///
/// The canonical request is rebuilt from the listed `SignedHeaders` only (in the listed order,
/// values trimmed; the n-th occurrence of a name takes the n-th matching header), the raw query
/// pairs (see [`query_pairs_from_url`]) and the body; the signature is compared in constant time.
///
/// ```
/// use perftest_sdk::auth::{sign, verify, SdkDate, SignError, SignableRequest};
///
/// let date = SdkDate::parse("20240301T120000Z")?;
/// let req = SignableRequest { method: "POST", host: "127.0.0.1:8080", path: "/v1/p/tasks",
///     query: &[], headers: &[], body: b"{}" };
/// let signed = sign(&req, "AK", "SK", &date)?;
/// let received = SignableRequest { headers: &signed.headers, ..req };
/// assert_eq!(verify(&received, "SK")?.access_key, "AK");
/// assert_eq!(verify(&received, "other"), Err(SignError::SignatureMismatch));
/// # Ok::<(), SignError>(())
/// ```
pub fn verify(
    req: &SignableRequest<'_>,
    secret_key: &str,
) -> Result<VerifiedAuthorization, SignError> {
    let auth = req
        .headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("authorization"))
        .ok_or(SignError::MissingAuthorization)?;
    let parsed = parse_authorization(&auth.1)?;
    let date_value = req
        .headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(HEADER_DATE))
        .ok_or(SignError::MissingDate)?;
    let date = SdkDate::parse(canonical::py_strip(&date_value.1))?;

    let names: Vec<&str> = parsed.signed_headers.split(';').collect();
    let mut lines: Vec<HeaderLine<'_>> = Vec::with_capacity(names.len());
    for (i, name) in names.iter().enumerate() {
        let nth = names[..i].iter().filter(|n| *n == name).count();
        let value = req
            .headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .nth(nth)
            .ok_or_else(|| SignError::MissingSignedHeader {
                name: truncate(name),
            })?;
        lines.push(HeaderLine {
            name: std::borrow::Cow::Borrowed(name),
            value: canonical::py_strip(&value.1),
        });
    }
    let payload_hash = canonical::payload_hash(
        req.body,
        req.headers.iter().map(|(n, v)| (n.as_str(), v.as_str())),
    );
    let canonical_query = canonical::canonical_query(req.query);
    let canonical_request = canonical::canonical_request(
        req.method,
        req.path,
        &canonical_query,
        &lines,
        &parsed.signed_headers,
        &payload_hash,
    );
    let sts = signer::string_to_sign(&date, &canonical_request);
    let mut mac = hmac_for_key(secret_key.as_bytes());
    mac.update(sts.as_bytes());
    mac.verify_slice(&parsed.signature)
        .map_err(|_| SignError::SignatureMismatch)?;
    Ok(VerifiedAuthorization {
        access_key: parsed.access_key,
        signed_headers: names.into_iter().map(str::to_owned).collect(),
        date,
    })
}

/// Raw (decoded) query pairs of a URL, in order, using `application/x-www-form-urlencoded`
/// parsing (`+` → space), which inverts both the signer's encoding and what `reqwest` produces.
///
/// ```
/// use perftest_sdk::auth::query_pairs_from_url;
///
/// let url = url::Url::parse("http://h/p?b=x%2By&a=a+b&a=%E4%B8%AD&e=").unwrap();
/// assert_eq!(query_pairs_from_url(&url), vec![
///     ("b".to_owned(), "x+y".to_owned()),
///     ("a".to_owned(), "a b".to_owned()),
///     ("a".to_owned(), "中".to_owned()),
///     ("e".to_owned(), String::new()),
/// ]);
/// ```
pub fn query_pairs_from_url(url: &url::Url) -> Vec<(String, String)> {
    url.query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// Like [`query_pairs_from_url`] for a bare query string (without the leading `?`).
///
/// ```
/// use perftest_sdk::auth::query_pairs_from_str;
///
/// assert_eq!(query_pairs_from_str("k%20=v"), vec![("k ".to_owned(), "v".to_owned())]);
/// ```
pub fn query_pairs_from_str(query: &str) -> Vec<(String, String)> {
    url::form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::sign;

    fn headers(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn tampered_signature_is_rejected() {
        let hdrs = headers(&[
            ("Content-Type", "application/json"),
            ("X-Sdk-Date", "20240301T120000Z"),
        ]);
        let query = vec![("limit".to_owned(), "10".to_owned())];
        let req = SignableRequest {
            method: "POST",
            host: "127.0.0.1:8080",
            path: "/v1/p/tasks",
            query: &query,
            headers: &hdrs,
            body: b"{\"a\":1}",
        };
        let date = SdkDate::from_unix_seconds(0);
        let signed = sign(&req, "AK", "SK", &date).unwrap();
        let ok = SignableRequest {
            headers: &signed.headers,
            ..req
        };
        let v = verify(&ok, "SK").unwrap();
        assert_eq!(v.access_key, "AK");
        assert_eq!(v.signed_headers, ["content-type", "host", "x-sdk-date"]);
        assert_eq!(v.date.as_str(), "20240301T120000Z");

        // Flip one hex digit of the signature.
        let mut tampered = signed.headers.clone();
        let auth = &mut tampered.last_mut().unwrap().1;
        let last = auth.pop().unwrap();
        auth.push(if last == '0' { '1' } else { '0' });
        let bad = SignableRequest {
            headers: &tampered,
            ..req
        };
        assert_eq!(verify(&bad, "SK"), Err(SignError::SignatureMismatch));

        // Other changes.
        assert_eq!(
            verify(
                &SignableRequest {
                    body: b"{\"a\":2}",
                    ..ok
                },
                "SK"
            ),
            Err(SignError::SignatureMismatch)
        );
        let q2 = vec![("limit".to_owned(), "11".to_owned())];
        assert_eq!(
            verify(&SignableRequest { query: &q2, ..ok }, "SK"),
            Err(SignError::SignatureMismatch)
        );
        assert_eq!(
            verify(
                &SignableRequest {
                    method: "PUT",
                    ..ok
                },
                "SK"
            ),
            Err(SignError::SignatureMismatch)
        );
        assert_eq!(verify(&ok, "SK2"), Err(SignError::SignatureMismatch));
    }

    #[test]
    fn typed_errors() {
        let sig = "0".repeat(64);
        let check = |hdrs: &[(&str, &str)], expect: &dyn Fn(&SignError) -> bool| {
            let h = headers(hdrs);
            let req = SignableRequest {
                method: "GET",
                host: "h",
                path: "/",
                query: &[],
                headers: &h,
                body: b"",
            };
            let err = verify(&req, "SK").unwrap_err();
            assert!(expect(&err), "{hdrs:?} gave {err:?}");
        };
        check(&[], &|e| *e == SignError::MissingAuthorization);
        check(&[("Authorization", "V11-HMAC-SHA256 Credential=a")], &|e| {
            matches!(e, SignError::UnsupportedAlgorithm { .. })
        });
        check(&[("Authorization", "SDK-HMAC-SHA256 Access=a")], &|e| {
            matches!(e, SignError::MalformedAuthorization { .. })
        });
        check(
            &[(
                "Authorization",
                "SDK-HMAC-SHA256 Access=a, SignedHeaders=host, Signature=zz",
            )],
            &|e| matches!(e, SignError::MalformedAuthorization { .. }),
        );
        let good = format!("SDK-HMAC-SHA256 Access=a, SignedHeaders=host;x-foo, Signature={sig}");
        check(&[("authorization", &good)], &|e| {
            *e == SignError::MissingDate
        });
        check(
            &[("authorization", &good), ("x-sdk-date", "yesterday")],
            &|e| matches!(e, SignError::InvalidDate { .. }),
        );
        check(
            &[
                ("authorization", &good),
                ("x-sdk-date", "20240101T000000Z"),
                ("Host", "h"),
            ],
            &|e| matches!(e, SignError::MissingSignedHeader { name } if name == "x-foo"),
        );
        check(
            &[
                ("authorization", &good),
                ("x-sdk-date", "20240101T000000Z"),
                ("Host", "h"),
                ("X-Foo", "1"),
            ],
            &|e| *e == SignError::SignatureMismatch,
        );
    }

    #[test]
    fn keyed_hmac_matches_new_from_slice() {
        for len in [0usize, 1, 32, 63, 64, 65, 200] {
            let key = vec![0x5a_u8; len];
            let mut a = hmac_for_key(&key);
            let mut b = <signer::HmacSha256 as Mac>::new_from_slice(&key).unwrap();
            a.update(b"msg");
            b.update(b"msg");
            assert_eq!(
                a.finalize().into_bytes(),
                b.finalize().into_bytes(),
                "key length {len}"
            );
        }
    }
}
