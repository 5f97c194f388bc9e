//! The minimal reference: a `lambda_http` function with the SDK's default configuration that
//! reads one item per request, built with the same dependencies' features as the functions.

use lambda_http::{Body, Error, Request, Response, service_fn};

#[tokio::main]
async fn main() -> Result<(), Error> {
    let config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let client = aws_sdk_dynamodb::Client::new(&config);
    let table = std::env::var("TABLE_NAME").unwrap_or_else(|_| "talk".into());
    let (client, table) = (&client, table.as_str());
    lambda_http::run(service_fn(move |_request: Request| async move {
        let key = aws_sdk_dynamodb::types::AttributeValue::S("baseline".into());
        let found = client
            .get_item()
            .table_name(table)
            .key("pk", key.clone())
            .key("sk", key)
            .send()
            .await?
            .item
            .is_some();
        Ok::<_, Error>(Response::new(Body::from(format!("{{\"found\":{found}}}"))))
    }))
    .await
}
