//! The API gateway's checks, over the exact bytes received: SDK-HMAC-SHA256 signature (raw path,
//! raw query, headers as sent — `Host` included — and body), access key, `X-Sdk-Date` skew,
//! `X-Project-Id`, and the `{project_id}` path segment.

use std::time::SystemTime;

use http::{HeaderMap, Method, StatusCode};
use perftest_sdk::auth::{self, SignableRequest};

use crate::config::SimConfig;
use crate::error::{codes, ApiError};
use crate::timefmt::unix_secs;

/// The parts of a received request the checks read.
pub(crate) struct Received<'a> {
    pub method: &'a Method,
    pub raw_path: &'a str,
    pub raw_query: &'a str,
    pub headers: &'a HeaderMap,
    pub body: &'a [u8],
    /// The decoded `{project_id}` path segment.
    pub path_project_id: Option<&'a str>,
}

/// Runs every check; the error is the gateway's (401/403) or the service's (403) answer.
pub(crate) fn check(config: &SimConfig, now: SystemTime, req: &Received<'_>) -> Result<(), ApiError> {
    let headers: Vec<(String, String)> = req
        .headers
        .iter()
        .map(|(n, v)| (n.as_str().to_owned(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
        .collect();
    let header = |name: &str| headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str());

    let authorization =
        header("authorization").ok_or_else(|| ApiError::unauthorized("missing Authorization header"))?;
    let parsed = auth::parse_authorization(authorization).map_err(ApiError::unauthorized)?;
    if parsed.access_key != config.access_key {
        return Err(ApiError::unauthorized("the access key is not recognised (verify aksk signature fail)"));
    }
    let query = auth::query_pairs_from_str(req.raw_query);
    let signable = SignableRequest {
        method: req.method.as_str(),
        host: header("host").unwrap_or(""),
        path: req.raw_path,
        query: &query,
        headers: &headers,
        body: req.body,
    };
    let verified = auth::verify(&signable, &config.secret_key)
        .map_err(|e| ApiError::unauthorized(format_args!("verify aksk signature fail: {e}")))?;
    if config.check_date {
        let skew = (verified.date.unix_seconds() - unix_secs(now)).unsigned_abs();
        if skew > config.max_date_skew.as_secs() {
            return Err(ApiError::unauthorized(format_args!(
                "X-Sdk-Date {} is {skew} s away from the server time; at most {} s are allowed",
                verified.date.as_str(),
                config.max_date_skew.as_secs()
            )));
        }
    }
    match header("x-project-id") {
        None => {
            return Err(ApiError::gateway(
                StatusCode::FORBIDDEN,
                codes::APIG_FORBIDDEN,
                "The IAM user is not authorized to access the API: the X-Project-Id header is missing",
            ))
        }
        Some(p) if p.trim() != config.project_id => {
            return Err(ApiError::gateway(
                StatusCode::FORBIDDEN,
                codes::APIG_FORBIDDEN,
                "The IAM user is not authorized to access the API: X-Project-Id is not a project of these credentials",
            ))
        }
        Some(_) => {}
    }
    if req.path_project_id != Some(config.project_id.as_str()) {
        return Err(ApiError::Service {
            status: StatusCode::FORBIDDEN,
            code: codes::PROJECT_MISMATCH,
            message: "Validation does not passed. The projectId in token is different from the projectId in url."
                .into(),
        });
    }
    Ok(())
}
