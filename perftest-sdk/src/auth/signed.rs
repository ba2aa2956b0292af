//! The result of signing.

use std::fmt;

/// The outcome of signing: every intermediate value plus what to send.
///
/// `Debug` redacts `X-Security-Token` values.
///
/// ```
/// use perftest_sdk::auth::{sign, SdkDate, SignableRequest};
/// let req = SignableRequest { method: "GET", host: "h", path: "/v1/p/x", query: &[], headers: &[], body: b"" };
/// let s = sign(&req, "AK", "SK", &SdkDate::from_unix_seconds(0))?;
/// assert!(s.canonical_request.starts_with("GET\n/v1/p/x/\n"));
/// # Ok::<(), perftest_sdk::auth::SignError>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Signed {
    /// The six-line canonical request (empty when signing was skipped).
    pub canonical_request: String,
    /// `SDK-HMAC-SHA256\n<date>\n<hex sha256(canonical request)>` (empty when skipped).
    pub string_to_sign: String,
    /// Lower-case signed header names joined with `;` (empty when skipped).
    pub signed_headers: String,
    /// Payload hash used in the canonical request (empty when skipped).
    pub payload_hash: String,
    /// Lower-case hex signature; `None` when the request already carried `Authorization`.
    pub signature: Option<String>,
    /// The `Authorization` value added; `None` when the request already carried one.
    pub authorization: Option<String>,
    /// Request target to send: the path as given, plus `?` and the canonical query when non-empty.
    pub uri: String,
    /// Canonical query string (sorted, encoded); also the query part of [`Signed::uri`].
    pub canonical_query: String,
    /// Headers to send, values trimmed: the caller's in order, then any added
    /// `X-Sdk-Content-Sha256`, `X-Sdk-Date`, `Host`, and finally `Authorization`.
    pub headers: Vec<(String, String)>,
}

impl fmt::Debug for Signed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers = super::redacted_headers(&self.headers);
        let canonical: String = self
            .canonical_request
            .split('\n')
            .map(|l| {
                if l.starts_with("x-security-token:") {
                    "x-security-token:<redacted>"
                } else {
                    l
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        f.debug_struct("Signed")
            .field("canonical_request", &canonical)
            .field("string_to_sign", &self.string_to_sign)
            .field("signed_headers", &self.signed_headers)
            .field("payload_hash", &self.payload_hash)
            .field("signature", &self.signature)
            .field("authorization", &self.authorization)
            .field("uri", &self.uri)
            .field("canonical_query", &self.canonical_query)
            .field("headers", &headers)
            .finish()
    }
}
