//! Signing requests that all carry the same headers apart from `X-Sdk-Date`, as a client's do:
//! the sorted canonical header block, the signed-header list and the `Authorization` prefix are
//! rendered once, and each request streams its method, path, query, date and payload hash straight
//! into SHA-256, with no canonical-request or string-to-sign strings in between.

use std::fmt;

use hmac::Mac;
use sha2::{Digest, Sha256};

use super::canonical::{self, HeaderLine, EMPTY_PAYLOAD_HASH};
use super::signer::{ALGORITHM, HEADER_CONTENT_SHA256, HEADER_DATE};
use super::{Authorized, SdkDate, SignError, Signer};

/// A [`Signer`] bound to a fixed header set; see [`Signer::template`].
///
/// ```
/// use perftest_sdk::auth::{SdkDate, SignableRequest, Signer};
///
/// let signer = Signer::new("AK", "SK");
/// let fixed = [("Content-Type", "application/json"), ("Host", "127.0.0.1:8080")];
/// let template = signer.template(&fixed)?;
/// let date = SdkDate::parse("20240117T101011Z")?;
/// let fast = template.authorize("POST", "/v1/p/tasks", &[], br#"{"name":"t"}"#, &date);
///
/// // The same request through the general signer.
/// let mut headers: Vec<(String, String)> =
///     fixed.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect();
/// headers.push(("X-Sdk-Date".into(), date.as_str().into()));
/// let req = SignableRequest { method: "POST", host: "127.0.0.1:8080", path: "/v1/p/tasks",
///     query: &[], headers: &headers, body: br#"{"name":"t"}"# };
/// assert_eq!(fast.authorization, signer.sign(&req, &date)?.authorization);
/// # Ok::<(), perftest_sdk::auth::SignError>(())
/// ```
#[derive(Clone)]
pub struct SigningTemplate {
    signer: Signer,
    /// The canonical header lines that sort before `x-sdk-date`, then `x-sdk-date:`.
    head: String,
    /// `\n`, the lines after the date, an empty line, the signed headers and `\n`.
    tail: String,
    /// `SDK-HMAC-SHA256 Access=…, SignedHeaders=…, Signature=`.
    prefix: String,
}

impl fmt::Debug for SigningTemplate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Header values (a security token among them) stay out of logs.
        let signed = self.tail.rsplit('\n').nth(1).unwrap_or_default();
        f.debug_struct("SigningTemplate").field("signer", &self.signer).field("signed_headers", &signed).finish_non_exhaustive()
    }
}

/// Why a header set cannot be a template.
fn unsupported(reason: &str) -> SignError {
    SignError::InvalidTemplate { reason: reason.to_owned() }
}

impl Signer {
    /// Binds this signer to the headers every request will carry besides `X-Sdk-Date` (which each
    /// request supplies). They must include `Host`; `Authorization`, `X-Sdk-Date`,
    /// `X-Sdk-Content-Sha256` and a non-JSON `Content-Type` change how a request is signed and are
    /// refused with [`SignError::InvalidTemplate`].
    ///
    /// ```
    /// use perftest_sdk::auth::{SignError, Signer};
    /// let signer = Signer::new("AK", "SK");
    /// assert!(signer.template(&[("Host", "h"), ("X-Project-Id", "p")]).is_ok());
    /// assert!(matches!(signer.template(&[("X-Project-Id", "p")]), Err(SignError::InvalidTemplate { .. })));
    /// ```
    pub fn template<N: AsRef<str>, V: AsRef<str>>(&self, headers: &[(N, V)]) -> Result<SigningTemplate, SignError> {
        let named = |name: &str| headers.iter().find(|(n, _)| n.as_ref().eq_ignore_ascii_case(name));
        for name in ["Authorization", HEADER_DATE, HEADER_CONTENT_SHA256] {
            if named(name).is_some() {
                return Err(unsupported(&format!("{name} is set per request, not in a template")));
            }
        }
        if named("Host").is_none() {
            return Err(unsupported("Host is missing"));
        }
        // `Signer::sign` looks for the exact name `Content-Type` to decide on the payload hash.
        if let Some((_, v)) = headers.iter().find(|(n, _)| n.as_ref() == "Content-Type") {
            let v = v.as_ref();
            if !(v.is_empty() || v.starts_with("application/json") || v.starts_with("application/bson")) {
                return Err(unsupported("a non-JSON Content-Type is signed with UNSIGNED-PAYLOAD"));
            }
        }

        // The lines `Signer::sign` builds, with the date header where it sorts.
        let mut lines: Vec<HeaderLine<'_>> = headers
            .iter()
            .map(|(n, v)| (n.as_ref(), v.as_ref()))
            .chain([(HEADER_DATE, "")])
            .filter(|(n, _)| !n.contains('_'))
            .map(|(n, v)| HeaderLine { name: canonical::lower_name(n), value: canonical::py_strip(v) })
            .collect();
        lines.sort_by(HeaderLine::cmp_name);
        let date_at = lines.iter().position(|l| l.name.eq_ignore_ascii_case(HEADER_DATE)).unwrap_or(lines.len());
        let (before, after) = lines.split_at(date_at);
        let mut head = canonical::header_block(before);
        head.push_str("x-sdk-date:");
        let signed_headers = canonical::join_names(&lines);
        let mut tail = String::from("\n");
        tail.push_str(&canonical::header_block(after.get(1..).unwrap_or_default()));
        tail.push('\n');
        tail.push_str(&signed_headers);
        tail.push('\n');
        let mut prefix = String::with_capacity(ALGORITHM.len() + self.access_key().len() + signed_headers.len() + 40);
        for part in [ALGORITHM, " Access=", self.access_key(), ", SignedHeaders=", &signed_headers, ", Signature="] {
            prefix.push_str(part);
        }
        Ok(SigningTemplate { signer: self.clone(), head, tail, prefix })
    }
}

impl SigningTemplate {
    /// The `Authorization` value and canonical query for one request, equal to what
    /// [`Signer::sign`] computes for the same request with the template's headers plus
    /// `X-Sdk-Date: date`. `path` is as sent (percent-encoded); `query` holds raw pairs.
    ///
    /// ```
    /// use perftest_sdk::auth::{SdkDate, Signer};
    /// let template = Signer::new("AK", "SK").template(&[("Host", "h")])?;
    /// let date = SdkDate::from_unix_seconds(0);
    /// let a = template.authorize("GET", "/v1/p/tasks", &[("b".into(), "2".into()), ("a".into(), "1".into())], b"", &date);
    /// assert_eq!(a.canonical_query, "a=1&b=2");
    /// assert!(a.authorization.unwrap().starts_with("SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-sdk-date, Signature="));
    /// # Ok::<(), perftest_sdk::auth::SignError>(())
    /// ```
    pub fn authorize(&self, method: &str, path: &str, query: &[(String, String)], body: &[u8], date: &SdkDate) -> Authorized {
        let canonical_query = canonical::canonical_query(query);
        let mut hash = Sha256::new();
        if method.bytes().all(|b| !b.is_ascii_lowercase()) && method.is_ascii() {
            hash.update(method);
        } else {
            hash.update(method.to_uppercase());
        }
        hash.update(b"\n");
        // The canonical URI: a path of unreserved characters and `/` is its own encoding.
        if path.bytes().all(|b| b == b'/' || canonical::is_unreserved(b)) {
            hash.update(path);
            if !path.ends_with('/') {
                hash.update(b"/");
            }
        } else {
            let mut uri = String::with_capacity(path.len() * 3 / 2);
            canonical::canonical_uri_into(path, &mut uri);
            hash.update(uri);
        }
        hash.update(b"\n");
        hash.update(&canonical_query);
        hash.update(b"\n");
        hash.update(&self.head);
        hash.update(date.as_str());
        hash.update(&self.tail);
        if body.is_empty() {
            hash.update(EMPTY_PAYLOAD_HASH);
        } else {
            hash.update(canonical::hex_array(&Sha256::digest(body).into()));
        }
        let request_hash = canonical::hex_array(&hash.finalize().into());

        let mut mac = self.signer.mac().clone();
        mac.update(ALGORITHM.as_bytes());
        mac.update(b"\n");
        mac.update(date.as_str().as_bytes());
        mac.update(b"\n");
        mac.update(&request_hash);
        let signature: [u8; 32] = mac.finalize().into_bytes().into();
        let mut authorization = String::with_capacity(self.prefix.len() + 64);
        authorization.push_str(&self.prefix);
        canonical::push_hex_lower(&mut authorization, &signature);
        Authorized { authorization: Some(authorization), canonical_query }
    }
}
