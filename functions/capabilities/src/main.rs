//! The `capabilities` Lambda.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    talk::lambda::run(&capabilities::FUNCTION).await
}
