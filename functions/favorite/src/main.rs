//! The `favorite` Lambda.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    talk::lambda::run(|app, request| Box::pin(favorite::handle(app, request))).await
}
