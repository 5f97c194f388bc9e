//! API Gateway (HTTP API, payload 2.0) events for the benchmark's requests, in the form the
//! fixtures in `events/` have, for calling a handler in process or a binary through the
//! Runtime API emulator.

use serde_json::{Value, json};

/// The spreed API prefix.
pub const BASE: &str = "/ocs/v2.php/apps/spreed/api/v1";

/// One request of the fixture world (see `talk_tests::seed_fixture_world`).
#[derive(Debug, Clone)]
pub struct Call {
    pub method: &'static str,
    /// The path, absolute.
    pub path: String,
    /// Basic credentials `(user, secret)`.
    pub credentials: Option<(String, String)>,
    pub cookie: Option<String>,
    pub form: Vec<(String, String)>,
    pub ocs_header: bool,
}

impl Call {
    /// A request to `BASE` + `route` as the fixture user `user` (with their fixture app
    /// password), or anonymous for `None`.
    pub fn new(method: &'static str, route: &str, user: Option<&str>) -> Self {
        Self {
            method,
            path: format!("{BASE}{route}"),
            credentials: user.map(|u| (u.to_string(), format!("{u}-fixture-app-password"))),
            cookie: None,
            form: Vec::new(),
            ocs_header: true,
        }
    }

    /// The same request to an absolute path.
    pub fn at(mut self, path: &str) -> Self {
        self.path = path.to_string();
        self
    }

    /// Adds a form parameter.
    pub fn param(mut self, name: &str, value: &str) -> Self {
        self.form.push((name.to_string(), value.to_string()));
        self
    }

    /// Sends this cookie.
    pub fn cookie(mut self, cookie: &str) -> Self {
        self.cookie = Some(cookie.to_string());
        self
    }

    /// Replaces the app password with a wrong one.
    pub fn wrong_password(mut self) -> Self {
        if let Some((_, secret)) = &mut self.credentials {
            *secret = "not-the-app-password".into();
        }
        self
    }

    /// Leaves out `OCS-APIRequest`.
    pub fn without_ocs_header(mut self) -> Self {
        self.ocs_header = false;
        self
    }

    /// The API Gateway event.
    pub fn event(&self) -> Value {
        let mut headers = serde_json::Map::new();
        headers.insert("host".into(), json!("bench.execute-api.us-east-1.amazonaws.com"));
        headers.insert("x-forwarded-proto".into(), json!("https"));
        headers.insert("accept".into(), json!("application/json"));
        if self.ocs_header {
            headers.insert("ocs-apirequest".into(), json!("true"));
        }
        if let Some((user, secret)) = &self.credentials {
            headers.insert("authorization".into(), json!(talk_tests::basic(user, secret)));
        }
        let cookies: Vec<&str> = self.cookie.as_deref().into_iter().collect();
        let body = (!self.form.is_empty()).then(|| {
            headers.insert("content-type".into(), json!("application/x-www-form-urlencoded"));
            form_urlencoded(&self.form)
        });
        json!({
            "version": "2.0",
            "routeKey": "$default",
            "rawPath": self.path,
            "rawQueryString": "",
            "cookies": cookies,
            "headers": headers,
            "requestContext": {
                "accountId": "123456789012",
                "apiId": "bench",
                "domainName": "bench.execute-api.us-east-1.amazonaws.com",
                "domainPrefix": "bench",
                "http": {
                    "method": self.method,
                    "path": self.path,
                    "protocol": "HTTP/1.1",
                    "sourceIp": "127.0.0.1",
                    "userAgent": "talk-bench"
                },
                "requestId": "bench-request",
                "routeKey": "$default",
                "stage": "$default",
                "time": "26/Nov/2026:12:00:00 +0000",
                "timeEpoch": 1795694400000u64
            },
            "body": body,
            "isBase64Encoded": false
        })
    }

    /// The request as `lambda_http` hands it to a handler.
    pub fn request(&self) -> lambda_http::Request {
        lambda_http::request::from_str(&self.event().to_string()).expect("benchmark events are valid")
    }
}

fn form_urlencoded(form: &[(String, String)]) -> String {
    let mut serializer = form_urlencoded::Serializer::new(String::new());
    for (name, value) in form {
        serializer.append_pair(name, value);
    }
    serializer.finish()
}
