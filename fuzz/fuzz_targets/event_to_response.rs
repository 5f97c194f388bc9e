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

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
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
        let response = runtime.block_on(capabilities::handle(app(), request));
        assert!(
            response.status().as_u16() < 500,
            "the capabilities function never answers 5xx"
        );
    }
});
