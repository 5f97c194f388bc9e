//! Fuzzes the way from an API Gateway event to a response: `lambda_http`'s event parsing, our
//! request parsing, routing and rendering of every kind of answer in both envelopes and
//! formats, and the capabilities function end to end (it needs no DynamoDB).
#![no_main]

use libfuzzer_sys::fuzz_target;
use talk::ocs::ApiError;

fn app() -> &'static talk::App {
    static APP: std::sync::OnceLock<talk::App> = std::sync::OnceLock::new();
    APP.get_or_init(|| {
        let config = aws_config_stub();
        talk::App::new(talk::store::Store::from_sdk_config(&config, "fuzz"))
    })
}

/// An SDK configuration that never reaches the network (the capabilities function makes no calls).
fn aws_config_stub() -> aws_config::SdkConfig {
    aws_config::SdkConfig::builder()
        .behavior_version(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("us-east-1"))
        .build()
}

/// API Gateway sets the host, the domain name and the scheme itself (clients cannot choose
/// them) and base64-encodes bodies itself, and its paths start with "/"; lambda_http 1.3 panics on a host or scheme that
/// makes no URL, and aws_lambda_events on a body that is not valid base64 (both found by this
/// target). So the fuzzed event gets API Gateway's values for those and keeps everything else.
fn as_api_gateway_sends_it(data: &[u8]) -> Option<String> {
    let mut event: serde_json::Value = serde_json::from_slice(data).ok()?;
    let object = event.as_object_mut()?;
    if let Some(headers) = object.get_mut("headers").and_then(|h| h.as_object_mut()) {
        headers.retain(|name, _| !name.eq_ignore_ascii_case("host") && !name.eq_ignore_ascii_case("x-forwarded-proto"));
        headers.insert("host".into(), "abcdef1234.execute-api.us-east-1.amazonaws.com".into());
        headers.insert("x-forwarded-proto".into(), "https".into());
    }
    // A request-target starts with "/" and holds only URI characters; so do API Gateway's
    // rawPath and rawQueryString.
    for field in ["rawPath", "rawQueryString"] {
        if let Some(serde_json::Value::String(value)) = object.get_mut(field) {
            *value = uri_characters(value);
            if field == "rawPath" && !value.starts_with('/') {
                value.insert(0, '/');
            }
        }
    }
    let encoded = object.get("isBase64Encoded").and_then(serde_json::Value::as_bool) == Some(true);
    if let (true, Some(serde_json::Value::String(body))) = (encoded, object.get_mut("body")) {
        use base64::Engine;
        let engine = base64::engine::general_purpose::STANDARD;
        if engine.decode(body.as_bytes()).is_err() {
            *body = engine.encode(body.as_bytes());
        }
    }
    if let Some(context) = object.get_mut("requestContext").and_then(|c| c.as_object_mut()) {
        context.insert(
            "domainName".into(),
            "abcdef1234.execute-api.us-east-1.amazonaws.com".into(),
        );
    }
    Some(event.to_string())
}

/// Percent-encodes every byte that may not stand in a URI as it is.
fn uri_characters(text: &str) -> String {
    text.bytes()
        .map(|b| {
            let allowed = b.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&'()*+,;=%".contains(&b);
            if allowed {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fuzz_target!(|data: &[u8]| {
    let Some(text) = as_api_gateway_sends_it(data) else {
        return;
    };
    let text = text.as_str();
    let Ok(request) = lambda_http::request::from_str(text) else {
        return;
    };
    let request = talk::ApiRequest::new(request);
    for error in [
        ApiError::NotFound,
        ApiError::InvalidQuery,
        ApiError::NotLoggedIn,
        ApiError::bad_request(text),
    ] {
        let _ = request.respond(Err(error));
    }
    let _ = request.respond(Ok(talk::Reply::ok(talk::capabilities::capabilities())));
    if let Ok(request) = lambda_http::request::from_str(text) {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a runtime");
        let response = runtime.block_on(capabilities::FUNCTION.handle(app(), request));
        assert!(
            response.status().as_u16() < 500,
            "the capabilities function never answers 5xx"
        );
    }
});
