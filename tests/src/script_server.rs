//! A scripted HTTP/1.1 server on 127.0.0.1: answers each request with the next scripted reply (or
//! what a handler decides) and records what it received, for retry, timeout and fault tests.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// One scripted reply.
#[derive(Debug, Clone)]
pub enum Reply {
    /// Answer with this status, extra headers and body.
    Status { status: u16, headers: Vec<(String, String)>, body: String },
    /// Read the request and never answer (until the client gives up).
    Hang,
    /// Read the request, then close the connection without answering.
    Drop,
    /// Read the request, then reset the connection (RST, `SO_LINGER` 0) without answering.
    Reset,
    /// Reset the connection as soon as it is accepted, without reading anything (the request is
    /// not recorded; [`ScriptServer::connections`] counts it).
    ResetBeforeRead,
    /// Answer with `len` bytes of `fill` (streamed, never held in memory) and this content type.
    Large { status: u16, content_type: String, len: usize, fill: u8 },
}

impl Reply {
    pub fn json(status: u16, body: &str) -> Self {
        Self::Status { status, headers: vec![], body: body.to_owned() }
    }
    /// Extra header (a `Content-Type` given here replaces the default `application/json`).
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        if let Self::Status { headers, .. } = &mut self {
            headers.push((name.to_owned(), value.to_owned()));
        }
        self
    }
}

/// Decides the reply to each request: the request and its 0-based index.
pub type Handler = dyn Fn(&Received, usize) -> Reply + Send + Sync;

enum Script {
    List(Vec<Reply>),
    Handler(Box<Handler>),
}

/// A request as the server received it.
#[derive(Debug, Clone)]
pub struct Received {
    pub at: Instant,
    pub method: String,
    /// Path and query as sent (the request target).
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// The running server; it stops when dropped with the test's runtime.
pub struct ScriptServer {
    pub addr: SocketAddr,
    received: Arc<Mutex<Vec<Received>>>,
    connections: Arc<AtomicUsize>,
}

impl ScriptServer {
    /// Serve `script` in order; once it is used up, every further request gets the last reply.
    pub async fn start(script: Vec<Reply>) -> Self {
        Self::serve(Script::List(script)).await
    }

    /// Answer every request with what `handler` returns for it (and its index).
    pub async fn with_handler(handler: impl Fn(&Received, usize) -> Reply + Send + Sync + 'static) -> Self {
        Self::serve(Script::Handler(Box::new(handler))).await
    }

    async fn serve(script: Script) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1");
        let addr = listener.local_addr().unwrap();
        let received = Arc::new(Mutex::new(Vec::new()));
        let connections = Arc::new(AtomicUsize::new(0));
        let (log, conns) = (received.clone(), connections.clone());
        let script = Arc::new(script);
        let next = Arc::new(AtomicUsize::new(0));
        tokio::spawn(async move {
            while let Ok((mut sock, _)) = listener.accept().await {
                conns.fetch_add(1, Ordering::SeqCst);
                let (log, script, next) = (log.clone(), script.clone(), next.clone());
                tokio::spawn(async move {
                    // A list is consumed per connection (one request each: the server closes after answering).
                    let listed = match &*script {
                        Script::List(replies) => {
                            let i = next.fetch_add(1, Ordering::SeqCst);
                            replies.get(i).or(replies.last()).cloned()
                        }
                        Script::Handler(_) => None,
                    };
                    if matches!(listed, Some(Reply::ResetBeforeRead)) {
                        let _ = sock.set_zero_linger();
                        return;
                    }
                    let Some(req) = read_request(&mut sock).await else { return };
                    let reply = match &*script {
                        Script::List(_) => listed,
                        Script::Handler(h) => Some(h(&req, next.fetch_add(1, Ordering::SeqCst))),
                    };
                    log.lock().unwrap().push(req);
                    answer(&mut sock, reply).await;
                });
            }
        });
        Self { addr, received, connections }
    }

    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    /// Connections accepted so far (including those reset before a request was read).
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

async fn answer(sock: &mut tokio::net::TcpStream, reply: Option<Reply>) {
    let head = |status: u16, content_type: &str, len: usize, headers: &[(String, String)]| {
        let mut head = format!("HTTP/1.1 {status} X\r\n");
        if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("content-type")) {
            head.push_str(&format!("Content-Type: {content_type}\r\n"));
        }
        head.push_str(&format!("Content-Length: {len}\r\nConnection: close\r\n"));
        for (k, v) in headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("\r\n");
        head
    };
    match reply {
        Some(Reply::Status { status, headers, body }) => {
            let _ = sock.write_all(head(status, "application/json", body.len(), &headers).as_bytes()).await;
            let _ = sock.write_all(body.as_bytes()).await;
            let _ = sock.shutdown().await;
        }
        Some(Reply::Large { status, content_type, len, fill }) => {
            if sock.write_all(head(status, &content_type, len, &[]).as_bytes()).await.is_err() {
                return;
            }
            let chunk = vec![fill; 64 * 1024];
            let mut left = len;
            while left > 0 {
                let n = left.min(chunk.len());
                // The client may stop reading and close: that ends the answer.
                if sock.write_all(&chunk[..n]).await.is_err() {
                    return;
                }
                left -= n;
            }
            let _ = sock.shutdown().await;
        }
        Some(Reply::Hang) => tokio::time::sleep(Duration::from_secs(3600)).await,
        Some(Reply::Reset | Reply::ResetBeforeRead) => {
            let _ = sock.set_zero_linger();
        }
        Some(Reply::Drop) | None => {}
    }
}

async fn read_request(sock: &mut tokio::net::TcpStream) -> Option<Received> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        let n = sock.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let method = first.next()?.to_owned();
    let target = first.next()?.to_owned();
    let headers: Vec<(String, String)> =
        lines.filter_map(|l| l.split_once(':').map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))).collect();
    let len: usize = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buf[head_end..].to_vec();
    while body.len() < len {
        let n = sock.read(&mut chunk).await.ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some(Received { at: Instant::now(), method, target, headers, body })
}
