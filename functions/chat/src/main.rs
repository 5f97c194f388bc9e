//! The `chat` Lambda.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    talk::lambda::run(&chat::FUNCTION).await
}
