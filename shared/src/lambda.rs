//! Running an endpoint group's handler as a Lambda function: logging, the app built once per
//! cold start, then `lambda_http` serving invocations.

use std::future::Future;
use std::pin::Pin;

use lambda_http::{Body, Request, Response, service_fn};

use crate::App;

/// A boxed response future borrowing the app.
pub type ResponseFuture<'a> = Pin<Box<dyn Future<Output = Response<Body>> + Send + 'a>>;

/// A function's `handle`, as the Lambda runtime and the local server call it.
pub type Handler = for<'a> fn(&'a App, Request) -> ResponseFuture<'a>;

/// Serves `handler` in the Lambda runtime until it shuts down.
pub async fn run(handler: Handler) -> Result<(), lambda_http::Error> {
    crate::logging::init();
    let app = App::from_env().await?;
    let app = &app;
    lambda_http::run(service_fn(move |request| async move {
        Ok::<_, lambda_http::Error>(handler(app, request).await)
    }))
    .await
}
