//! The `password` Lambda.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    talk::lambda::run(|app, request| Box::pin(password::handle(app, request))).await
}
