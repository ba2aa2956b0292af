//! One CPTS request, start to finish: read the body, find the operation, apply faults, check the
//! signature and project, run the handler, shape the answer. Every answer carries `X-Request-Id`.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use http::{HeaderValue, Response, StatusCode};

use crate::auth::{self, Received};
use crate::error::{bytes_response, codes, ApiError};
use crate::faults::{fault_error, html_page, truncate_body, FaultKind};
use crate::routes::Call;
use crate::shared::{lock, new_request_id, until_stopped, ConnMeta, Shared};

/// The axum fallback handler serving every non-control path.
pub(crate) async fn handle(State(shared): State<Arc<Shared>>, req: Request) -> Response<Body> {
    let request_id = new_request_id();
    let mut resp = process(&shared, req, &request_id).await;
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        resp.headers_mut().insert("x-request-id", v);
    }
    resp
}

async fn process(shared: &Shared, req: Request, request_id: &str) -> Response<Body> {
    let nf403 = shared.config.not_found_as_403;
    let reject = |e: ApiError| e.into_response(nf403, request_id);
    let conn = req.extensions().get::<ConnMeta>().cloned();
    let (parts, body) = req.into_parts();
    let body = match axum::body::to_bytes(body, shared.config.max_body_bytes).await {
        Ok(b) => b,
        Err(_) => {
            return reject(ApiError::gateway(
                StatusCode::PAYLOAD_TOO_LARGE,
                codes::APIG_TOO_LARGE,
                format!("Request entity too large or unreadable (at most {} bytes)", shared.config.max_body_bytes),
            ))
        }
    };
    let Some(matched) = shared.router.find(&parts.method, parts.uri.path()) else {
        lock(&shared.stats).unmatched += 1;
        return reject(ApiError::gateway(
            StatusCode::NOT_FOUND,
            codes::APIG_NO_API,
            "The API does not exist or has not been published in the environment",
        ));
    };
    let op = matched.route.op;
    *lock(&shared.stats).by_operation.entry(op.id.to_owned()).or_default() += 1;

    let decision = lock(&shared.faults).decide(op.id);
    if !decision.delay.is_zero() {
        let mut shutdown = shared.shutdown.clone();
        tokio::select! {
            _ = tokio::time::sleep(decision.delay) => {}
            _ = until_stopped(&mut shutdown) => {
                return reject(ApiError::gateway(StatusCode::SERVICE_UNAVAILABLE, codes::APIG_BACKEND_UNAVAILABLE, "The simulator is shutting down"));
            }
        }
    }
    let mut truncate = false;
    if let Some(action) = decision.action {
        lock(&shared.stats).faulted += 1;
        match action {
            FaultKind::DropConnection => {
                if let Some(conn) = conn {
                    conn.kill.notify_one();
                    // The connection task drops this future together with the connection.
                    std::future::pending::<()>().await;
                }
                return reject(ApiError::gateway(
                    StatusCode::BAD_GATEWAY,
                    codes::APIG_BACKEND_UNAVAILABLE,
                    "Backend unavailable",
                ));
            }
            FaultKind::HtmlBody { status } => {
                let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                return bytes_response(status, html_page(status), "text/html");
            }
            FaultKind::TruncatedBody => truncate = true,
            other => {
                if let Some(e) = fault_error(&other) {
                    return reject(e);
                }
            }
        }
    }

    let now = shared.config.clock.now();
    let received = Received {
        method: &parts.method,
        raw_path: parts.uri.path(),
        raw_query: parts.uri.query().unwrap_or(""),
        headers: &parts.headers,
        body: &body,
        path_project_id: matched.param("project_id"),
    };
    if let Err(e) = auth::check(&shared.config, now, &received) {
        lock(&shared.stats).auth_rejected += 1;
        return reject(e);
    }

    let call = Call {
        params: matched.params.iter().filter(|(n, _)| *n != "project_id").cloned().collect(),
        query: perftest_sdk::auth::query_pairs_from_str(parts.uri.query().unwrap_or("")),
        body: &body,
        now,
        config: &shared.config,
    };
    let result = {
        let mut store = lock(&shared.store);
        (matched.route.handler)(&call, &mut store)
    };
    match result {
        Ok(reply) => {
            let body = if truncate { truncate_body(&reply.body) } else { reply.body };
            bytes_response(reply.status, body, "application/json;charset=UTF-8")
        }
        Err(e) => {
            tracing::debug!(operation = op.id, error = ?e, "request rejected");
            reject(e)
        }
    }
}
