//! The `rooms` endpoint group: conversations (spec §6.1–6.6; v4 §6.1–6.7).

use lambda_http::http::{HeaderName, HeaderValue};
use serde_json::Value;
use talk::app::{Callers, Changed};
use talk::capabilities::talk_hash;
use talk::domain::access::{self, Need};
use talk::domain::moderation;
use talk::domain::rooms::{self, CreateRequest, Created};
use talk::domain::{Participant, RoomAggregate, RoomToken, RoomType, now};
use talk::routing::ApiVersion::{self, V1, V4};
use talk::routing::Verb::{Delete, Get, Post, Put};
use talk::routing::{Call, Route};
use talk::view::{room_object, room_object_v4};
use talk::{ApiRequest, Failure, Reply, on};

talk::function! {
    name: "rooms",
    routes: [
        Route::spreed(Get, &[V1], "/room", on!(list_rooms)),
        Route::spreed(Get, &[V4], "/room", on!(list_rooms_v4)),
        Route::spreed(Post, &[V1, V4], "/room", on!(create_room)),
        Route::spreed(Get, &[V1, V4], "/room/{token}", on!(room get_room)),
        Route::spreed(Put, &[V1, V4], "/room/{token}", on!(room rename_room)),
        Route::spreed(Delete, &[V1, V4], "/room/{token}", on!(room delete_room)),
        Route::spreed(Put, &[V4], "/room/{token}/description", on!(room set_description)),
        Route::spreed(Put, &[V1, V4], "/room/{token}/read-only", on!(room set_read_only)),
    ],
}

/// The header carrying the capabilities hash (spec §3.6).
const TALK_HASH: HeaderName = HeaderName::from_static("x-nextcloud-talk-hash");
/// The header with the time the room list was read at (v4 §3).
const MODIFIED_BEFORE: HeaderName = HeaderName::from_static("x-nextcloud-talk-modified-before");

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
        .with_header(MODIFIED_BEFORE, HeaderValue::from(now)))
}

/// v4 §6.1: the rooms of the caller, each from the caller's own row and the room item (no
/// participant list: v4 room objects have none); with `modifiedSince`, only those changed
/// since, as Talk decides it.
async fn list_rooms_v4(Call { app, request, .. }: Call<'_>) -> Result<Reply, Failure> {
    // "Modified before" is taken before the rooms are read (v4 §3).
    let modified_before = now();
    let filter = request.params().map_err(Failure::from).and_then(|params| {
        Ok((
            params.int("modifiedSince")?.unwrap_or(0),
            params.bool("includeLastMessage")?.unwrap_or(true),
        ))
    });
    let claimed = request.claimed_user();
    let (user, rooms) = app
        .user_and(request, async {
            match &claimed {
                Some(user) => Ok(app.store.user_rooms(user).await?),
                None => Ok(Vec::new()),
            }
        })
        .await?;
    let (modified_since, include_last_message) = filter?;
    let objects: Vec<Value> = rooms
        .iter()
        .filter_map(|room| {
            let me = room.user_participant(&user.id)?;
            let changed = modified_since == 0
                || room.room.last_activity >= modified_since
                || me.last_attendee_activity >= modified_since;
            changed.then(|| {
                let mut object = room_object_v4(room, Some(me));
                if !include_last_message && let Some(fields) = object.as_object_mut() {
                    fields.remove("lastMessage");
                }
                object
            })
        })
        .collect();
    Ok(Reply::ok(Value::Array(objects))
        .with_header(TALK_HASH, HeaderValue::from_static(talk_hash()))
        .with_header(MODIFIED_BEFORE, HeaderValue::from(modified_before)))
}

/// spec §6.2 step 1: `roomType` (v4: 2 when missing), `invite` and `roomName`.
fn create_request(request: &ApiRequest, version: ApiVersion) -> Result<CreateRequest, Failure> {
    let params = request.params()?;
    let room_type = match version {
        ApiVersion::V1 => params.required_int("roomType")?,
        ApiVersion::V4 => params.int("roomType")?.unwrap_or(RoomType::Group.code()),
    };
    let invite = params.string("invite")?.unwrap_or_default();
    let room_name = params.string("roomName")?.unwrap_or_default();
    Ok(CreateRequest::new(room_type, invite, &room_name, version)?)
}

/// The room object of the version a request came through.
fn object_for(version: Option<ApiVersion>, room: &RoomAggregate, me: Option<&Participant>) -> Value {
    match version {
        Some(ApiVersion::V4) => room_object_v4(room, me),
        _ => room_object(room, me, now()),
    }
}

/// spec §6.2: create a one-to-one, group or public conversation. What the creation depends on
/// is read concurrently with the credentials; the parameters' 400 comes after the 401.
async fn create_room(
    Call {
        app, request, version, ..
    }: Call<'_>,
) -> Result<Reply, Failure> {
    let create = create_request(request, version.unwrap_or(V1));
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
        Created::New(room) => Ok(Reply::created(object_for(
            version,
            &room,
            room.user_participant(&user.id),
        ))),
        Created::Existing(room) => Ok(Reply::ok(object_for(version, &room, room.user_participant(&user.id)))),
    }
}

/// spec §6.3: one room, for a participant or (public rooms) anyone.
async fn get_room(
    Call {
        app, request, version, ..
    }: Call<'_>,
    token: &RoomToken,
) -> Result<Reply, Failure> {
    let (caller, room) = app.room_and_caller(request, token, Callers::GuestsToo).await?;
    let (room, viewer) = access::view(room.as_ref(), &caller)?;
    Ok(Reply::ok(object_for(version, room, viewer)).with_header(TALK_HASH, HeaderValue::from_static(talk_hash())))
}

/// spec §6.4: rename (moderators; guests may call).
async fn rename_room(
    Call {
        app, request, version, ..
    }: Call<'_>,
    token: &RoomToken,
) -> Result<Reply, Failure> {
    let name = request.params().and_then(|p| p.required_string("roomName"));
    let version = version.unwrap_or(V1);
    app.change_room(
        request,
        token,
        Callers::GuestsToo,
        Need::Moderator,
        name,
        |room, _, name| moderation::rename(room, name, version),
    )
    .await
    .map(Changed::room_object)
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
    .map(Changed::null)
}

/// v4 §6.6: set or remove the description (moderators; guests may call).
async fn set_description(Call { app, request, .. }: Call<'_>, token: &RoomToken) -> Result<Reply, Failure> {
    let description = request.params().and_then(|p| p.required_string("description"));
    app.change_room(
        request,
        token,
        Callers::GuestsToo,
        Need::Moderator,
        description,
        |room, _, description| moderation::set_description(room, description),
    )
    .await
    .map(Changed::room_object)
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
    .map(Changed::room_object)
}
