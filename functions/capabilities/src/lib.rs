//! The `capabilities` function: the capabilities document (spec §10), and API Gateway's
//! `$default` route, which receives every request no declared route matches: a known path with
//! another method answers 405, anything else "no route" (spec §1, §3.4). It knows the other
//! functions' paths from their declarations, computed at compile time, without their handlers.

use talk::capabilities::capabilities;
use talk::routing::Verb::Get;
use talk::routing::{Call, Pattern, Route};
use talk::{Failure, Reply, on};

talk::function! {
    name: "capabilities",
    elsewhere: ELSEWHERE,
    routes: [
        Route::ocs(Get, "/cloud/capabilities", on!(get_capabilities)),
    ],
}

/// The patterns of every other function.
pub const ELSEWHERE: &[&[Pattern]] = &[
    rooms::PATTERNS,
    public::PATTERNS,
    password::PATTERNS,
    favorite::PATTERNS,
    notify::PATTERNS,
    chat::PATTERNS,
    participants::PATTERNS,
];

/// spec §10: the capabilities document.
async fn get_capabilities(Call { request, .. }: Call<'_>) -> Result<Reply, Failure> {
    request.require_ocs_header()?;
    Ok(Reply::ok(capabilities()))
}
