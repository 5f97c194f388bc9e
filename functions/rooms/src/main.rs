//! The `rooms` Lambda.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    talk::lambda::run(|app, request| Box::pin(rooms::handle(app, request))).await
}
