//! Error answers, shaped like CPTS's and its API gateway's.
//!
//! Service errors carry both key pairs the official SDKs look for:
//! `{"code":C,"message":M,"error_code":C,"error_msg":M}` (serialized from
//! `perftest_sdk::types::ErrorBody`). Gateway errors look like APIG's:
//! `{"error_code":"APIGW.0301","error_msg":"…","request_id":"…"}`.

use axum::body::Body;
use http::{HeaderValue, Response, StatusCode};
use perftest_sdk::types;
use serde::Serialize;

/// Every code the simulator answers with. Service codes follow the real service's pattern
/// `SVCSTG.CPTS.<HTTP status><4-digit reason>`; gateway codes are APIG's.
pub mod codes {
    /// Success (`code` of every 2xx body).
    pub const SUCCESS: &str = "SVCSTG.CPTS.0000000";
    /// 400: the body is not JSON (syntax error, empty body where one is required).
    pub const BAD_JSON: &str = "SVCSTG.CPTS.4001001";
    /// 400: a body field is missing or has the wrong type; the message names its path.
    pub const BAD_FIELD: &str = "SVCSTG.CPTS.4001002";
    /// 400: a path or query parameter is missing or not a number; the message names it.
    pub const BAD_PARAM: &str = "SVCSTG.CPTS.4001003";
    /// 400: a value is well-typed but not acceptable (empty name, ids that disagree, ...).
    pub const BAD_VALUE: &str = "SVCSTG.CPTS.4001004";
    /// 400: a name that must be unique is taken.
    pub const DUPLICATE_NAME: &str = "SVCSTG.CPTS.4001005";
    /// 400: the task has a waiting or running run (start again, delete).
    pub const TASK_BUSY: &str = "SVCSTG.CPTS.4001006";
    /// 400: the task has never run (stop).
    pub const TASK_NOT_RUNNING: &str = "SVCSTG.CPTS.4001007";
    /// 403: the `{project_id}` path segment is not the project the credentials are for.
    pub const PROJECT_MISMATCH: &str = "SVCSTG.CPTS.4031001";
    /// 403: unknown id, when `SimConfig::not_found_as_403` is set (what the real service sends).
    pub const NOT_FOUND_403: &str = "SVCSTG.CPTS.4032002";
    /// 404: unknown id (default).
    pub const NOT_FOUND: &str = "SVCSTG.CPTS.4042002";
    /// 500: the simulator itself failed (never sent for a client mistake).
    pub const INTERNAL: &str = "SVCSTG.CPTS.5001001";
    /// 500 fault: the documented CPTS "unknown error".
    pub const UNKNOWN_ERROR: &str = "CPTS.05001001";
    /// 404: no API at this method and path.
    pub const APIG_NO_API: &str = "APIGW.0101";
    /// 413: request body too large.
    pub const APIG_TOO_LARGE: &str = "APIGW.0201";
    /// 502/503 fault: backend unavailable.
    pub const APIG_BACKEND_UNAVAILABLE: &str = "APIGW.0202";
    /// 504 fault: backend timeout.
    pub const APIG_BACKEND_TIMEOUT: &str = "APIGW.0203";
    /// 401: missing, malformed or wrong signature, unknown access key, missing or skewed date.
    pub const APIG_AUTH: &str = "APIGW.0301";
    /// 403: `X-Project-Id` missing or not the configured project.
    pub const APIG_FORBIDDEN: &str = "APIGW.0302";
    /// 429 fault: throttled.
    pub const APIG_THROTTLED: &str = "APIGW.0308";
}

/// A failed request, before rendering.
#[derive(Debug, Clone)]
pub(crate) enum ApiError {
    /// A CPTS service error.
    Service { status: StatusCode, code: &'static str, message: String },
    /// An unknown id: 404 or 403 depending on the configuration.
    NotFound { field: &'static str, id: String },
    /// An API-gateway error.
    Gateway { status: StatusCode, code: &'static str, message: String, retry_after: Option<u64> },
}

impl ApiError {
    pub(crate) fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::Service { status: StatusCode::BAD_REQUEST, code, message: message.into() }
    }

    pub(crate) fn bad_value(message: impl Into<String>) -> Self {
        Self::bad_request(codes::BAD_VALUE, message)
    }

    pub(crate) fn duplicate(field: &str, value: &str, scope: &str) -> Self {
        Self::bad_request(
            codes::DUPLICATE_NAME,
            format!("Invalid parameter: {field} {value:?} already exists in {scope}"),
        )
    }

    pub(crate) fn not_found(field: &'static str, id: impl ToString) -> Self {
        Self::NotFound { field, id: id.to_string() }
    }

    pub(crate) fn internal(message: impl Into<String>) -> Self {
        Self::Service { status: StatusCode::INTERNAL_SERVER_ERROR, code: codes::INTERNAL, message: message.into() }
    }

    pub(crate) fn unauthorized(reason: impl std::fmt::Display) -> Self {
        Self::Gateway {
            status: StatusCode::UNAUTHORIZED,
            code: codes::APIG_AUTH,
            message: format!("Incorrect IAM authentication information: {reason}"),
            retry_after: None,
        }
    }

    pub(crate) fn gateway(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self::Gateway { status, code, message: message.into(), retry_after: None }
    }

    /// The HTTP status this error is answered with.
    pub(crate) fn status(&self, not_found_as_403: bool) -> StatusCode {
        match self {
            Self::Service { status, .. } | Self::Gateway { status, .. } => *status,
            Self::NotFound { .. } if not_found_as_403 => StatusCode::FORBIDDEN,
            Self::NotFound { .. } => StatusCode::NOT_FOUND,
        }
    }

    /// The response: status, JSON body, `Retry-After` where set. `X-Request-Id` is added by the server.
    pub(crate) fn into_response(self, not_found_as_403: bool, request_id: &str) -> Response<Body> {
        let status = self.status(not_found_as_403);
        match self {
            Self::Service { code, message, .. } => service_body(status, code, message),
            Self::NotFound { field, id } => {
                let code = if not_found_as_403 { codes::NOT_FOUND_403 } else { codes::NOT_FOUND };
                service_body(status, code, format!("Invalid parameter: {field} {id} does not exist"))
            }
            Self::Gateway { code, message, retry_after, .. } => {
                #[derive(Serialize)]
                struct GatewayBody<'a> {
                    error_code: &'a str,
                    error_msg: &'a str,
                    request_id: &'a str,
                }
                let body = GatewayBody { error_code: code, error_msg: &message, request_id };
                let mut resp = json_response(status, &body, "application/json");
                if let Some(secs) = retry_after {
                    resp.headers_mut().insert(http::header::RETRY_AFTER, HeaderValue::from(secs));
                }
                resp
            }
        }
    }
}

fn service_body(status: StatusCode, code: &str, message: String) -> Response<Body> {
    let body = types::ErrorBody {
        code: Some(code.to_owned()),
        message: Some(message.clone()),
        error_code: Some(code.to_owned()),
        error_msg: Some(message),
        ..Default::default()
    };
    json_response(status, &body, "application/json;charset=UTF-8")
}

/// A JSON response of `value` (serialization of our own types cannot fail; if it ever did, the
/// answer is a plain 500 rather than a panic).
pub(crate) fn json_response<T: Serialize>(status: StatusCode, value: &T, content_type: &'static str) -> Response<Body> {
    match serde_json::to_vec(value) {
        Ok(bytes) => bytes_response(status, bytes, content_type),
        Err(e) => bytes_response(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("{{\"code\":\"{}\",\"message\":\"cannot encode response: {e}\"}}", codes::INTERNAL).into_bytes(),
            "application/json",
        ),
    }
}

/// A response with the given body bytes.
pub(crate) fn bytes_response(status: StatusCode, body: Vec<u8>, content_type: &'static str) -> Response<Body> {
    let mut resp = Response::new(Body::from(body));
    *resp.status_mut() = status;
    resp.headers_mut().insert(http::header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    resp
}
