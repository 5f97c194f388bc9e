//! The bare reference: a `lambda_runtime` function that answers every event with "hello".

use lambda_runtime::{Error, LambdaEvent, service_fn};
use serde_json::Value;

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_runtime::run(service_fn(|_event: LambdaEvent<Value>| async {
        Ok::<_, Error>(Value::from("hello"))
    }))
    .await
}
