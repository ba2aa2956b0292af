//! The one error type of the SDK: service errors with everything CPTS told us, kept apart from
//! transport, timeout, decode and configuration failures.

use std::fmt;

use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::Value;

use crate::config::ConfigError;
use crate::types;

/// Internal header carrying the raw error body from the exec hook to [`Error::from`]: progenitor
/// keeps only the typed body of an error response, and we must never lose the original bytes.
pub(crate) const RAW_BODY_HEADER: &str = "x-perftest-raw-body";

/// Everything that can go wrong with a call.
///
/// ```
/// # async fn demo(client: &perftest_sdk::Client) {
/// match client.show_task().task_id(7).send().await.map_err(perftest_sdk::Error::from) {
///     Ok(task) => println!("{:?}", task.into_inner()),
///     Err(perftest_sdk::Error::Service(e)) if e.status().as_u16() == 404 => println!("no such task"),
///     Err(e) => eprintln!("{e}"),
/// }
/// # }
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// CPTS or its API gateway answered with an error status (4xx/5xx).
    #[error(transparent)]
    Service(Box<ServiceError>),
    /// The request could not be built (a required parameter or body field is missing or invalid).
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// The call (an attempt, or all attempts together) exceeded its time limit.
    #[error("timed out: {0}")]
    Timeout(#[source] reqwest::Error),
    /// The connection failed or broke (refused, reset, DNS, TLS) and retries, if any, did not help.
    #[error("transport error: {0}")]
    Transport(#[source] reqwest::Error),
    /// A success response whose body does not match the operation's schema.
    #[error("could not decode the response body ({} bytes): {source}", body.len())]
    Decode {
        /// The body as received.
        body: Bytes,
        /// What serde_json reported.
        #[source]
        source: serde_json::Error,
    },
    /// A status the API does not document (1xx or 3xx).
    #[error("unexpected response status {status}{}", request_id_suffix(request_id.as_deref()))]
    UnexpectedStatus {
        /// The status received.
        status: StatusCode,
        /// `X-Request-Id` of the response, when present.
        request_id: Option<String>,
    },
    /// The client is not configured correctly (credentials, region, endpoint, project id).
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// A client hook failed.
    #[error("request hook failed: {0}")]
    Hook(String),
}

impl Error {
    /// The HTTP status, for service errors and unexpected statuses.
    ///
    /// ```
    /// let e = perftest_sdk::Error::InvalidRequest("task_id was not initialized".into());
    /// assert_eq!(e.status(), None);
    /// ```
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::Service(e) => Some(e.status),
            Self::UnexpectedStatus { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The service error, if this is one.
    ///
    /// ```
    /// let e = perftest_sdk::Error::InvalidRequest("x".into());
    /// assert!(e.as_service().is_none());
    /// ```
    pub fn as_service(&self) -> Option<&ServiceError> {
        match self {
            Self::Service(e) => Some(e),
            _ => None,
        }
    }
}

fn request_id_suffix(id: Option<&str>) -> String {
    id.map(|id| format!(" (request id {id})")).unwrap_or_default()
}

/// An error answer from CPTS or the API gateway, parsed as the official SDKs do: `error_code`/`error_msg`,
/// else `errorCode`/`errorMsg`, else `code`/`message`, at the top level or in a nested object; a missing
/// code falls back to the HTTP status and a missing message to the raw body.
///
/// ```
/// # async fn demo(client: &perftest_sdk::Client) {
/// if let Err(perftest_sdk::Error::Service(e)) = client.show_task().task_id(7).send().await.map_err(perftest_sdk::Error::from) {
///     eprintln!("{} {} (quote request id {:?} to support)", e.error_code(), e.error_msg(), e.request_id());
/// }
/// # }
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct ServiceError {
    status: StatusCode,
    error_code: String,
    error_msg: String,
    request_id: Option<String>,
    encoded_authorization_message: Option<String>,
    body: Bytes,
}

impl ServiceError {
    /// Parse an error response from its status, headers and raw body.
    ///
    /// ```
    /// use perftest_sdk::ServiceError;
    /// let e = ServiceError::from_parts(
    ///     reqwest::StatusCode::UNAUTHORIZED,
    ///     &Default::default(),
    ///     br#"{"error":{"code":"APIGW.0301","message":"Incorrect IAM authentication information"}}"#.to_vec().into(),
    /// );
    /// assert_eq!(e.error_code(), "APIGW.0301");
    /// ```
    pub fn from_parts(status: StatusCode, headers: &HeaderMap, body: Bytes) -> Self {
        let request_id = headers.get("x-request-id").and_then(|v| v.to_str().ok()).map(str::to_owned);
        let text = String::from_utf8_lossy(&body).into_owned();
        let (mut code, mut msg, mut encoded) = (None, None, None);
        match serde_json::from_slice::<Value>(&body) {
            Ok(Value::Object(obj)) => {
                if let Some((c, m)) = find_code_and_message(&obj) {
                    code = Some(c);
                    msg = Some(m);
                }
                encoded = obj.get("encoded_authorization_message").map(json_text);
            }
            _ => msg = Some(text.clone()),
        }
        Self {
            status,
            error_code: code.unwrap_or_else(|| status.as_u16().to_string()),
            error_msg: msg.unwrap_or(text),
            request_id,
            encoded_authorization_message: encoded,
            body,
        }
    }

    /// The HTTP status.
    ///
    /// ```
    /// let e = perftest_sdk::ServiceError::from_parts(
    ///     reqwest::StatusCode::FORBIDDEN,
    ///     &[(reqwest::header::HeaderName::from_static("x-request-id"), reqwest::header::HeaderValue::from_static("r1"))].into_iter().collect(),
    ///     br#"{"code":"SVCSTG.CPTS.4032002","message":"task not found"}"#.to_vec().into(),
    /// );
    /// assert_eq!(e.status().as_u16(), 403);
    /// ```
    pub fn status(&self) -> StatusCode {
        self.status
    }
    /// The error code (`APIGW.0301`, `SVCSTG.CPTS.4032002`, ...; the status as text when the body has none).
    ///
    /// ```
    /// let e = perftest_sdk::ServiceError::from_parts(
    ///     reqwest::StatusCode::FORBIDDEN,
    ///     &[(reqwest::header::HeaderName::from_static("x-request-id"), reqwest::header::HeaderValue::from_static("r1"))].into_iter().collect(),
    ///     br#"{"code":"SVCSTG.CPTS.4032002","message":"task not found"}"#.to_vec().into(),
    /// );
    /// assert_eq!(e.error_code(), "SVCSTG.CPTS.4032002");
    /// ```
    pub fn error_code(&self) -> &str {
        &self.error_code
    }
    /// The error message (the raw body when the body has none).
    ///
    /// ```
    /// let e = perftest_sdk::ServiceError::from_parts(
    ///     reqwest::StatusCode::FORBIDDEN,
    ///     &[(reqwest::header::HeaderName::from_static("x-request-id"), reqwest::header::HeaderValue::from_static("r1"))].into_iter().collect(),
    ///     br#"{"code":"SVCSTG.CPTS.4032002","message":"task not found"}"#.to_vec().into(),
    /// );
    /// assert_eq!(e.error_msg(), "task not found");
    /// ```
    pub fn error_msg(&self) -> &str {
        &self.error_msg
    }
    /// `X-Request-Id` of the response: quote it to Huawei support.
    ///
    /// ```
    /// let e = perftest_sdk::ServiceError::from_parts(
    ///     reqwest::StatusCode::FORBIDDEN,
    ///     &[(reqwest::header::HeaderName::from_static("x-request-id"), reqwest::header::HeaderValue::from_static("r1"))].into_iter().collect(),
    ///     br#"{"code":"SVCSTG.CPTS.4032002","message":"task not found"}"#.to_vec().into(),
    /// );
    /// assert_eq!(e.request_id(), Some("r1"));
    /// ```
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }
    /// `encoded_authorization_message` from the body, when IAM sent one.
    ///
    /// ```
    /// let e = perftest_sdk::ServiceError::from_parts(
    ///     reqwest::StatusCode::FORBIDDEN,
    ///     &[(reqwest::header::HeaderName::from_static("x-request-id"), reqwest::header::HeaderValue::from_static("r1"))].into_iter().collect(),
    ///     br#"{"code":"SVCSTG.CPTS.4032002","message":"task not found"}"#.to_vec().into(),
    /// );
    /// assert_eq!(e.encoded_authorization_message(), None);
    /// ```
    pub fn encoded_authorization_message(&self) -> Option<&str> {
        self.encoded_authorization_message.as_deref()
    }
    /// The body exactly as received.
    ///
    /// ```
    /// let e = perftest_sdk::ServiceError::from_parts(
    ///     reqwest::StatusCode::FORBIDDEN,
    ///     &[(reqwest::header::HeaderName::from_static("x-request-id"), reqwest::header::HeaderValue::from_static("r1"))].into_iter().collect(),
    ///     br#"{"code":"SVCSTG.CPTS.4032002","message":"task not found"}"#.to_vec().into(),
    /// );
    /// assert!(e.body().starts_with(b"{\"code\""));
    /// ```
    pub fn body(&self) -> &Bytes {
        &self.body
    }
    /// Whether the status is one the retry policy treats as transient (429, 502, 503, 504).
    ///
    /// ```
    /// let e = perftest_sdk::ServiceError::from_parts(
    ///     reqwest::StatusCode::FORBIDDEN,
    ///     &[(reqwest::header::HeaderName::from_static("x-request-id"), reqwest::header::HeaderValue::from_static("r1"))].into_iter().collect(),
    ///     br#"{"code":"SVCSTG.CPTS.4032002","message":"task not found"}"#.to_vec().into(),
    /// );
    /// assert!(!e.is_transient());
    /// ```
    pub fn is_transient(&self) -> bool {
        crate::retry::is_retryable_status(self.status)
    }
}

impl fmt::Debug for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServiceError")
            .field("status", &self.status.as_u16())
            .field("error_code", &self.error_code)
            .field("error_msg", &self.error_msg)
            .field("request_id", &self.request_id)
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// The longest error message `Display` shows whole; [`ServiceError::error_msg`] keeps all of it.
const DISPLAY_MSG_MAX: usize = 1024;

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CPTS returned {}: {}: ", self.status, self.error_code)?;
        if self.error_msg.len() > DISPLAY_MSG_MAX {
            // A proxy's page or a runaway body: show its start, not a megabyte of it.
            let mut end = DISPLAY_MSG_MAX;
            while !self.error_msg.is_char_boundary(end) {
                end -= 1;
            }
            write!(f, "{}… ({} bytes in all)", &self.error_msg[..end], self.error_msg.len())?;
        } else {
            f.write_str(&self.error_msg)?;
        }
        f.write_str(&request_id_suffix(self.request_id.as_deref()))
    }
}

impl std::error::Error for ServiceError {}

const PAIRS: [(&str, &str); 3] = [("error_code", "error_msg"), ("errorCode", "errorMsg"), ("code", "message")];

/// The first complete (code, message) pair at this level; else the last nested object that has one.
fn find_code_and_message(obj: &serde_json::Map<String, Value>) -> Option<(String, String)> {
    for (c, m) in PAIRS {
        if let (Some(code), Some(msg)) = (obj.get(c), obj.get(m)) {
            return Some((json_text(code), json_text(msg)));
        }
    }
    obj.values().rev().find_map(|v| v.as_object().and_then(find_code_and_message))
}

fn json_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

impl From<progenitor_client::Error<types::ErrorBody>> for Error {
    fn from(e: progenitor_client::Error<types::ErrorBody>) -> Self {
        use progenitor_client::Error as E;
        match e {
            E::ErrorResponse(rv) => {
                let status = rv.status();
                let headers = rv.headers().clone();
                let body = headers
                    .get(RAW_BODY_HEADER)
                    .and_then(|v| hex::decode(v.as_bytes()).ok())
                    .map(Bytes::from)
                    .unwrap_or_else(|| Bytes::from(serde_json::to_vec(&rv.into_inner()).unwrap_or_default()));
                Self::Service(Box::new(ServiceError::from_parts(status, &headers, body)))
            }
            E::InvalidRequest(msg) => Self::InvalidRequest(msg),
            E::CommunicationError(e) | E::InvalidUpgrade(e) | E::ResponseBodyError(e) => Self::from(e),
            E::InvalidResponsePayload(body, source) => Self::Decode { body, source },
            E::UnexpectedResponse(resp) => Self::UnexpectedStatus {
                status: resp.status(),
                request_id: resp.headers().get("x-request-id").and_then(|v| v.to_str().ok()).map(str::to_owned),
            },
            E::Custom(msg) => Self::Hook(msg),
        }
    }
}

impl From<reqwest::Error> for Error {
    fn from(e: reqwest::Error) -> Self {
        if e.is_timeout() { Self::Timeout(e) } else { Self::Transport(e) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(status: u16, body: &str) -> ServiceError {
        ServiceError::from_parts(StatusCode::from_u16(status).unwrap(), &HeaderMap::new(), Bytes::from(body.to_owned()))
    }

    #[test]
    fn prefers_error_code_pairs_in_the_official_order() {
        let e = parse(400, r#"{"code":"C","message":"M","error_code":"E","error_msg":"EM"}"#);
        assert_eq!((e.error_code(), e.error_msg()), ("E", "EM"));
        let e = parse(400, r#"{"errorCode":"X","errorMsg":"Y","code":"C","message":"M"}"#);
        assert_eq!((e.error_code(), e.error_msg()), ("X", "Y"));
    }

    #[test]
    fn lone_keys_do_not_count_and_fall_back_to_status_and_body() {
        let body = r#"{"code":"C"}"#;
        let e = parse(404, body);
        assert_eq!((e.error_code(), e.error_msg()), ("404", body));
    }

    #[test]
    fn nested_and_non_json_bodies() {
        let e = parse(401, r#"{"error":{"code":401,"message":"bad"}}"#);
        assert_eq!((e.error_code(), e.error_msg()), ("401", "bad"));
        let e = parse(500, "<html>oops</html>");
        assert_eq!((e.error_code(), e.error_msg()), ("500", "<html>oops</html>"));
        let e = parse(501, r#""response message""#);
        assert_eq!(e.error_msg(), r#""response message""#);
    }

    #[test]
    fn display_shortens_huge_messages_but_the_error_keeps_them() {
        let body = "é".repeat(5000);
        let e = parse(502, &body);
        assert_eq!(e.error_msg().len(), 10_000);
        let shown = e.to_string();
        assert!(shown.len() < 1200 && shown.ends_with("… (10000 bytes in all)"), "{shown}");
    }
}
