//! What the minimal references share: a `lambda_http` function that reads one item per request.

use lambda_http::{Body, Error, Request, Response, service_fn};

/// Serves invocations with `client`, reading the item `baseline` of the table `TABLE_NAME`.
pub async fn serve_one_read(client: aws_sdk_dynamodb::Client) -> Result<(), Error> {
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
