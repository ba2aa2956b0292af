//! The control API under `/_sim/` (unsigned; loopback peers only):
//!
//! | method + path | body | answer |
//! |---|---|---|
//! | `GET /_sim/health` | | `{"ok":true}` |
//! | `GET /_sim/state` | | resource counts ([`crate::StateSummary`]) |
//! | `GET /_sim/stats` | | request counters ([`crate::Stats`]) |
//! | `POST /_sim/reset` | | forget all resources, runs, faults and counters |
//! | `GET /_sim/faults` | | fault rules with remaining counts and hits |
//! | `POST /_sim/faults` | a [`crate::Fault`] | `{"id":N}` |
//! | `DELETE /_sim/faults` | | remove every rule |
//! | `DELETE /_sim/faults/{id}` | | remove one rule |
//! | `GET /_sim/tasks/{id}` | | [`crate::TaskSnapshot`] (run status, run ids, starts/stops seen) |
//! | `PUT` or `POST /_sim/tasks/{id}/profile` | a [`crate::Profile`] | the task snapshot |
//! | `GET /_sim/clock` | | `{"unix_seconds":F}` |
//! | `POST /_sim/clock/advance` | `{"seconds":F}` | `{"advanced":bool,"unix_seconds":F}` (only a manual clock moves) |
//!
//! Errors are `{"error":"…"}` with 400, 403 (not loopback) or 404.

use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

use axum::body::{Body, Bytes};
use axum::extract::{Path, Request, State};
use axum::middleware::{self, Next};
use axum::routing::{get, post, put};
use axum::Router;
use http::{Response, StatusCode};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::error::json_response;
use crate::faults::Fault;
use crate::handle::SimHandle;
use crate::profile::Profile;
use crate::shared::{ConnMeta, Shared};

type Answer = Response<Body>;

fn answer<T: Serialize>(status: StatusCode, value: &T) -> Answer {
    json_response(status, value, "application/json")
}

fn error(status: StatusCode, message: impl std::fmt::Display) -> Answer {
    answer(status, &json!({ "error": message.to_string() }))
}

fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, Box<Answer>> {
    serde_json::from_slice(body).map_err(|e| Box::new(error(StatusCode::BAD_REQUEST, format!("invalid body: {e}"))))
}

fn parse_id<T: std::str::FromStr>(raw: &str) -> Result<T, Box<Answer>> {
    raw.parse().map_err(|_| Box::new(error(StatusCode::BAD_REQUEST, format!("invalid id {raw:?}"))))
}

/// The `/_sim` router (to be nested).
pub(crate) fn router(shared: Arc<Shared>) -> Router<Arc<Shared>> {
    Router::new()
        .route("/health", get(|| async { answer(StatusCode::OK, &json!({"ok": true})) }))
        .route("/state", get(state))
        .route("/stats", get(stats))
        .route("/reset", post(reset))
        .route("/faults", get(list_faults).post(add_fault).delete(clear_faults))
        .route("/faults/{id}", axum::routing::delete(remove_fault))
        .route("/tasks/{id}", get(task))
        .route("/tasks/{id}/profile", put(set_profile).post(set_profile))
        .route("/clock", get(clock))
        .route("/clock/advance", post(advance))
        .fallback(|| async { error(StatusCode::NOT_FOUND, "no such control endpoint") })
        .layer(middleware::from_fn_with_state(shared, loopback_only))
}

async fn loopback_only(State(_): State<Arc<Shared>>, req: Request, next: Next) -> Answer {
    match req.extensions().get::<ConnMeta>() {
        Some(c) if c.peer.ip().is_loopback() => next.run(req).await,
        _ => error(StatusCode::FORBIDDEN, "the control API only answers loopback clients"),
    }
}

fn handle(shared: Arc<Shared>) -> SimHandle {
    SimHandle { shared }
}

async fn state(State(s): State<Arc<Shared>>) -> Answer {
    answer(StatusCode::OK, &handle(s).state())
}

async fn stats(State(s): State<Arc<Shared>>) -> Answer {
    answer(StatusCode::OK, &handle(s).stats())
}

async fn reset(State(s): State<Arc<Shared>>) -> Answer {
    handle(s).reset();
    answer(StatusCode::OK, &json!({"ok": true}))
}

async fn list_faults(State(s): State<Arc<Shared>>) -> Answer {
    answer(StatusCode::OK, &handle(s).faults())
}

async fn add_fault(State(s): State<Arc<Shared>>, body: Bytes) -> Answer {
    let fault: Fault = match parse(&body) {
        Ok(f) => f,
        Err(e) => return *e,
    };
    match handle(s).add_fault(fault) {
        Ok(id) => answer(StatusCode::CREATED, &json!({ "id": id })),
        Err(e) => error(StatusCode::BAD_REQUEST, e),
    }
}

async fn clear_faults(State(s): State<Arc<Shared>>) -> Answer {
    handle(s).clear_faults();
    answer(StatusCode::OK, &json!({"ok": true}))
}

async fn remove_fault(State(s): State<Arc<Shared>>, Path(id): Path<String>) -> Answer {
    let id: u64 = match parse_id(&id) {
        Ok(id) => id,
        Err(e) => return *e,
    };
    if handle(s).remove_fault(id) {
        answer(StatusCode::OK, &json!({"ok": true}))
    } else {
        error(StatusCode::NOT_FOUND, format!("no fault {id}"))
    }
}

async fn task(State(s): State<Arc<Shared>>, Path(id): Path<String>) -> Answer {
    let id: i32 = match parse_id(&id) {
        Ok(id) => id,
        Err(e) => return *e,
    };
    match handle(s).task(id) {
        Some(t) => answer(StatusCode::OK, &t),
        None => error(StatusCode::NOT_FOUND, format!("no task {id}")),
    }
}

async fn set_profile(State(s): State<Arc<Shared>>, Path(id): Path<String>, body: Bytes) -> Answer {
    let (id, profile): (i32, Profile) = match (parse_id(&id), parse(&body)) {
        (Ok(id), Ok(p)) => (id, p),
        (Err(e), _) | (_, Err(e)) => return *e,
    };
    let h = handle(s);
    if !h.set_profile(id, profile) {
        return error(StatusCode::NOT_FOUND, format!("no task {id}"));
    }
    match h.task(id) {
        Some(t) => answer(StatusCode::OK, &t),
        None => error(StatusCode::NOT_FOUND, format!("no task {id}")),
    }
}

fn unix_seconds(h: &SimHandle) -> f64 {
    h.clock().now().duration_since(UNIX_EPOCH).map(|d| d.as_secs_f64()).unwrap_or(0.0)
}

async fn clock(State(s): State<Arc<Shared>>) -> Answer {
    answer(StatusCode::OK, &json!({ "unix_seconds": unix_seconds(&handle(s)) }))
}

#[derive(Deserialize)]
struct Advance {
    seconds: f64,
}

async fn advance(State(s): State<Arc<Shared>>, body: Bytes) -> Answer {
    let req: Advance = match parse(&body) {
        Ok(r) => r,
        Err(e) => return *e,
    };
    if !(req.seconds.is_finite() && req.seconds >= 0.0 && req.seconds < 1e9) {
        return error(StatusCode::BAD_REQUEST, "seconds must be a non-negative number below 1e9");
    }
    let h = handle(s);
    let advanced = h.clock().advance(Duration::from_secs_f64(req.seconds));
    answer(StatusCode::OK, &json!({ "advanced": advanced, "unix_seconds": unix_seconds(&h) }))
}
