//! The Lambda functions this build links in, each with its declared routes.

use talk::routing::Function;

/// Every function of the API; the last, `capabilities`, serves API Gateway's `$default` route.
pub const FUNCTIONS: &[Function] = &[
    rooms::FUNCTION,
    public::FUNCTION,
    password::FUNCTION,
    favorite::FUNCTION,
    notify::FUNCTION,
    chat::FUNCTION,
    participants::FUNCTION,
    capabilities::FUNCTION,
];

/// The function behind API Gateway's `$default` route.
pub const FALLBACK: &Function = &capabilities::FUNCTION;

/// The function of the Lambda binary `name` (the template's `BuildProperties.Binary`).
pub fn function(name: &str) -> Option<&'static Function> {
    FUNCTIONS.iter().find(|function| function.name == name)
}
