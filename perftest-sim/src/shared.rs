//! What every request handler shares.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

use serde::{Deserialize, Serialize};
use tokio::sync::{watch, Notify};

use crate::config::SimConfig;
use crate::faults::Faults;
use crate::router::Router;
use crate::state::Store;

/// Request counters, as returned by `GET /_sim/stats`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    /// CPTS requests that matched an operation, by operation id (counted before faults and auth).
    pub by_operation: BTreeMap<String, u64>,
    /// Requests that matched no operation (answered 404 `APIGW.0101`).
    pub unmatched: u64,
    /// Requests rejected by the gateway checks (401/403).
    pub auth_rejected: u64,
    /// Requests hit by a fault (latency excepted).
    pub faulted: u64,
}

/// State shared by all connections of one simulator.
pub(crate) struct Shared {
    pub config: SimConfig,
    pub router: Router,
    pub store: Mutex<Store>,
    pub faults: Mutex<crate::faults::Faults>,
    pub stats: Mutex<Stats>,
    /// Becomes `true` when the simulator shuts down.
    pub shutdown: watch::Receiver<bool>,
}

impl Shared {
    pub(crate) fn new(config: SimConfig, shutdown: watch::Receiver<bool>) -> Self {
        let faults = Faults::new(config.seed, &config.faults);
        Self {
            router: Router::new(),
            store: Mutex::new(Store::default()),
            faults: Mutex::new(faults),
            stats: Mutex::new(Stats::default()),
            config,
            shutdown,
        }
    }
}

/// Locks a mutex, recovering the data if a previous holder panicked.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Per-connection data put into every request's extensions.
#[derive(Clone)]
pub(crate) struct ConnMeta {
    pub peer: std::net::SocketAddr,
    /// Notified to drop the connection without answering.
    pub kill: Arc<Notify>,
}

/// A fresh `X-Request-Id` (32 lower-case hex digits).
pub(crate) fn new_request_id() -> String {
    format!("{:032x}", rand::random::<u128>())
}

/// Completes once `stop` turns `true` (or its sender is gone).
pub(crate) async fn until_stopped(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|s| *s).await;
}
