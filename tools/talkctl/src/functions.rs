//! The Lambda functions this build links in, by the binary name `template.yaml` gives them.

use std::future::Future;
use std::pin::Pin;

use lambda_http::{Body, Request, Response};
use talk::App;

/// A boxed response future borrowing the app.
pub type ResponseFuture<'a> = Pin<Box<dyn Future<Output = Response<Body>> + Send + 'a>>;

/// A function's `handle`, callable in-process.
pub type Handler = for<'a> fn(&'a App, Request) -> ResponseFuture<'a>;

/// The handler of the Lambda binary `name` (the template's `BuildProperties.Binary`).
pub fn handler(name: &str) -> Option<Handler> {
    match name {
        "rooms" => Some(|app, request| Box::pin(rooms::handle(app, request))),
        _ => None,
    }
}
