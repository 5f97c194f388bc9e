//! The `notify` Lambda.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    talk::lambda::run(|app, request| Box::pin(notify::handle(app, request))).await
}
