//! A minimal HTTP/1.1 keep-alive server on 127.0.0.1 answering every request with the same canned
//! start response, optionally after a delay: the floor of a CPTS call, with nothing of its own to measure.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

pub const START_RESPONSE: &str = r#"{"code":"SVCSTG.CPTS.0000000","message":"success","result":{"task_run_id":1031748}}"#;

/// Starts the server on its own thread with its own single-threaded runtime, as a separate server
/// process would be: the client's runtime never runs server work, so both sides are measured alike.
pub fn start(delay: Option<Duration>) -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let addr = listener.local_addr().expect("local addr");
    listener.set_nonblocking(true).expect("non-blocking listener");
    std::thread::Builder::new().name("bench-server".into()).spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("server runtime");
        rt.block_on(serve_all(listener, delay));
    })
    .expect("server thread");
    addr
}

async fn serve_all(listener: std::net::TcpListener, delay: Option<Duration>) {
    let listener = TcpListener::from_std(listener).expect("tokio listener");
    let reply = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json;charset=UTF-8\r\nX-Request-Id: 0123456789abcdef0123456789abcdef\r\nContent-Length: {}\r\n\r\n{START_RESPONSE}",
        START_RESPONSE.len()
    );
    let reply: &'static [u8] = Box::leak(reply.into_bytes().into_boxed_slice());
    while let Ok((sock, _)) = listener.accept().await {
        let _ = sock.set_nodelay(true);
        tokio::spawn(serve(sock, reply, delay));
    }
}

async fn serve(mut sock: tokio::net::TcpStream, reply: &'static [u8], delay: Option<Duration>) {
    let mut buf = Vec::with_capacity(8192);
    let mut chunk = [0u8; 8192];
    loop {
        // One request: the head, then Content-Length bytes of body.
        let (head_end, len) = loop {
            if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&buf[..i]).to_ascii_lowercase();
                let len = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:").map(|v| v.trim().parse::<usize>().unwrap_or(0)))
                    .unwrap_or(0);
                break (i + 4, len);
            }
            match sock.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        };
        while buf.len() < head_end + len {
            match sock.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
        buf.drain(..head_end + len);
        if let Some(d) = delay {
            tokio::time::sleep(d).await;
        }
        if sock.write_all(reply).await.is_err() {
            return;
        }
    }
}
