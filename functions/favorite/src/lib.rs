//! The `favorite` endpoint group: marking a conversation as a favorite (spec §6.9, v4 §6.10).

use talk::app::Preferences;
use talk::domain::RoomToken;
use talk::routing::ApiVersion::{V1, V4};
use talk::routing::Verb::{Delete, Post};
use talk::routing::{Call, Route};
use talk::{Failure, Reply, on};

talk::function! {
    name: "favorite",
    routes: [
        Route::spreed(Post, &[V1, V4], "/room/{token}/favorite", on!(room add_favorite)),
        Route::spreed(Delete, &[V1, V4], "/room/{token}/favorite", on!(room remove_favorite)),
    ],
}

/// spec §6.9: mark as favorite.
async fn add_favorite(call: Call<'_>, token: &RoomToken) -> Result<Reply, Failure> {
    set_favorite(call, token, true).await
}

/// spec §6.9: unmark.
async fn remove_favorite(call: Call<'_>, token: &RoomToken) -> Result<Reply, Failure> {
    set_favorite(call, token, false).await
}

async fn set_favorite(
    Call { app, request, .. }: Call<'_>,
    token: &RoomToken,
    favorite: bool,
) -> Result<Reply, Failure> {
    let preferences = Preferences {
        favorite: Some(favorite),
        level: None,
    };
    app.set_preferences(request, token, Ok(preferences)).await
}
