//! A fault-injecting HTTP proxy between the code and the local DynamoDB: for a configurable
//! share of calls it answers a throttling error or a 500, drops the connection, or delays the
//! call, before the call reaches DynamoDB (so a refused call never applied anything).

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::net::TcpListener;

/// Percentages of calls that get each fault; the rest pass unchanged.
#[derive(Debug, Clone, Copy, Default)]
pub struct FaultRates {
    pub throttle: u64,
    pub server_error: u64,
    pub drop: u64,
    pub delay: u64,
    /// Only calls of this DynamoDB operation (e.g. `BatchWriteItem`) get faults, if set.
    pub only: Option<&'static str>,
}

/// What the proxy did, for the test's report.
#[derive(Debug, Default)]
pub struct FaultCounts {
    pub passed: AtomicUsize,
    pub throttled: AtomicUsize,
    pub server_errors: AtomicUsize,
    pub dropped: AtomicUsize,
    pub delayed: AtomicUsize,
}

struct Proxy {
    target: String,
    rates: FaultRates,
    counts: Arc<FaultCounts>,
    next: AtomicU64,
    client: Client<HttpConnector, Full<Bytes>>,
}

/// Starts the proxy in front of `target` (an `http://host:port` endpoint); returns its endpoint
/// and its counters.
pub async fn start(target: &str, rates: FaultRates, seed: u64) -> (String, Arc<FaultCounts>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("the proxy binds");
    let addr: SocketAddr = listener.local_addr().expect("bound address");
    let counts = Arc::new(FaultCounts::default());
    let proxy = Arc::new(Proxy {
        target: target.trim_end_matches('/').to_string(),
        rates,
        counts: counts.clone(),
        next: AtomicU64::new(seed),
        client: Client::builder(TokioExecutor::new()).build_http(),
    });
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let proxy = proxy.clone();
            tokio::spawn(async move {
                let service = service_fn(move |request| {
                    let proxy = proxy.clone();
                    async move { proxy.answer(request).await }
                });
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    (format!("http://{addr}"), counts)
}

impl Proxy {
    /// A deterministic pseudo-random percentile per call (splitmix64 over a counter).
    fn roll(&self) -> u64 {
        let mut z = self.next.fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)) % 100
    }

    async fn answer(&self, request: Request<Incoming>) -> Result<Response<Full<Bytes>>, std::io::Error> {
        let operation = request
            .headers()
            .get("x-amz-target")
            .and_then(|v| v.to_str().ok())
            .and_then(|target| target.rsplit('.').next())
            .unwrap_or_default();
        let roll = if self.rates.only.is_none_or(|only| only == operation) {
            self.roll()
        } else {
            100
        };
        let rates = self.rates;
        let mut bound = rates.throttle;
        if roll < bound {
            self.counts.throttled.fetch_add(1, Ordering::Relaxed);
            return Ok(error(StatusCode::BAD_REQUEST, "ThrottlingException", "Rate exceeded"));
        }
        bound += rates.server_error;
        if roll < bound {
            self.counts.server_errors.fetch_add(1, Ordering::Relaxed);
            return Ok(error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "InternalServerError",
                "Internal server error",
            ));
        }
        bound += rates.drop;
        if roll < bound {
            self.counts.dropped.fetch_add(1, Ordering::Relaxed);
            return Err(std::io::Error::new(
                std::io::ErrorKind::ConnectionReset,
                "injected connection drop",
            ));
        }
        bound += rates.delay;
        if roll < bound {
            self.counts.delayed.fetch_add(1, Ordering::Relaxed);
            tokio::time::sleep(Duration::from_millis(300)).await;
        } else {
            self.counts.passed.fetch_add(1, Ordering::Relaxed);
        }
        Ok(self
            .forward(request)
            .await
            .unwrap_or_else(|_| error(StatusCode::BAD_GATEWAY, "ProxyError", "upstream failed")))
    }

    async fn forward(
        &self,
        request: Request<Incoming>,
    ) -> Result<Response<Full<Bytes>>, Box<dyn std::error::Error + Send + Sync>> {
        let (mut parts, body) = request.into_parts();
        let path = parts.uri.path_and_query().map_or("/", |p| p.as_str()).to_string();
        parts.uri = format!("{}{path}", self.target).parse()?;
        let body = body.collect().await?.to_bytes();
        let response = self.client.request(Request::from_parts(parts, Full::new(body))).await?;
        let (parts, body) = response.into_parts();
        Ok(Response::from_parts(parts, Full::new(body.collect().await?.to_bytes())))
    }
}

fn error(status: StatusCode, code: &str, message: &str) -> Response<Full<Bytes>> {
    let body = format!(r#"{{"__type":"com.amazonaws.dynamodb.v20120810#{code}","message":"{message}"}}"#);
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    response.headers_mut().insert(
        "content-type",
        "application/x-amz-json-1.0".parse().expect("valid header"),
    );
    response
        .headers_mut()
        .insert("x-amzn-errortype", code.parse().expect("valid header"));
    response
}
