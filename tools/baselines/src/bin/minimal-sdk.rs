//! The minimal reference: a `lambda_http` function with the SDK's default configuration that
//! reads one item per request, built with the same dependencies' features as the functions.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    let config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    bench_baselines::serve_one_read(aws_sdk_dynamodb::Client::new(&config)).await
}
