//! Running a function as a Lambda: logging, the app built once per cold start, then
//! `lambda_http` serving invocations with the function's routes.

use lambda_http::service_fn;

use crate::App;
use crate::routing::Function;

/// Serves `function` in the Lambda runtime until it shuts down.
pub async fn run(function: &'static Function) -> Result<(), lambda_http::Error> {
    crate::logging::init();
    let app = App::for_lambda().await?;
    let app = &app;
    lambda_http::run(service_fn(move |request| async move {
        Ok::<_, lambda_http::Error>(function.handle(app, request).await)
    }))
    .await
}
