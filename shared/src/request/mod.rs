//! What a request says: its route prefix and envelope, its merged parameters (spec §2.3), its
//! format (spec §3.2), the CSRF header (spec §2.1) and its Basic credentials (spec §2.2).
//! Checking the credentials against the store is [`crate::App::user_and`]'s and
//! [`crate::App::caller_and`]'s job; matching the path to a route is [`crate::routing`]'s.

mod credentials;
mod params;
mod path;

pub use credentials::BasicCredentials;
pub use params::{MAX_BODY_BYTES, ParamError, Params};
pub use path::ocs_path;

use http::{HeaderMap, Method, Response};
use lambda_http::request::RequestContext;
use lambda_http::{Body, Request, RequestExt};

use crate::model::{ApiVersion, UserId};
use crate::ocs::{ApiError, Envelope, Format, Reply, render_error, render_reply};
use crate::store::CallStats;

/// A parsed API request, as every handler sees it.
#[derive(Debug)]
pub struct ApiRequest {
    pub method: Method,
    /// The path below `/ocs/v{1,2}.php`, if the path is an OCS path.
    pub ocs_path: Option<String>,
    pub envelope: Envelope,
    pub format: Format,
    query_format: Option<Format>,
    headers: HeaderMap,
    /// When the request arrived and the store's call totals by then, for the log line.
    pub(crate) started: (std::time::Instant, CallStats),
    /// API Gateway's id of the request, for the log line.
    pub(crate) request_id: Option<String>,
    /// The client's address as API Gateway saw it (`requestContext.http.sourceIp`).
    pub source_ip: Option<String>,
    /// Who called, once authentication decided it, for the log line.
    pub(crate) caller_kind: std::sync::OnceLock<&'static str>,
    /// The path pattern of the route that serves the request, for the log line.
    pub(crate) route: std::sync::OnceLock<&'static str>,
    /// The API version of the route's path, once a route matched.
    version: std::sync::OnceLock<ApiVersion>,
    params: Result<Params, ParamError>,
}

impl ApiRequest {
    /// Parses an API Gateway request. Never fails: a bad body is kept as an error and reported
    /// at its place in the order of checks (spec §4 step 6).
    pub fn new(request: Request) -> Self {
        let (request_id, source_ip) = match request.request_context_ref() {
            Some(RequestContext::ApiGatewayV2(context)) => (context.request_id.clone(), context.http.source_ip.clone()),
            _ => (None, None),
        };
        let (parts, body) = request.into_parts();
        let query = parts.uri.query().unwrap_or("");
        let content_type = parts
            .headers
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok());
        let body: &[u8] = match &body {
            Body::Empty => &[],
            Body::Text(text) => text.as_bytes(),
            Body::Binary(bytes) => bytes,
            _ => &[],
        };
        let params = Params::parse(query, content_type, body);
        let query_format = Params::parse(query, None, &[]).ok().and_then(|p| p.format_name());
        let format_param = match &params {
            Ok(params) => params.format_name(),
            Err(_) => query_format.clone(),
        };
        let query_format = query_format.as_deref().and_then(Format::from_param);
        let accept = parts.headers.get(http::header::ACCEPT).and_then(|v| v.to_str().ok());
        let format = Format::negotiate(format_param.as_deref(), accept);
        let envelope = ocs_path(parts.uri.path()).map_or(Envelope::V2, |(envelope, _)| envelope);
        Self {
            method: parts.method,
            ocs_path: ocs_path(parts.uri.path()).map(|(_, path)| path.to_string()),
            envelope,
            format,
            query_format,
            headers: parts.headers,
            params,
            started: (std::time::Instant::now(), CallStats::default()),
            request_id,
            source_ip,
            caller_kind: std::sync::OnceLock::new(),
            route: std::sync::OnceLock::new(),
            version: std::sync::OnceLock::new(),
        }
    }

    /// Renders a handler's result in this request's envelope and format; "no route" uses the
    /// `format` query parameter only (spec §3.4).
    pub fn respond(&self, result: Result<Reply, ApiError>) -> Response<Body> {
        match result {
            Ok(reply) => render_reply(reply, self.format, self.envelope),
            Err(ApiError::InvalidQuery) => render_error(
                &ApiError::InvalidQuery,
                self.query_format.unwrap_or(Format::Xml),
                self.envelope,
                false,
            ),
            Err(error) => render_error(&error, self.format, self.envelope, self.gives_reasons()),
        }
    }

    /// The merged parameters, or the 400 that parsing the body produced.
    pub fn params(&self) -> Result<&Params, ParamError> {
        self.params.as_ref().map_err(Clone::clone)
    }

    /// The `OCS-APIRequest: true` check (spec §2.1).
    pub fn require_ocs_header(&self) -> Result<(), ApiError> {
        let sent = self
            .headers
            .get_all("ocs-apirequest")
            .iter()
            .any(|value| value.to_str().is_ok_and(|v| v.trim().eq_ignore_ascii_case("true")));
        if sent { Ok(()) } else { Err(ApiError::CsrfCheckFailed) }
    }

    /// The Basic credentials of the `Authorization` header, if it carries well-formed ones.
    pub fn basic_credentials(&self) -> Option<BasicCredentials> {
        let header = self.headers.get(http::header::AUTHORIZATION)?.to_str().ok()?;
        BasicCredentials::parse(header)
    }

    /// Notes who called (`user`, `guest`, `anonymous`) for the log line; the first note wins.
    pub fn note_caller(&self, kind: &'static str) {
        let _ = self.caller_kind.set(kind);
    }

    /// The user the Basic credentials claim to be, unverified: lets a handler start its first
    /// read while the credentials are checked.
    pub fn claimed_user(&self) -> Option<UserId> {
        UserId::parse(self.basic_credentials()?.user).ok()
    }

    /// Notes the path pattern of the route that serves the request, for the log line, and
    /// the API version its path names.
    pub fn note_route(&self, pattern: &'static str, version: Option<ApiVersion>) {
        let _ = self.route.set(pattern);
        if let Some(version) = version {
            let _ = self.version.set(version);
        }
    }

    /// Whether refusals carry `{"error": reason}`: API v4 (v4 §3) and the chat and reaction
    /// APIs (chat §2), whose path version is v1.
    fn gives_reasons(&self) -> bool {
        self.api_version() == Some(ApiVersion::V4)
            || self
                .route
                .get()
                .is_some_and(|route| route.starts_with("/chat/") || route.starts_with("/reaction/"))
    }

    /// The API version of the route's path (`None` for capabilities, or before routing).
    pub fn api_version(&self) -> Option<ApiVersion> {
        self.version.get().copied()
    }

    /// The value of a cookie, from any `Cookie` header.
    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.headers
            .get_all(http::header::COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|header| header.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(key, _)| *key == name)
            .map(|(_, value)| value.trim())
    }
}
