//! Turning a [`Reply`] or an [`ApiError`] into an HTTP response with the OCS envelope.

use http::header::{CONTENT_TYPE, HeaderName, HeaderValue};
use http::{Response, StatusCode};
use lambda_http::Body;
use serde_json::{Value, json};

use super::{ApiError, Envelope, Format, to_xml_document};

/// A successful answer: its HTTP status, the `data` of the envelope and extra headers.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    pub status: StatusCode,
    pub data: Value,
    pub headers: Vec<(HeaderName, HeaderValue)>,
}

impl Reply {
    /// 200 with `data`.
    pub fn ok(data: Value) -> Self {
        Self {
            status: StatusCode::OK,
            data,
            headers: Vec::new(),
        }
    }

    /// 201 with `data`.
    pub fn created(data: Value) -> Self {
        Self {
            status: StatusCode::CREATED,
            data,
            headers: Vec::new(),
        }
    }

    /// 304 with an empty body (chat §2: no envelope).
    pub fn not_modified() -> Self {
        Self {
            status: StatusCode::NOT_MODIFIED,
            data: Value::Null,
            headers: Vec::new(),
        }
    }

    /// 200 with `data: []`, the answer to a successful change (spec §3.1).
    pub fn done() -> Self {
        Self::ok(json!([]))
    }

    /// Adds a response header.
    pub fn with_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.push((name, value));
        self
    }
}

/// Renders a successful reply in the envelope and format of the request.
pub fn render_reply(reply: Reply, format: Format, envelope: Envelope) -> Response<Body> {
    if reply.status == StatusCode::NOT_MODIFIED {
        let mut response = plain_response(StatusCode::NOT_MODIFIED, None, String::new());
        for (name, value) in reply.headers {
            response.headers_mut().append(name, value);
        }
        return response;
    }
    let (http_status, statuscode) = match envelope {
        Envelope::V2 => (reply.status, reply.status.as_u16()),
        Envelope::V1 => (StatusCode::OK, 100),
    };
    let mut response = envelope_response(http_status, statuscode, "OK", reply.data, format, envelope);
    for (name, value) in reply.headers {
        response.headers_mut().append(name, value);
    }
    response
}

/// Renders an error: the OCS envelope with `data: []`, except for the CSRF answer (plain
/// JSON, spec §2.1) and 405 (empty body, spec §1); with `reasons` (API v4, v4 §3), a
/// controller's refusal carries `data: {"error": reason}`.
pub fn render_error(error: &ApiError, format: Format, envelope: Envelope, reasons: bool) -> Response<Body> {
    match error {
        ApiError::CsrfCheckFailed => plain_response(
            StatusCode::PRECONDITION_FAILED,
            Some("application/json"),
            json!({"message": error.to_string()}).to_string(),
        ),
        ApiError::MethodNotAllowed => plain_response(StatusCode::METHOD_NOT_ALLOWED, None, String::new()),
        _ => {
            let http_status = match envelope {
                Envelope::V2 => error.status(),
                Envelope::V1 if *error == ApiError::NotLoggedIn => StatusCode::UNAUTHORIZED,
                Envelope::V1 => StatusCode::OK,
            };
            let message = error.to_string();
            let data = match error {
                ApiError::Rejected { reason, .. } if reasons && !reason.is_empty() => json!({"error": reason}),
                _ => json!([]),
            };
            let mut response = envelope_response(http_status, error.ocs_status(), &message, data, format, envelope);
            if let ApiError::TooManyRequests { retry_after, .. } = error {
                response
                    .headers_mut()
                    .insert(http::header::RETRY_AFTER, HeaderValue::from(*retry_after));
            }
            response
        }
    }
}

fn envelope_response(
    http_status: StatusCode,
    statuscode: u16,
    message: &str,
    data: Value,
    format: Format,
    envelope: Envelope,
) -> Response<Body> {
    let success = match envelope {
        Envelope::V2 => http_status.is_success(),
        Envelope::V1 => statuscode == 100,
    };
    let mut meta = serde_json::Map::new();
    meta.insert("status".into(), json!(if success { "ok" } else { "failure" }));
    meta.insert("statuscode".into(), json!(statuscode));
    meta.insert("message".into(), json!(message));
    if envelope == Envelope::V1 {
        meta.insert("totalitems".into(), json!(""));
        meta.insert("itemsperpage".into(), json!(""));
    }
    let document = json!({"ocs": {"meta": Value::Object(meta), "data": data}});
    match format {
        Format::Json => plain_response(
            http_status,
            Some("application/json; charset=utf-8"),
            document.to_string(),
        ),
        Format::Xml => plain_response(
            http_status,
            Some("application/xml; charset=utf-8"),
            to_xml_document(&document),
        ),
    }
}

fn plain_response(status: StatusCode, content_type: Option<&'static str>, body: String) -> Response<Body> {
    let mut response = Response::new(if body.is_empty() { Body::Empty } else { Body::Text(body) });
    *response.status_mut() = status;
    if let Some(content_type) = content_type {
        response
            .headers_mut()
            .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body_json(response: &Response<Body>) -> Value {
        match response.body() {
            Body::Text(text) => serde_json::from_str(text).expect("rendered JSON parses"),
            other => panic!("unexpected body {other:?}"),
        }
    }

    #[test]
    fn v2_success_envelope_in_json() {
        let response = render_reply(Reply::created(json!({"a": 1})), Format::Json, Envelope::V2);
        assert_eq!(response.status(), StatusCode::CREATED);
        assert_eq!(response.headers()[CONTENT_TYPE], "application/json; charset=utf-8");
        assert_eq!(
            body_json(&response),
            json!({"ocs": {"meta": {"status": "ok", "statuscode": 201, "message": "OK"}, "data": {"a": 1}}})
        );
    }

    #[test]
    fn not_logged_in_is_401_with_statuscode_997() {
        for envelope in [Envelope::V1, Envelope::V2] {
            let response = render_error(&ApiError::NotLoggedIn, Format::Json, envelope, false);
            assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
            let body = body_json(&response);
            assert_eq!(body["ocs"]["meta"]["statuscode"], 997);
            assert_eq!(body["ocs"]["meta"]["status"], "failure");
            assert_eq!(body["ocs"]["meta"]["message"], "Current user is not logged in");
            assert_eq!(body["ocs"]["data"], json!([]));
        }
    }

    #[test]
    fn csrf_failure_is_plain_json_whatever_the_format() {
        let response = render_error(&ApiError::CsrfCheckFailed, Format::Xml, Envelope::V2, false);
        assert_eq!(response.status(), StatusCode::PRECONDITION_FAILED);
        assert_eq!(response.headers()[CONTENT_TYPE], "application/json");
        assert_eq!(body_json(&response), json!({"message": "CSRF check failed"}));
    }

    #[test]
    fn v1_errors_answer_http_200_with_the_status_in_meta() {
        let response = render_error(&ApiError::NotFound, Format::Json, Envelope::V1, false);
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(
            body_json(&response)["ocs"]["meta"],
            json!({"status": "failure", "statuscode": 404, "message": "", "totalitems": "", "itemsperpage": ""})
        );
        let ok = render_reply(Reply::done(), Format::Json, Envelope::V1);
        assert_eq!(body_json(&ok)["ocs"]["meta"]["statuscode"], 100);
        assert_eq!(body_json(&ok)["ocs"]["meta"]["status"], "ok");
    }

    #[test]
    fn method_not_allowed_has_an_empty_body() {
        let response = render_error(&ApiError::MethodNotAllowed, Format::Json, Envelope::V2, false);
        assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
        assert!(matches!(response.body(), Body::Empty));
    }

    #[test]
    fn reply_headers_are_sent() {
        let reply = Reply::done().with_header(HeaderName::from_static("x-test"), HeaderValue::from_static("1"));
        let response = render_reply(reply, Format::Xml, Envelope::V2);
        assert_eq!(response.headers()["x-test"], "1");
        assert_eq!(response.headers()[CONTENT_TYPE], "application/xml; charset=utf-8");
    }
}
