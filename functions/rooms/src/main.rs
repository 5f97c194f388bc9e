//! The `rooms` Lambda: builds the app once per cold start and serves requests with [`rooms::handle`].

use lambda_http::{Error, service_fn};

#[tokio::main]
async fn main() -> Result<(), Error> {
    talk::logging::init();
    let app = talk::App::from_env().await;
    let app = &app;
    lambda_http::run(service_fn(move |request| async move {
        Ok::<_, Error>(rooms::handle(app, request).await)
    }))
    .await
}
