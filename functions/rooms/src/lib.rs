//! The `rooms` endpoint group: conversations (spec §6.1–6.6).

use lambda_http::http::{HeaderName, HeaderValue};
use serde_json::Value;
use talk::app::Callers;
use talk::capabilities::talk_hash;
use talk::domain::access::{self, Need};
use talk::domain::moderation;
use talk::domain::rooms::{self, CreateRequest, Created};
use talk::domain::{RoomToken, now};
use talk::routing::ApiVersion::V1;
use talk::routing::Verb::{Delete, Get, Post, Put};
use talk::routing::{Call, Route};
use talk::view::room_object;
use talk::{ApiRequest, Failure, Reply, on};

talk::function! {
    name: "rooms",
    routes: [
        Route::spreed(Get, &[V1], "/room", on!(list_rooms)),
        Route::spreed(Post, &[V1], "/room", on!(create_room)),
        Route::spreed(Get, &[V1], "/room/{token}", on!(room get_room)),
        Route::spreed(Put, &[V1], "/room/{token}", on!(room rename_room)),
        Route::spreed(Delete, &[V1], "/room/{token}", on!(room delete_room)),
        Route::spreed(Put, &[V1], "/room/{token}/read-only", on!(room set_read_only)),
    ],
}

/// The header carrying the capabilities hash (spec §3.6).
const TALK_HASH: HeaderName = HeaderName::from_static("x-nextcloud-talk-hash");

/// spec §6.1: every room the caller is a participant of.
async fn list_rooms(Call { app, request, .. }: Call<'_>) -> Result<Reply, Failure> {
    let claimed = request.claimed_user();
    // Only the index is read before the credentials are verified: a refused request must not
    // cost a read of every room.
    let (user, tokens) = app
        .user_and(request, async {
            match &claimed {
                Some(user) => Ok(app.store.user_room_tokens(user).await?),
                None => Ok(Vec::new()),
            }
        })
        .await?;
    let rooms = rooms::rooms_of(&app.store, &user.id, tokens).await?;
    let now = now();
    let objects: Vec<Value> = rooms
        .iter()
        .map(|room| room_object(room, room.user_participant(&user.id), now))
        .collect();
    Ok(Reply::ok(Value::Array(objects))
        .with_header(TALK_HASH, HeaderValue::from_static(talk_hash()))
        .with_header(
            HeaderName::from_static("x-nextcloud-talk-modified-before"),
            HeaderValue::from(now),
        ))
}

/// spec §6.2 step 1: `roomType`, `invite` and `roomName`.
fn create_request(request: &ApiRequest) -> Result<CreateRequest, Failure> {
    let params = request.params()?;
    let room_type = params.required_int("roomType")?;
    let invite = params.string("invite")?.unwrap_or_default();
    let room_name = params.string("roomName")?.unwrap_or_default();
    Ok(CreateRequest::new(room_type, invite, &room_name)?)
}

/// spec §6.2: create a one-to-one, group or public conversation. What the creation depends on
/// is read concurrently with the credentials; the parameters' 400 comes after the 401.
async fn create_room(Call { app, request, .. }: Call<'_>) -> Result<Reply, Failure> {
    let create = create_request(request);
    let claimed = request.claimed_user();
    let (user, creation) = app
        .user_and(request, async {
            Ok(match create {
                Ok(create) => Ok(create.prepare(&app.store, claimed.as_ref()).await?),
                Err(refused) => Err(refused),
            })
        })
        .await?;
    match rooms::create(&app.store, &user, creation?).await? {
        Created::New(room) => Ok(Reply::created(room_object(
            &room,
            room.user_participant(&user.id),
            now(),
        ))),
        Created::Existing(room) => Ok(Reply::ok(room_object(&room, room.user_participant(&user.id), now()))),
    }
}

/// spec §6.3: one room, for a participant or (public rooms) anyone.
async fn get_room(Call { app, request, .. }: Call<'_>, token: &RoomToken) -> Result<Reply, Failure> {
    let (caller, room) = app.room_and_caller(request, token, Callers::GuestsToo).await?;
    let (room, viewer) = access::view(room.as_ref(), &caller)?;
    Ok(Reply::ok(room_object(room, viewer, now())).with_header(TALK_HASH, HeaderValue::from_static(talk_hash())))
}

/// spec §6.4: rename (moderators; guests may call).
async fn rename_room(Call { app, request, .. }: Call<'_>, token: &RoomToken) -> Result<Reply, Failure> {
    let name = request.params().and_then(|p| p.required_string("roomName"));
    app.change_room(
        request,
        token,
        Callers::GuestsToo,
        Need::Moderator,
        name,
        |room, _, name| moderation::rename(room, name),
    )
    .await
}

/// spec §6.5: delete the room with everything in it (moderators; guests may call).
async fn delete_room(Call { app, request, .. }: Call<'_>, token: &RoomToken) -> Result<Reply, Failure> {
    app.change_room(
        request,
        token,
        Callers::GuestsToo,
        Need::Moderator,
        Ok(()),
        |room, _, ()| moderation::delete(room),
    )
    .await
}

/// spec §6.6: lock or unlock (moderators; users only).
async fn set_read_only(Call { app, request, .. }: Call<'_>, token: &RoomToken) -> Result<Reply, Failure> {
    let state = request.params().and_then(|p| p.required_int("state"));
    app.change_room(
        request,
        token,
        Callers::UsersOnly,
        Need::Moderator,
        state,
        |room, _, state| moderation::set_read_only(room, *state),
    )
    .await
}
