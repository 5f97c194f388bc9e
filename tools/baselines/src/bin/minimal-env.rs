//! The smaller minimal reference: like `minimal-sdk`, but the client is configured from the
//! variables Lambda sets (region, keys, endpoint) without aws-config's provider chains.

use aws_sdk_dynamodb::config::{BehaviorVersion, Credentials, Region};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    let var = |name: &str| std::env::var(name).ok();
    let credentials = Credentials::new(
        var("AWS_ACCESS_KEY_ID").ok_or("AWS_ACCESS_KEY_ID is not set")?,
        var("AWS_SECRET_ACCESS_KEY").ok_or("AWS_SECRET_ACCESS_KEY is not set")?,
        var("AWS_SESSION_TOKEN"),
        None,
        "Environment",
    );
    let mut config = aws_sdk_dynamodb::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(var("AWS_REGION").ok_or("AWS_REGION is not set")?))
        .credentials_provider(credentials);
    config.set_endpoint_url(var("AWS_ENDPOINT_URL_DYNAMODB"));
    bench_baselines::serve_one_read(aws_sdk_dynamodb::Client::from_conf(config.build())).await
}
