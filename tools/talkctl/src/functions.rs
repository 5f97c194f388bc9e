//! The Lambda functions this build links in, by the binary name `template.yaml` gives them.

use talk::lambda::Handler;

/// The handler of the Lambda binary `name` (the template's `BuildProperties.Binary`).
pub fn handler(name: &str) -> Option<Handler> {
    match name {
        "rooms" => Some(|app, request| Box::pin(rooms::handle(app, request))),
        "public" => Some(|app, request| Box::pin(public::handle(app, request))),
        "password" => Some(|app, request| Box::pin(password::handle(app, request))),
        "favorite" => Some(|app, request| Box::pin(favorite::handle(app, request))),
        "notify" => Some(|app, request| Box::pin(notify::handle(app, request))),
        "participants" => Some(|app, request| Box::pin(participants::handle(app, request))),
        "capabilities" => Some(|app, request| Box::pin(capabilities::handle(app, request))),
        _ => None,
    }
}
