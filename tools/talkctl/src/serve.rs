//! The local API server (design.md "Local stack"): serves every route of `template.yaml` by
//! converting HTTP requests to the `lambda_http::Request` API Gateway would hand the function,
//! and calling that function's `handle` in-process.

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
use lambda_http::http::{self, StatusCode};
use lambda_http::{Body, RequestExt};
use talk::{ApiError, ApiRequest, App};
use tokio::net::TcpListener;

use crate::functions::handler;
use crate::template::{Route, TemplateError, routes as routes_of};
use talk::lambda::Handler;

/// API Gateway's payload limit; larger bodies get 413 as there.
const MAX_PAYLOAD_BYTES: usize = 10 * 1024 * 1024;

/// The routes with their in-process handlers.
pub struct Router {
    routes: Vec<(Route, Handler)>,
    /// The `$default` route's function, for requests no route matches.
    fallback: Option<Handler>,
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(transparent)]
    Template(#[from] TemplateError),
    #[error("template names binary {0:?}, which this build of talkctl does not include")]
    UnknownBinary(String),
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

impl Router {
    /// Builds the router from the text of `template.yaml`.
    pub fn from_template(template: &str) -> Result<Self, ServeError> {
        let mut routes = Vec::new();
        let mut fallback = None;
        for route in routes_of(template)? {
            let handle = handler(&route.binary).ok_or_else(|| ServeError::UnknownBinary(route.binary.clone()))?;
            if route.is_default() {
                fallback = Some(handle);
            } else {
                routes.push((route, handle));
            }
        }
        Ok(Self { routes, fallback })
    }

    /// Number of routes served (the `$default` route not counted).
    pub fn len(&self) -> usize {
        self.routes.len()
    }

    /// Whether no route is served.
    pub fn is_empty(&self) -> bool {
        self.routes.is_empty()
    }

    /// The handler and path parameters for a method and path, and whether any route has the path.
    fn find(&self, method: &str, path: &str) -> (Option<Handler>, HashMap<String, String>, bool) {
        let mut known_path = false;
        for (route, handle) in &self.routes {
            if let Some(parameters) = route.match_path(path) {
                known_path = true;
                if route.method == method {
                    return (Some(*handle), parameters, true);
                }
            }
        }
        (None, HashMap::new(), known_path)
    }

    /// Answers one request as API Gateway and the function would.
    pub async fn answer(&self, app: &App, request: lambda_http::Request) -> lambda_http::Response<Body> {
        let (handle, parameters, known_path) = self.find(request.method().as_str(), request.uri().path());
        match (handle, self.fallback) {
            (Some(handle), _) => handle(app, request.with_path_parameters(parameters)).await,
            (None, Some(fallback)) => fallback(app, request).await,
            (None, None) if known_path => ApiRequest::new(request).respond(Err(ApiError::MethodNotAllowed)),
            (None, None) => ApiRequest::new(request).respond(Err(ApiError::InvalidQuery)),
        }
    }
}

/// Serves the API on `listener` until the task is dropped.
pub async fn serve(listener: TcpListener, app: App, router: Router) -> Result<(), ServeError> {
    let state = Arc::new((app, router));
    loop {
        let (stream, _) = listener.accept().await?;
        let state = state.clone();
        tokio::spawn(async move {
            let service = service_fn(move |request| {
                let state = state.clone();
                async move { Ok::<_, Infallible>(answer_http(&state.0, &state.1, request).await) }
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
pub async fn spawn(addr: SocketAddr, app: App, router: Router) -> Result<SocketAddr, ServeError> {
    let listener = TcpListener::bind(addr).await?;
    let bound = listener.local_addr()?;
    tokio::spawn(async move {
        if let Err(error) = serve(listener, app, router).await {
            tracing::error!(%error, "local API server stopped");
        }
    });
    Ok(bound)
}

async fn answer_http(app: &App, router: &Router, request: hyper::Request<Incoming>) -> hyper::Response<Full<Bytes>> {
    let (parts, body) = request.into_parts();
    let Ok(body) = Limited::new(body, MAX_PAYLOAD_BYTES).collect().await else {
        return plain(
            StatusCode::PAYLOAD_TOO_LARGE,
            r#"{"message":"Request Entity Too Large"}"#,
        );
    };
    let response = router.answer(app, to_lambda_request(parts, body.to_bytes())).await;
    from_lambda_response(response)
}

/// The request as API Gateway (HTTP API, payload 2.0) hands it to a function.
fn to_lambda_request(parts: http::request::Parts, body: Bytes) -> lambda_http::Request {
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
    let mut request = lambda_http::Request::new(body);
    *request.method_mut() = parts.method;
    *request.uri_mut() = parts.uri;
    *request.headers_mut() = parts.headers;
    request.with_query_string_parameters(query)
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
