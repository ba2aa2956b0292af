//! The exec hook every generated call goes through: make the request look exactly like the official
//! SDK's, sign it, send it, retry per policy (re-dated and re-signed), and keep error bodies.

use std::time::{Duration, Instant, SystemTime};

use progenitor_client::{ClientHooks, OperationInfo};
use reqwest::header::{HeaderName, HeaderValue};
use reqwest::{Method, Request, Response};
use tracing::Instrument;

use crate::Client;
use crate::auth::{self, SdkDate};
use crate::config::ClientState;
use crate::error::RAW_BODY_HEADER;
use crate::retry::{jitter, parse_retry_after, Outcome};
use crate::types;

impl ClientHooks<ClientState> for Client {
    async fn exec(&self, request: Request, info: &OperationInfo) -> reqwest::Result<Response> {
        let span = tracing::debug_span!(
            "cpts_call",
            operation = info.operation_id,
            method = %request.method(),
            attempts = tracing::field::Empty,
            status = tracing::field::Empty,
        );
        execute(self, request).instrument(span).await
    }
}


async fn execute(client: &Client, request: Request) -> reqwest::Result<Response> {
    let state = &client.inner;
    let template = prepare(state, request);
    let started = Instant::now();
    let method = template.method().clone();
    let mut attempt = 1u32;
    loop {
        let remaining = state.overall_timeout.saturating_sub(started.elapsed());
        let (mut req, last) = match template.try_clone() {
            Some(r) => (r, false),
            // A streaming body cannot be replayed: one attempt only. CPTS bodies are always JSON bytes.
            None => (clone_without_body(&template), true),
        };
        let date = state.pinned_date.unwrap_or_else(|| SdkDate::from_system_time(SystemTime::now()));
        sign(state, &mut req, &date);
        *req.timeout_mut() = Some(state.attempt_timeout.min(remaining.max(Duration::from_millis(1))));

        let attempt_span = tracing::debug_span!(
            "attempt",
            n = attempt,
            status = tracing::field::Empty,
            request_id = tracing::field::Empty
        );
        let result = send(client, req).instrument(attempt_span.clone()).await;
        let outcome = match &result {
            Ok(resp) => {
                attempt_span.record("status", resp.status().as_u16());
                if let Some(id) = resp.headers().get("x-request-id").and_then(|v| v.to_str().ok()) {
                    attempt_span.record("request_id", id);
                }
                Outcome::Status(resp.status())
            }
            Err(e) if e.is_connect() => Outcome::NotSent,
            Err(_) => Outcome::MaybeSent,
        };
        let retry_after = result
            .as_ref()
            .ok()
            .and_then(|r| r.headers().get("retry-after"))
            .and_then(|v| v.to_str().ok())
            .and_then(parse_retry_after);
        let success = matches!(outcome, Outcome::Status(s) if !s.is_client_error() && !s.is_server_error());
        let give_up = success
            || last
            || attempt >= state.retry.attempts()
            || !state.retry.should_retry(&method, outcome);
        let wait = if give_up { Duration::ZERO } else { state.retry.backoff(attempt, retry_after, jitter()) };
        let give_up = give_up || started.elapsed() + wait >= state.overall_timeout;
        if give_up {
            let span = tracing::Span::current();
            span.record("attempts", attempt);
            if let Outcome::Status(s) = outcome {
                span.record("status", s.as_u16());
            }
            return match result {
                Ok(resp) if !success => keep_error_body(resp).await,
                other => other,
            };
        }
        tracing::debug!(?outcome, wait_ms = wait.as_millis() as u64, "retrying");
        tokio::time::sleep(wait).await;
        attempt += 1;
    }
}

async fn send(client: &Client, req: Request) -> reqwest::Result<Response> {
    match &client.inner.transport {
        Some(t) => t.send(req).await,
        None => client.client.execute(req).await,
    }
}

/// Once per call: the path encoded as the official SDK encodes it, the headers it sends.
fn prepare(state: &ClientState, mut req: Request) -> Request {
    if let Some(path) = normalize_path(req.url().path()) {
        req.url_mut().set_path(&path);
    }
    let fixed = &state.headers;
    let headers = req.headers_mut();
    // progenitor's api-version header and Accept: application/json are not what the official SDK sends.
    headers.remove("api-version");
    headers.insert(reqwest::header::ACCEPT, HeaderValue::from_static("*/*"));
    headers.insert(reqwest::header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(reqwest::header::USER_AGENT, fixed.user_agent.clone());
    headers.insert(HeaderName::from_static("x-project-id"), fixed.project_id.clone());
    if let Some(token) = &fixed.security_token {
        headers.insert(HeaderName::from_static("x-security-token"), token.clone());
    }
    // Bodiless POST/PUT/DELETE go out with `Content-Length: 0`, as the official SDK sends them.
    if req.body().is_none() && req.method() != Method::GET {
        *req.body_mut() = Some(reqwest::Body::from(Vec::<u8>::new()));
    }
    req
}

/// Re-encode each path segment with the unreserved-only set (`quote(v, safe='')` in the official SDK).
/// Segments come percent-encoded from the generated code, where a `/` inside a value is `%2F`.
/// `None` when the path is already in that form (the common case: ids and plain names).
fn normalize_path(path: &str) -> Option<String> {
    let plain = path.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'_' | b'.' | b'~'));
    if plain {
        return None;
    }
    let encoded = path
        .split('/')
        .map(|seg| auth::encode_component(&percent_encoding::percent_decode_str(seg).decode_utf8_lossy()))
        .collect::<Vec<_>>()
        .join("/");
    (encoded != path).then_some(encoded)
}


/// Every attempt: a fresh `X-Sdk-Date`, the query in canonical order, `Host` and `Authorization`.
fn sign(state: &ClientState, req: &mut Request, date: &SdkDate) {
    let query = auth::query_pairs_from_url(req.url());
    let body = req.body().and_then(|b| b.as_bytes()).unwrap_or(&[]);
    let auth = state.signing.authorize(req.method().as_str(), req.url().path(), &query, body, date);
    let headers = req.headers_mut();
    if let Ok(v) = HeaderValue::from_str(date.as_str()) {
        headers.insert(HeaderName::from_static("x-sdk-date"), v);
    }
    headers.insert(reqwest::header::HOST, state.headers.host.clone());
    if let Some(Ok(mut v)) = auth.authorization.as_deref().map(HeaderValue::from_str) {
        v.set_sensitive(true);
        headers.insert(reqwest::header::AUTHORIZATION, v);
    }
    // The query travels in canonical order and encoding, as the official SDK sends it.
    let canonical = (!auth.canonical_query.is_empty()).then_some(auth.canonical_query.as_str());
    if req.url().query() != canonical {
        req.url_mut().set_query(canonical);
    }
}

fn clone_without_body(req: &Request) -> Request {
    let mut r = Request::new(req.method().clone(), req.url().clone());
    *r.headers_mut() = req.headers().clone();
    r
}

/// The most of an error body that is read and kept. CPTS and API-gateway error bodies are a few hundred
/// bytes; whatever a broken proxy sends beyond this is not read at all (the connection is closed
/// instead of being reused), so a huge error answer costs neither memory nor time.
pub(crate) const MAX_ERROR_BODY: usize = 1024 * 1024;

/// Read an error response (up to [`MAX_ERROR_BODY`] bytes) and hand it on so that nothing is lost: the
/// original bytes travel in an internal header to [`crate::Error::from`], and a body that does not fit
/// the error schema (HTML, a bare string, an integer `code`) is replaced by `{}` so the generated code
/// still yields a typed error with status and headers.
async fn keep_error_body(mut resp: Response) -> reqwest::Result<Response> {
    let status = resp.status();
    let mut headers = resp.headers().clone();
    let version = resp.version();
    let mut body: Vec<u8> = Vec::new();
    while let Some(chunk) = resp.chunk().await? {
        let room = MAX_ERROR_BODY - body.len();
        if chunk.len() > room {
            body.extend_from_slice(&chunk[..room]);
            tracing::debug!(kept = MAX_ERROR_BODY, "error body too long: the rest is not read");
            break;
        }
        body.extend_from_slice(&chunk);
    }
    if let Ok(v) = HeaderValue::from_str(&hex::encode(&body)) {
        headers.insert(HeaderName::from_static(RAW_BODY_HEADER), v);
    }
    let typed_ok = serde_json::from_slice::<types::ErrorBody>(&body).is_ok();
    let body = if typed_ok { body } else { b"{}".to_vec() };
    headers.remove(reqwest::header::CONTENT_LENGTH);
    let mut rebuilt = http::Response::new(body);
    *rebuilt.status_mut() = status;
    *rebuilt.headers_mut() = headers;
    *rebuilt.version_mut() = version;
    Ok(Response::from(rebuilt))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_segments_are_encoded_like_the_official_sdk() {
        assert_eq!(normalize_path("/v1/p/cases/a%20b/target/x%2Fy"), None);
        assert_eq!(normalize_path("/v1/p/x:y@z!").as_deref(), Some("/v1/p/x%3Ay%40z%21"));
        assert_eq!(normalize_path("/v1/p/%e4%b8%ad~._-").as_deref(), Some("/v1/p/%E4%B8%AD~._-"));
        assert_eq!(normalize_path("/v1/p/tasks/12"), None);
    }
}
