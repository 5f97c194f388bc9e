//! The `password` endpoint group: room passwords (spec §6.8, v4 §6.9).

use talk::app::{Callers, Changed};
use talk::domain::RoomToken;
use talk::domain::access::Need;
use talk::domain::moderation;
use talk::routing::ApiVersion::{V1, V4};
use talk::routing::Verb::Put;
use talk::routing::{Call, Route};
use talk::{Failure, Reply, on};

talk::function! {
    name: "password",
    routes: [
        Route::spreed(Put, &[V1, V4], "/room/{token}/password", on!(room set_password)),
    ],
}

/// spec §6.8: set or remove the password (moderators; guests may call). The password is taken
/// as sent: not trimmed.
async fn set_password(
    Call {
        app, request, version, ..
    }: Call<'_>,
    token: &RoomToken,
) -> Result<Reply, Failure> {
    let password = request.params().and_then(|p| p.required_string("password"));
    let version = version.unwrap_or(V1);
    app.change_room(
        request,
        token,
        Callers::GuestsToo,
        Need::Moderator,
        password,
        |room, _, password| moderation::set_password(room, password, version),
    )
    .await
    .map(Changed::room_object)
}
