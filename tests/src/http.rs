//! A small HTTP client for the end-to-end tests, talking to `talkctl serve`'s router on a
//! loopback port as a Talk client would.

use std::net::SocketAddr;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::{Method, Request, StatusCode};
use hyper_util::client::legacy::Client as HyperClient;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use talkctl::serve::{Router, spawn};

use crate::TestEnv;

/// A labelled request of a test's workload: (label, method, URL, form).
pub type Step = (&'static str, Method, String, Vec<(&'static str, &'static str)>);

/// The API base path.
pub const BASE: &str = "/ocs/v2.php/apps/spreed/api/v1";

/// A response as the client saw it.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: hyper::HeaderMap,
    pub body: String,
}

impl Answer {
    /// A response header's value, if present and text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    /// The body parsed as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("body is not JSON ({e}): {}", self.body))
    }

    /// `ocs.meta.statuscode` of a JSON body.
    pub fn statuscode(&self) -> i64 {
        self.json()["ocs"]["meta"]["statuscode"]
            .as_i64()
            .expect("statuscode is a number")
    }

    /// `ocs.data` of a JSON body.
    pub fn data(&self) -> serde_json::Value {
        self.json()["ocs"]["data"].clone()
    }
}

/// A client of a running local API server.
pub struct Client {
    base: String,
    http: HyperClient<HttpConnector, Full<Bytes>>,
}

/// A request under construction.
pub struct Call<'a> {
    client: &'a Client,
    request: hyper::http::request::Builder,
    body: Bytes,
}

impl Client {
    /// Starts `talkctl serve`'s router over the env's app, on a free loopback port.
    pub async fn serve(env: &TestEnv) -> Self {
        let router = Router::default();
        let addr: SocketAddr = "127.0.0.1:0".parse().expect("valid address");
        let bound = spawn(addr, env.app.clone().local(), router)
            .await
            .expect("the server binds");
        Self {
            base: format!("http://{bound}"),
            http: HyperClient::builder(TokioExecutor::new()).build_http(),
        }
    }

    /// The server's base URL (`http://127.0.0.1:<port>`), for clients outside this crate.
    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// The same server, reached from another loopback address (another client, as API
    /// Gateway's `sourceIp` tells them apart).
    pub fn from_address(&self, ip: std::net::IpAddr) -> Self {
        let mut connector = HttpConnector::new();
        connector.set_local_address(Some(ip));
        Self {
            base: self.base.clone(),
            http: HyperClient::builder(TokioExecutor::new()).build(connector),
        }
    }

    /// Creates a room as `user` (`roomType`, `roomName`, ...); its token.
    pub async fn create_room(&self, user: &str, secret: &str, form: &[(&str, &str)]) -> String {
        let created = self
            .call(Method::POST, &format!("{BASE}/room"))
            .user(user, secret)
            .json()
            .form(form)
            .send()
            .await;
        assert!(created.status.is_success(), "creating a room: {}", created.body);
        created.data()["token"].as_str().expect("a room token").to_string()
    }

    /// A request to `path` (absolute, e.g. `BASE` + "/room").
    pub fn call(&self, method: Method, path: &str) -> Call<'_> {
        Call {
            client: self,
            request: Request::builder().method(method).uri(format!("{}{path}", self.base)),
            body: Bytes::new(),
        }
    }
}

impl<'a> Call<'a> {
    /// Adds a header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.request = self.request.header(name, value);
        self
    }

    /// Basic credentials and the OCS header, as every Talk client sends them.
    pub fn user(self, user: &str, secret: &str) -> Self {
        self.header("authorization", &crate::basic(user, secret)).ocs()
    }

    /// The `OCS-APIRequest: true` header.
    pub fn ocs(self) -> Self {
        self.header("ocs-apirequest", "true")
    }

    /// Asks for JSON via `Accept`.
    pub fn json(self) -> Self {
        self.header("accept", "application/json")
    }

    /// A form body.
    pub fn form(mut self, pairs: &[(&str, &str)]) -> Self {
        let body: String = pairs
            .iter()
            .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
            .collect::<Vec<_>>()
            .join("&");
        self.body = Bytes::from(body);
        self.header("content-type", "application/x-www-form-urlencoded")
    }

    /// A raw body with a content type (for hostile-input tests).
    pub fn raw_body(mut self, content_type: &str, body: impl Into<Bytes>) -> Self {
        self.body = body.into();
        self.header("content-type", content_type)
    }

    /// A header given as bytes (which need not be text).
    pub fn header_bytes(mut self, name: &str, value: &[u8]) -> Self {
        self.request = self.request.header(
            name,
            hyper::header::HeaderValue::from_bytes(value).expect("a valid header value"),
        );
        self
    }

    /// A JSON body.
    pub fn json_body(mut self, value: serde_json::Value) -> Self {
        self.body = Bytes::from(value.to_string());
        self.header("content-type", "application/json")
    }

    /// Sends the request and reads the whole answer.
    pub async fn send(self) -> Answer {
        let request = self.request.body(Full::new(self.body)).expect("valid request");
        let response = self.client.http.request(request).await.expect("the server answers");
        let (parts, body) = response.into_parts();
        let bytes = body.collect().await.expect("the body is read").to_bytes();
        Answer {
            status: parts.status,
            headers: parts.headers,
            body: String::from_utf8(bytes.to_vec()).expect("UTF-8 body"),
        }
    }
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
