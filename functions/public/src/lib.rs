//! The `public` endpoint group: allowing and disallowing guests (spec §6.7).

use talk::app::Callers;
use talk::domain::RoomToken;
use talk::domain::access::Need;
use talk::domain::moderation;
use talk::routing::ApiVersion::V1;
use talk::routing::Verb::{Delete, Post};
use talk::routing::{Call, Function, Route};
use talk::{Failure, Reply, on};

talk::route_table![
    Route::spreed(Post, &[V1], "/room/{token}/public", on!(room make_public)),
    Route::spreed(Delete, &[V1], "/room/{token}/public", on!(room make_private)),
];

/// The `public` Lambda.
pub const FUNCTION: Function = Function {
    name: "public",
    routes: ROUTES,
    elsewhere: &[],
};

/// spec §6.7: allow guests (user moderators).
async fn make_public(Call { app, request, .. }: Call<'_>, token: &RoomToken) -> Result<Reply, Failure> {
    app.change_room(
        request,
        token,
        Callers::UsersOnly,
        Need::UserModerator,
        Ok(()),
        |room, _, ()| moderation::make_public(room),
    )
    .await
}

/// spec §6.7: disallow guests (user moderators).
async fn make_private(Call { app, request, .. }: Call<'_>, token: &RoomToken) -> Result<Reply, Failure> {
    app.change_room(
        request,
        token,
        Callers::UsersOnly,
        Need::UserModerator,
        Ok(()),
        |room, _, ()| moderation::make_private(room),
    )
    .await
}
