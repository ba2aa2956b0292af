//! Generic Huawei Cloud API Gateway authentication: the `SDK-HMAC-SHA256` request signer and
//! verifier, and AK/SK credential resolution (explicit → environment → profile file).
//!
//! Nothing here is specific to one cloud service: the signer only sees a [`SignableRequest`] and
//! does no I/O and reads no clock.
//!
//! ```
//! use perftest_sdk::auth::{Credentials, SdkDate, SignableRequest, Signer};
//!
//! let creds = Credentials::new("AKFAKE0000000001", "SKFAKE0000000000000000000000000000000001")?;
//! let signer = Signer::from(&creds);
//! let headers = vec![("Content-Type".to_owned(), "application/json".to_owned())];
//! let req = SignableRequest {
//!     method: "GET",
//!     host: "127.0.0.1:8080",
//!     path: "/v1/p/tasks",
//!     query: &[],
//!     headers: &headers,
//!     body: b"",
//! };
//! let date = SdkDate::from_system_time(std::time::UNIX_EPOCH);
//! let signed = signer.sign(&req, &date)?;
//! assert_eq!(signed.headers.last().unwrap().0, "Authorization");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod authorize;
mod canonical;
mod chain;
pub mod credentials;
mod date;
mod env;
mod profile;
mod signed;
mod template;
pub mod signer;
mod verify;

use std::fmt;

pub use authorize::Authorized;
pub use canonical::{encode_component, EMPTY_PAYLOAD_HASH};
pub use credentials::{Credentials, CredentialsChain, CredentialsError};
pub use date::SdkDate;
pub(crate) use env::{home_dir, non_empty};
pub use env::{Env, ProcessEnv};
pub use signer::{sign, SignableRequest, Signed, Signer};
pub use template::SigningTemplate;
pub use verify::{
    parse_authorization, query_pairs_from_str, query_pairs_from_url, verify, ParsedAuthorization,
    VerifiedAuthorization,
};

/// Errors from signing (a malformed `X-Sdk-Date`) and from [`verify`].
///
/// Messages never contain secret keys or signatures.
///
/// ```
/// use perftest_sdk::auth::{SdkDate, SignError};
/// assert!(matches!(SdkDate::parse("yesterday"), Err(SignError::InvalidDate { .. })));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignError {
    /// The `X-Sdk-Date` value is not `YYYYMMDDTHHMMSSZ` (or not a real date).
    #[error("invalid X-Sdk-Date {value:?}: expected YYYYMMDDTHHMMSSZ, e.g. 20240301T120000Z")]
    InvalidDate {
        /// The offending value (at most 64 characters).
        value: String,
    },
    /// [`Signer::template`] was given a header set it cannot sign with.
    #[error("cannot make a signing template: {reason}")]
    InvalidTemplate {
        /// What was wrong.
        reason: String,
    },
    /// The request has no `Authorization` header.
    #[error("missing Authorization header")]
    MissingAuthorization,
    /// The `Authorization` header could not be parsed.
    #[error("malformed Authorization header: {reason}")]
    MalformedAuthorization {
        /// What was wrong.
        reason: String,
    },
    /// The `Authorization` header names another algorithm.
    #[error("unsupported signing algorithm {algorithm:?}: only SDK-HMAC-SHA256 is supported")]
    UnsupportedAlgorithm {
        /// The algorithm token found (at most 64 characters).
        algorithm: String,
    },
    /// The request has no `X-Sdk-Date` header.
    #[error("missing X-Sdk-Date header")]
    MissingDate,
    /// A header listed in `SignedHeaders` is absent from the request.
    #[error("header {name:?} is listed in SignedHeaders but missing from the request")]
    MissingSignedHeader {
        /// The missing header name as listed.
        name: String,
    },
    /// The recomputed signature differs from the one presented.
    #[error("signature mismatch: the request was altered or signed with another secret key")]
    SignatureMismatch,
}

/// Debug helper: first 4 characters of an access key followed by `…`.
pub(crate) struct MaskedAccessKey<'a>(pub(crate) &'a str);

impl fmt::Debug for MaskedAccessKey<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let prefix: String = self.0.chars().take(4).collect();
        write!(f, "\"{prefix}…\"")
    }
}

/// Debug helper printing `<redacted>`.
pub(crate) struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Headers for a `Debug` view: the `X-Security-Token` value is shown as `<redacted>`.
pub(crate) fn redacted_headers(headers: &[(String, String)]) -> Vec<(&str, &str)> {
    headers
        .iter()
        .map(|(n, v)| {
            let v = if n.eq_ignore_ascii_case("x-security-token") { "<redacted>" } else { v.as_str() };
            (n.as_str(), v)
        })
        .collect()
}
