//! Listening, serving connections (HTTP/1.1), dropping them on demand, shutting down gracefully.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::Router;
use http::{HeaderValue, Request, Response};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Notify};
use tokio::task::{JoinHandle, JoinSet};
use tower::ServiceExt;

use crate::config::SimConfig;
use crate::handle::SimHandle;
use crate::shared::{new_request_id, until_stopped, ConnMeta, Shared};
use crate::{control, pipeline};

/// How long a graceful shutdown waits for requests in flight before closing their connections.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Why a simulator could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SimError {
    /// The listen address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
}

/// Starts simulators.
#[derive(Debug, Clone, Copy, Default)]
pub struct Simulator;

impl Simulator {
    /// Binds `listen` (e.g. `127.0.0.1:0` for a free port) and serves in a background task of the
    /// current Tokio runtime until [`RunningSim::shutdown`] (or until the [`RunningSim`] is dropped).
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), perftest_sim::SimError> {
    /// let sim = perftest_sim::Simulator::start(perftest_sim::SimConfig::default(), "127.0.0.1:0".parse().unwrap()).await?;
    /// println!("listening on {}", sim.endpoint());
    /// sim.shutdown().await;
    /// # Ok(()) }
    /// ```
    pub async fn start(config: SimConfig, listen: SocketAddr) -> Result<RunningSim, SimError> {
        let bind_err = |source| SimError::Bind { addr: listen, source };
        let listener = TcpListener::bind(listen).await.map_err(bind_err)?;
        let addr = listener.local_addr().map_err(bind_err)?;
        let (stop_tx, stop_rx) = watch::channel(false);
        let shared = Arc::new(Shared::new(config, stop_rx.clone()));
        let app = Router::new()
            .nest("/_sim", control::router(shared.clone()))
            .fallback(pipeline::handle)
            .with_state(shared.clone());
        let task = tokio::spawn(accept_loop(listener, app, stop_rx));
        tracing::info!(%addr, "perftest-sim listening");
        Ok(RunningSim { addr, handle: SimHandle { shared }, stop: stop_tx, task: Some(task) })
    }
}

/// A simulator serving in the background.
#[derive(Debug)]
pub struct RunningSim {
    addr: SocketAddr,
    handle: SimHandle,
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl RunningSim {
    /// The bound address (with the actual port when port 0 was asked for).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://ADDR`, ready for `Client::builder().endpoint(..)`.
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// In-process access to state, faults, profiles and the clock.
    pub fn handle(&self) -> &SimHandle {
        &self.handle
    }

    /// Stops accepting, lets requests in flight finish (up to a few seconds), then returns.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }

    /// Serves until `signal` completes (e.g. `tokio::signal::ctrl_c()`), then shuts down
    /// gracefully. Meant for `perftest sim`.
    pub async fn serve_until<F: Future>(self, signal: F) {
        signal.await;
        self.shutdown().await;
    }
}

impl Drop for RunningSim {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

async fn accept_loop(listener: TcpListener, app: Router, mut stop: watch::Receiver<bool>) {
    let mut conns = JoinSet::new();
    let conn_stop = stop.clone();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    // Answers go out in more than one segment: no Nagle delay.
                    let _ = stream.set_nodelay(true);
                    conns.spawn(serve_connection(stream, peer, app.clone(), conn_stop.clone()));
                }
                Err(e) => {
                    // Typically out of file descriptors: back off instead of spinning.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            _ = until_stopped(&mut stop) => break,
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
        }
    }
    drop(listener);
    let drained = tokio::time::timeout(SHUTDOWN_GRACE, async { while conns.join_next().await.is_some() {} }).await;
    if drained.is_err() {
        conns.abort_all();
    }
}

async fn serve_connection(stream: TcpStream, peer: SocketAddr, app: Router, mut stop: watch::Receiver<bool>) {
    let kill = Arc::new(Notify::new());
    let meta = ConnMeta { peer, kill: kill.clone() };
    let service = hyper::service::service_fn(move |mut req: Request<Incoming>| {
        req.extensions_mut().insert(meta.clone());
        let app = app.clone();
        async move {
            let mut resp: Response<Body> = match app.oneshot(req.map(Body::new)).await {
                Ok(r) => r,
                Err(never) => match never {},
            };
            if !resp.headers().contains_key("x-request-id") {
                if let Ok(v) = HeaderValue::from_str(&new_request_id()) {
                    resp.headers_mut().insert("x-request-id", v);
                }
            }
            Ok::<_, Infallible>(resp)
        }
    });
    let conn = hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service);
    tokio::pin!(conn);
    let mut closing = false;
    loop {
        tokio::select! {
            _ = conn.as_mut() => break,
            // Dropping the connection future closes the socket without an answer.
            _ = kill.notified() => break,
            _ = until_stopped(&mut stop), if !closing => {
                closing = true;
                conn.as_mut().graceful_shutdown();
            }
        }
    }
}
