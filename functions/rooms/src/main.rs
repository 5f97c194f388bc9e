//! The `rooms` Lambda.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    talk::lambda::run(|app, request| Box::pin(rooms::handle(app, request))).await
}
