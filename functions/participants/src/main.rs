//! The `participants` Lambda.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    talk::lambda::run(|app, request| Box::pin(participants::handle(app, request))).await
}
