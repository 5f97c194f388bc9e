//! The `notify` endpoint group: the notification level (spec §6.10, v4 §6.11).

use talk::app::Preferences;
use talk::domain::{DomainError, NotificationLevel, RoomToken};
use talk::routing::ApiVersion::{V1, V4};
use talk::routing::Verb::Post;
use talk::routing::{Call, Route};
use talk::{ApiRequest, Failure, Reply, on};

talk::function! {
    name: "notify",
    routes: [
        Route::spreed(Post, &[V1, V4], "/room/{token}/notify", on!(room set_level)),
    ],
}

/// spec §6.10: set the notification level (1, 2 or 3); 404 before the level is checked.
async fn set_level(Call { app, request, .. }: Call<'_>, token: &RoomToken) -> Result<Reply, Failure> {
    app.set_preferences(request, token, level(request)).await
}

fn level(request: &ApiRequest) -> Result<Preferences, Failure> {
    let level = match NotificationLevel::from_code(request.params()?.required_int("level")?) {
        Some(level) if level != NotificationLevel::Default => level,
        _ => return Err(DomainError::invalid("level", "level must be 1, 2 or 3").into()),
    };
    Ok(Preferences {
        favorite: None,
        level: Some(level),
    })
}
