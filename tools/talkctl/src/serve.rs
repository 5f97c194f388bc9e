//! The local API server (design.md "Local stack"): serves every route the functions declare
//! (the routes `template.yaml` gives API Gateway, as a test checks) by converting HTTP requests
//! to the `lambda_http::Request` API Gateway would hand the function, and calling that
//! function in-process; what no route matches goes to the `$default` route's function.

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use lambda_http::aws_lambda_events::apigw::ApiGatewayV2httpRequestContext;
use lambda_http::http::{self, StatusCode};
use lambda_http::request::RequestContext;
use lambda_http::{Body, RequestExt};
use talk::App;
use talk::routing::Function;
use tokio::net::TcpListener;

use crate::functions::{FALLBACK, FUNCTIONS};

/// API Gateway (HTTP API) ends an integration after 30 s with 503: the local server does too,
/// so that what works locally (a long poll, chat §4.1) works deployed.
const INTEGRATION_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// API Gateway's payload limit; larger bodies get 413 as there.
const MAX_PAYLOAD_BYTES: usize = 10 * 1024 * 1024;

/// Routes requests to the functions as API Gateway does.
#[derive(Clone, Copy)]
pub struct Router {
    functions: &'static [Function],
    /// The `$default` route's function, for requests no route matches.
    fallback: &'static Function,
}

impl Default for Router {
    fn default() -> Self {
        Self {
            functions: FUNCTIONS,
            fallback: FALLBACK,
        }
    }
}

impl Router {
    /// The function that serves `method` on `path`: the one declaring the route, else the
    /// `$default` route's.
    pub fn function_for(&self, method: &http::Method, path: &str) -> &'static Function {
        self.functions
            .iter()
            .find(|function| function.serves(method, path))
            .unwrap_or(self.fallback)
    }

    /// Answers one request as API Gateway and the function would.
    pub async fn answer(&self, app: &App, request: lambda_http::Request) -> lambda_http::Response<Body> {
        let function = self.function_for(request.method(), request.uri().path());
        function.handle(app, request).await
    }
}

/// Serves the API on `listener` until the task is dropped.
pub async fn serve(listener: TcpListener, app: App, router: Router) -> std::io::Result<()> {
    let state = Arc::new((app, router));
    loop {
        let (stream, peer) = listener.accept().await?;
        let state = state.clone();
        tokio::spawn(async move {
            let service = service_fn(move |request| {
                let state = state.clone();
                async move { Ok::<_, Infallible>(answer_http(&state.0, &state.1, request, peer).await) }
            });
            if let Err(error) = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await
            {
                tracing::debug!(%error, "connection ended with an error");
            }
        });
    }
}

/// Binds `addr` and serves in a background task; returns the bound address.
pub async fn spawn(addr: SocketAddr, app: App, router: Router) -> std::io::Result<SocketAddr> {
    let listener = TcpListener::bind(addr).await?;
    let bound = listener.local_addr()?;
    tokio::spawn(async move {
        if let Err(error) = serve(listener, app, router).await {
            tracing::error!(%error, "local API server stopped");
        }
    });
    Ok(bound)
}

async fn answer_http(
    app: &App,
    router: &Router,
    request: hyper::Request<Incoming>,
    peer: SocketAddr,
) -> hyper::Response<Full<Bytes>> {
    let (parts, body) = request.into_parts();
    let Ok(body) = Limited::new(body, MAX_PAYLOAD_BYTES).collect().await else {
        return plain(
            StatusCode::PAYLOAD_TOO_LARGE,
            r#"{"message":"Request Entity Too Large"}"#,
        );
    };
    let answered = tokio::time::timeout(
        INTEGRATION_TIMEOUT,
        router.answer(app, to_lambda_request(parts, body.to_bytes(), peer)),
    )
    .await;
    match answered {
        Ok(response) => from_lambda_response(response),
        Err(_) => plain(StatusCode::SERVICE_UNAVAILABLE, r#"{"message":"Service Unavailable"}"#),
    }
}

/// The request as API Gateway (HTTP API, payload 2.0) hands it to a function, with the
/// connection's peer address as the source IP of its request context.
fn to_lambda_request(parts: http::request::Parts, body: Bytes, peer: SocketAddr) -> lambda_http::Request {
    let body = match String::from_utf8(body.to_vec()) {
        Ok(text) if text.is_empty() => Body::Empty,
        Ok(text) => Body::Text(text),
        Err(bytes) => Body::Binary(bytes.into_bytes()),
    };
    let query: HashMap<String, String> = parts
        .uri
        .query()
        .map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
        .unwrap_or_default();
    let mut context = ApiGatewayV2httpRequestContext::default();
    context.http.method = parts.method.clone();
    context.http.path = Some(parts.uri.path().to_string());
    context.http.source_ip = Some(peer.ip().to_string());
    let mut request = lambda_http::Request::new(body);
    *request.method_mut() = parts.method;
    *request.uri_mut() = parts.uri;
    *request.headers_mut() = parts.headers;
    request
        .with_query_string_parameters(query)
        .with_request_context(RequestContext::ApiGatewayV2(context))
}

fn from_lambda_response(response: lambda_http::Response<Body>) -> hyper::Response<Full<Bytes>> {
    let (parts, body) = response.into_parts();
    let bytes = match body {
        Body::Text(text) => Bytes::from(text),
        Body::Binary(bytes) => Bytes::from(bytes),
        _ => Bytes::new(),
    };
    hyper::Response::from_parts(parts, Full::new(bytes))
}

fn plain(status: StatusCode, body: &'static str) -> hyper::Response<Full<Bytes>> {
    let mut response = hyper::Response::new(Full::new(Bytes::from_static(body.as_bytes())));
    *response.status_mut() = status;
    response
}

/// A function's response as the Lambda runtime would return it to API Gateway (payload 2.0):
/// `statusCode`, `headers`, `body`, as `sam local invoke` prints it.
pub fn lambda_response_json(response: lambda_http::Response<Body>) -> String {
    let (parts, body) = response.into_parts();
    let headers: serde_json::Map<String, serde_json::Value> = parts
        .headers
        .iter()
        .map(|(name, value)| (name.to_string(), String::from_utf8_lossy(value.as_bytes()).into()))
        .collect();
    let body = match body {
        Body::Text(text) => text,
        Body::Binary(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        _ => String::new(),
    };
    serde_json::json!({"statusCode": parts.status.as_u16(), "headers": headers, "body": body}).to_string()
}
