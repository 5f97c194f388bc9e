//! A local Lambda Runtime API (the part a custom runtime talks to): it hands queued events to
//! `GET /runtime/invocation/next`, collects what the function posts back, and notes when the
//! function first asked for work (the end of its init).

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::sync::mpsc;

const PREFIX: &str = "/2018-06-01/runtime";

/// What the function posted for one invocation (or for a failed init).
#[derive(Debug)]
pub struct Outcome {
    pub at: Instant,
    pub error: bool,
    pub body: Bytes,
}

impl Outcome {
    /// The `statusCode` of an API Gateway response, if the body is one.
    pub fn status(&self) -> Option<u16> {
        let value: serde_json::Value = serde_json::from_slice(&self.body).ok()?;
        u16::try_from(value.get("statusCode")?.as_u64()?).ok()
    }
}

struct Shared {
    events: tokio::sync::Mutex<mpsc::UnboundedReceiver<String>>,
    outcomes: mpsc::UnboundedSender<Outcome>,
    first_next: Mutex<Option<Instant>>,
    next_id: AtomicU64,
}

/// A running emulator on a loopback port.
pub struct Emulator {
    pub addr: SocketAddr,
    events: mpsc::UnboundedSender<String>,
    outcomes: mpsc::UnboundedReceiver<Outcome>,
    shared: Arc<Shared>,
    server: tokio::task::JoinHandle<()>,
}

impl Emulator {
    /// Starts an emulator with an empty queue.
    pub async fn start() -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let (events, queue) = mpsc::unbounded_channel();
        let (outcome_sender, outcomes) = mpsc::unbounded_channel();
        let shared = Arc::new(Shared {
            events: tokio::sync::Mutex::new(queue),
            outcomes: outcome_sender,
            first_next: Mutex::new(None),
            next_id: AtomicU64::new(1),
        });
        let server_shared = shared.clone();
        let server = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let shared = server_shared.clone();
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |request| answer(shared.clone(), request));
                    // A function killed mid-request just drops its connection.
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Ok(Self {
            addr,
            events,
            outcomes,
            shared,
            server,
        })
    }

    /// Queues an invocation.
    pub fn invoke(&self, event: String) {
        // The receiver lives in `shared` as long as the emulator does.
        let _ = self.events.send(event);
    }

    /// The next thing the function posted, or `None` after `timeout`.
    pub async fn outcome(&mut self, timeout: std::time::Duration) -> Option<Outcome> {
        tokio::time::timeout(timeout, self.outcomes.recv()).await.ok().flatten()
    }

    /// When the function first asked for an invocation.
    pub fn first_next(&self) -> Option<Instant> {
        *self.shared.first_next.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.server.abort();
    }
}

async fn answer(shared: Arc<Shared>, request: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    let path = request.uri().path().to_string();
    let Some(rest) = path.strip_prefix(PREFIX) else {
        return Ok(reply(StatusCode::NOT_FOUND, Bytes::new()));
    };
    if request.method() == Method::GET && rest == "/invocation/next" {
        shared
            .first_next
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get_or_insert_with(Instant::now);
        let event = shared.events.lock().await.recv().await;
        let Some(event) = event else {
            return Ok(reply(StatusCode::GONE, Bytes::new()));
        };
        let id = shared.next_id.fetch_add(1, Ordering::Relaxed);
        let deadline = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis())
            + 10_000;
        let mut response = reply(StatusCode::OK, Bytes::from(event));
        let headers = response.headers_mut();
        let header = |value: String| value.parse().expect("valid header value");
        headers.insert("lambda-runtime-aws-request-id", header(format!("bench-{id}")));
        headers.insert("lambda-runtime-deadline-ms", header(deadline.to_string()));
        headers.insert(
            "lambda-runtime-invoked-function-arn",
            header("arn:aws:lambda:us-east-1:123456789012:function:bench".into()),
        );
        headers.insert(
            "lambda-runtime-trace-id",
            header("Root=1-00000000-000000000000000000000000;Sampled=0".into()),
        );
        headers.insert("content-type", header("application/json".into()));
        return Ok(response);
    }
    if request.method() == Method::POST {
        let error = rest.ends_with("/error");
        if error || rest.ends_with("/response") {
            let at = Instant::now();
            let body = match request.into_body().collect().await {
                Ok(body) => body.to_bytes(),
                Err(_) => Bytes::new(),
            };
            let _ = shared.outcomes.send(Outcome { at, error, body });
            return Ok(reply(StatusCode::ACCEPTED, Bytes::from_static(b"{\"status\":\"OK\"}")));
        }
    }
    Ok(reply(StatusCode::NOT_FOUND, Bytes::new()))
}

fn reply(status: StatusCode, body: Bytes) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(body));
    *response.status_mut() = status;
    response
}
