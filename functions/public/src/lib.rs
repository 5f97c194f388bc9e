//! The `public` endpoint group: allowing and disallowing guests (spec §6.7, v4 §6.8).

use talk::app::{Callers, Changed};
use talk::domain::access::Need;
use talk::domain::commit::Edit;
use talk::domain::moderation;
use talk::domain::{DomainError, RoomAggregate, RoomToken};
use talk::routing::ApiVersion::{V1, V4};
use talk::routing::Verb::{Delete, Post};
use talk::routing::{ApiVersion, Call, Route};
use talk::{Failure, Reply, on};

talk::function! {
    name: "public",
    routes: [
        Route::spreed(Post, &[V1, V4], "/room/{token}/public", on!(room make_public)),
        Route::spreed(Delete, &[V1, V4], "/room/{token}/public", on!(room make_private)),
    ],
}

/// spec §6.7: allow guests (user moderators).
async fn make_public(call: Call<'_>, token: &RoomToken) -> Result<Reply, Failure> {
    set_guests(call, token, |room, _| moderation::make_public(room)).await
}

/// spec §6.7: disallow guests (user moderators); v4 removes guest moderators too.
async fn make_private(call: Call<'_>, token: &RoomToken) -> Result<Reply, Failure> {
    set_guests(call, token, moderation::make_private).await
}

async fn set_guests(
    Call {
        app, request, version, ..
    }: Call<'_>,
    token: &RoomToken,
    decide: fn(&RoomAggregate, ApiVersion) -> Result<Option<Edit>, DomainError>,
) -> Result<Reply, Failure> {
    let version = version.unwrap_or(V1);
    app.change_room(
        request,
        token,
        Callers::UsersOnly,
        Need::UserModerator,
        Ok(()),
        |room, _, ()| decide(room, version),
    )
    .await
    .map(Changed::room_object)
}
