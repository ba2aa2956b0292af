//! The SDK-HMAC-SHA256 request signer (pure: no I/O, no clock).

use std::fmt;

use hmac::digest::generic_array::GenericArray;
use hmac::digest::KeyInit;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use super::canonical::{self, HeaderLine};
use super::{SdkDate, SignError};

pub(crate) type HmacSha256 = Hmac<Sha256>;

/// Name of the signing algorithm, first token of the `Authorization` header.
///
/// ```
/// assert_eq!(perftest_sdk::auth::signer::ALGORITHM, "SDK-HMAC-SHA256");
/// ```
pub const ALGORITHM: &str = "SDK-HMAC-SHA256";
/// Header carrying the signing time.
///
/// ```
/// assert_eq!(perftest_sdk::auth::signer::HEADER_DATE, "X-Sdk-Date");
/// ```
pub const HEADER_DATE: &str = "X-Sdk-Date";
/// Header carrying the payload-hash override (`UNSIGNED-PAYLOAD`).
///
/// ```
/// assert_eq!(perftest_sdk::auth::signer::HEADER_CONTENT_SHA256, "X-Sdk-Content-Sha256");
/// ```
pub const HEADER_CONTENT_SHA256: &str = "X-Sdk-Content-Sha256";
/// Marker value of [`HEADER_CONTENT_SHA256`] for bodies that are not hashed.
///
/// ```
/// assert_eq!(perftest_sdk::auth::signer::UNSIGNED_PAYLOAD, "UNSIGNED-PAYLOAD");
/// ```
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

/// A view of the request to sign (or, for [`verify`](super::verify), the request received).
///
/// Header names keep their case and values are as given (untrimmed).
///
/// ```
/// use perftest_sdk::auth::SignableRequest;
///
/// let query = vec![("limit".to_owned(), "10".to_owned())];
/// let headers = vec![("Content-Type".to_owned(), "application/json".to_owned())];
/// let req = SignableRequest {
///     method: "GET",
///     host: "127.0.0.1:8080",
///     path: "/v1/p/tasks",
///     query: &query,
///     headers: &headers,
///     body: b"",
/// };
/// # let _ = req;
/// ```
/// `Debug` redacts `X-Security-Token` values, as [`Signed`]'s does.
#[derive(Clone, Copy)]
pub struct SignableRequest<'a> {
    /// HTTP method (upper-cased for signing).
    pub method: &'a str,
    /// Netloc as it will be sent, e.g. `127.0.0.1:8080`; becomes the `Host` header unless one is given.
    pub host: &'a str,
    /// Resource path exactly as it will be sent (already percent-encoded).
    pub path: &'a str,
    /// Ordered raw (unencoded) query pairs; list values already expanded to one pair each.
    pub query: &'a [(String, String)],
    /// Request headers, names in their original case, values untrimmed.
    pub headers: &'a [(String, String)],
    /// Body bytes as sent.
    pub body: &'a [u8],
}

impl fmt::Debug for SignableRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers = super::redacted_headers(self.headers);
        f.debug_struct("SignableRequest")
            .field("method", &self.method)
            .field("host", &self.host)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("headers", &headers)
            .field("body", &self.body)
            .finish()
    }
}

/// A reusable signer holding the access key and a pre-keyed HMAC state.
///
/// ```
/// use perftest_sdk::auth::{SdkDate, SignableRequest, Signer};
///
/// let signer = Signer::new("AKFAKE0000000001", "SKFAKE0000000000000000000000000000000001");
/// let headers = vec![
///     ("Content-Type".to_owned(), "application/json".to_owned()),
///     ("X-Project-Id".to_owned(), "0a1b2c3d4e5f60718293a4b5c6d7e8f9".to_owned()),
/// ];
/// let req = SignableRequest {
///     method: "GET",
///     host: "cpts.cn-north-4.myhuaweicloud.com",
///     path: "/v1/0a1b2c3d4e5f60718293a4b5c6d7e8f9/test-suites/3/directory",
///     query: &[],
///     headers: &headers,
///     body: b"",
/// };
/// let signed = signer.sign(&req, &SdkDate::parse("20240115T083000Z")?)?;
/// assert_eq!(signed.signed_headers, "content-type;host;x-project-id;x-sdk-date");
/// assert_eq!(
///     signed.signature.as_deref(),
///     Some("8117ff05b57a7ed4be757020634ee4390c3f4e75c82879118563b837ea7dd4a8")
/// );
/// # Ok::<(), perftest_sdk::auth::SignError>(())
/// ```
#[derive(Clone)]
pub struct Signer {
    access_key: String,
    mac: HmacSha256,
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer")
            .field("access_key", &super::MaskedAccessKey(&self.access_key))
            .field("secret_key", &super::Redacted)
            .finish()
    }
}

/// HMAC-SHA256 keyed with `key`, without a fallible constructor: a key longer than the block is
/// hashed and the result zero-padded, exactly as HMAC specifies.
pub(crate) fn hmac_for_key(key: &[u8]) -> HmacSha256 {
    let mut block = GenericArray::<u8, hmac::digest::consts::U64>::default();
    if key.len() > block.len() {
        let digest = Sha256::digest(key);
        block[..digest.len()].copy_from_slice(&digest);
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    <HmacSha256 as KeyInit>::new(&block)
}

impl Signer {
    /// Creates a signer for an access key / secret key pair.
    ///
    /// ```
    /// use perftest_sdk::auth::Signer;
    /// let signer = Signer::new("AK", "SK");
    /// assert!(!format!("{signer:?}").contains("SK\""));
    /// ```
    pub fn new(access_key: &str, secret_key: &str) -> Self {
        Signer {
            access_key: access_key.to_owned(),
            mac: hmac_for_key(secret_key.as_bytes()),
        }
    }

    /// The access key put in `Authorization: … Access=<AK>`.
    ///
    /// ```
    /// assert_eq!(perftest_sdk::auth::Signer::new("AK", "SK").access_key(), "AK");
    /// ```
    pub fn access_key(&self) -> &str {
        &self.access_key
    }

    /// The HMAC state keyed with the secret key.
    pub(crate) fn mac(&self) -> &HmacSha256 {
        &self.mac
    }

    /// Hex HMAC-SHA256 of `string_to_sign` with this signer's secret key.
    pub(crate) fn signature_of(&self, string_to_sign: &str) -> String {
        canonical::hex_lower(&self.mac_of(string_to_sign.as_bytes()))
    }

    /// HMAC-SHA256 of `message` with this signer's secret key.
    pub(crate) fn mac_of(&self, message: &[u8]) -> [u8; 32] {
        let mut mac = self.mac.clone();
        mac.update(message);
        mac.finalize().into_bytes().into()
    }

    /// Signs `req`. `date` is used only when the request has no `X-Sdk-Date` header (any case);
    /// an existing one is trimmed and must be `YYYYMMDDTHHMMSSZ`, else [`SignError::InvalidDate`].
    ///
    /// When the request already carries `Authorization` (any case) nothing is signed: only
    /// [`Signed::uri`], [`Signed::canonical_query`] and the (trimmed) headers are filled.
    ///
    /// ```
    /// use perftest_sdk::auth::{SdkDate, SignableRequest, Signer};
    /// let req = SignableRequest { method: "DELETE", host: "h", path: "/v1/p/tasks/1", query: &[], headers: &[], body: b"" };
    /// let signed = Signer::new("AK", "SK").sign(&req, &SdkDate::from_unix_seconds(0))?;
    /// assert_eq!(signed.signed_headers, "host;x-sdk-date");
    /// # Ok::<(), perftest_sdk::auth::SignError>(())
    /// ```
    pub fn sign(&self, req: &SignableRequest<'_>, date: &SdkDate) -> Result<Signed, SignError> {
        let canonical_query = canonical::canonical_query(req.query);
        let uri = canonical::build_uri(req.path, &canonical_query);
        let mut headers: Vec<(String, String)> = Vec::with_capacity(req.headers.len() + 4);

        if req
            .headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case("authorization"))
        {
            headers.extend(
                req.headers
                    .iter()
                    .map(|(n, v)| (n.clone(), canonical::py_strip(v).to_owned())),
            );
            return Ok(Signed {
                canonical_request: String::new(),
                string_to_sign: String::new(),
                signed_headers: String::new(),
                payload_hash: String::new(),
                signature: None,
                authorization: None,
                uri,
                canonical_query,
                headers,
            });
        }

        // 1.1 pre-processing: unsigned-payload marker, date, host.
        let unsigned = req
            .headers
            .iter()
            .find(|(n, _)| n == "Content-Type")
            .is_some_and(|(_, v)| {
                !v.is_empty()
                    && !v.starts_with("application/json")
                    && !v.starts_with("application/bson")
            });
        let date_header = req
            .headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(HEADER_DATE));
        let date = match date_header {
            Some((_, v)) => SdkDate::parse(canonical::py_strip(v))?,
            None => *date,
        };
        let add_host = !req
            .headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case("host"));

        let mut marker_set = false;
        for (n, v) in req.headers {
            if unsigned && n == HEADER_CONTENT_SHA256 {
                marker_set = true;
                headers.push((n.clone(), UNSIGNED_PAYLOAD.to_owned()));
            } else {
                headers.push((n.clone(), canonical::py_strip(v).to_owned()));
            }
        }
        if unsigned && !marker_set {
            headers.push((
                HEADER_CONTENT_SHA256.to_owned(),
                UNSIGNED_PAYLOAD.to_owned(),
            ));
        }
        if date_header.is_none() {
            headers.push((HEADER_DATE.to_owned(), date.as_str().to_owned()));
        }
        if add_host {
            headers.push(("Host".to_owned(), canonical::py_strip(req.host).to_owned()));
        }

        let (canonical_request, signed_headers, payload_hash) = {
            let mut lines: Vec<HeaderLine<'_>> = headers
                .iter()
                .filter(|(n, _)| !n.contains('_'))
                .map(|(n, v)| HeaderLine {
                    name: canonical::lower_name(n),
                    value: v,
                })
                .collect();
            lines.sort_by(HeaderLine::cmp_name);
            let signed_headers = canonical::join_names(&lines);
            let payload_hash = canonical::payload_hash(
                req.body,
                headers.iter().map(|(n, v)| (n.as_str(), v.as_str())),
            );
            let cr = canonical::canonical_request(
                req.method,
                req.path,
                &canonical_query,
                &lines,
                &signed_headers,
                &payload_hash,
            );
            (cr, signed_headers, payload_hash)
        };

        let string_to_sign = string_to_sign(&date, &canonical_request);
        let signature = self.signature_of(&string_to_sign);
        let authorization = format!(
            "{ALGORITHM} Access={}, SignedHeaders={signed_headers}, Signature={signature}",
            self.access_key
        );
        headers.push(("Authorization".to_owned(), authorization.clone()));
        Ok(Signed {
            canonical_request,
            string_to_sign,
            signed_headers,
            payload_hash,
            signature: Some(signature),
            authorization: Some(authorization),
            uri,
            canonical_query,
            headers,
        })
    }
}

pub(crate) fn string_to_sign(date: &SdkDate, canonical_request: &str) -> String {
    let hash = Sha256::digest(canonical_request.as_bytes());
    let mut out = String::with_capacity(ALGORITHM.len() + 16 + 64 + 2);
    out.push_str(ALGORITHM);
    out.push('\n');
    out.push_str(date.as_str());
    out.push('\n');
    canonical::push_hex_lower(&mut out, &hash);
    out
}

/// Signs `req` with an access key / secret key pair; see [`Signer::sign`] (reuse a [`Signer`] to
/// skip re-keying the HMAC on every request).
///
/// ```
/// use perftest_sdk::auth::{sign, SdkDate, SignableRequest};
///
/// let req = SignableRequest { method: "POST", host: "127.0.0.1:8080", path: "/v1/p/tasks",
///     query: &[], headers: &[], body: br#"{"name":"local"}"# };
/// let signed = sign(&req, "AK", "SK", &SdkDate::parse("20240117T101011Z")?)?;
/// assert_eq!(signed.headers[0], ("X-Sdk-Date".to_owned(), "20240117T101011Z".to_owned()));
/// assert_eq!(signed.headers[1], ("Host".to_owned(), "127.0.0.1:8080".to_owned()));
/// assert!(signed.authorization.unwrap().starts_with("SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-sdk-date, "));
/// # Ok::<(), perftest_sdk::auth::SignError>(())
/// ```
pub fn sign(
    req: &SignableRequest<'_>,
    access_key: &str,
    secret_key: &str,
    date: &SdkDate,
) -> Result<Signed, SignError> {
    Signer::new(access_key, secret_key).sign(req, date)
}

pub use super::signed::Signed;
pub use super::verify::{verify, VerifiedAuthorization};
