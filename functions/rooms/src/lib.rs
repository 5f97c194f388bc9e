//! The `rooms` endpoint group: the routing table of spec §6.1–6.6.
//!
//! | Method | Path | Spec |
//! |---|---|---|
//! | GET | /room | §6.1 |
//! | POST | /room | §6.2 |
//! | GET | /room/{token} | §6.3 |
//! | PUT | /room/{token} | §6.4 |
//! | DELETE | /room/{token} | §6.5 |
//! | PUT | /room/{token}/read-only | §6.6 |

use lambda_http::http::{HeaderName, HeaderValue, Method};
use lambda_http::{Body, Request, Response};
use serde_json::Value;
use talk::app::Callers;
use talk::capabilities::talk_hash;
use talk::domain::RoomToken;
use talk::domain::moderation::{self, Need};
use talk::domain::rooms::{self, CreateRequest, Created, now};
use talk::view::room_object;
use talk::{ApiError, ApiRequest, App, Reply};

/// The header carrying the capabilities hash (spec §3.6).
const TALK_HASH: HeaderName = HeaderName::from_static("x-nextcloud-talk-hash");

/// Answers one API Gateway request.
pub async fn handle(app: &App, request: Request) -> Response<Body> {
    let request = app.request(request);
    let result = route(app, &request).await;
    app.respond(&request, result)
}

async fn route(app: &App, request: &ApiRequest) -> Result<Reply, ApiError> {
    match request.segments()?.as_slice() {
        ["room"] => match request.method {
            Method::GET => list_rooms(app, request).await,
            Method::POST => create_room(app, request).await,
            _ => Err(ApiError::MethodNotAllowed),
        },
        ["room", token] => {
            let token = RoomToken::from_path(token)?;
            match request.method {
                Method::GET => get_room(app, request, &token).await,
                Method::PUT => rename_room(app, request, &token).await,
                Method::DELETE => delete_room(app, request, &token).await,
                _ => Err(ApiError::MethodNotAllowed),
            }
        }
        ["room", token, "read-only"] => {
            let token = RoomToken::from_path(token)?;
            match request.method {
                Method::PUT => set_read_only(app, request, &token).await,
                _ => Err(ApiError::MethodNotAllowed),
            }
        }
        _ => Err(ApiError::InvalidQuery),
    }
}

/// spec §6.1: every room the caller is a participant of.
async fn list_rooms(app: &App, request: &ApiRequest) -> Result<Reply, ApiError> {
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

/// spec §6.2: create a one-to-one, group or public conversation.
async fn create_room(app: &App, request: &ApiRequest) -> Result<Reply, ApiError> {
    let create = request.params().and_then(CreateRequest::from_params);
    let claimed = request.claimed_user();
    let (user, facts) = app
        .user_and(request, async {
            match &create {
                Ok(create) => create.facts(&app.store, claimed.as_ref()).await.map(Some),
                Err(_) => Ok(None),
            }
        })
        .await?;
    let (create, facts) = (create?, facts.ok_or(ApiError::Internal)?);
    match rooms::create(&app.store, &user, create, facts).await? {
        Created::New(room) => Ok(Reply::created(room_object(
            &room,
            room.user_participant(&user.id),
            now(),
        ))),
        Created::Existing(room) => Ok(Reply::ok(room_object(&room, room.user_participant(&user.id), now()))),
    }
}

/// spec §6.3: one room, for a participant or (public rooms) anyone.
async fn get_room(app: &App, request: &ApiRequest, token: &RoomToken) -> Result<Reply, ApiError> {
    let (caller, room) = app.room_and_caller(request, token, Callers::GuestsToo).await?;
    let (room, viewer) = rooms::access(room.as_ref(), &caller)?;
    Ok(Reply::ok(room_object(room, viewer, now())).with_header(TALK_HASH, HeaderValue::from_static(talk_hash())))
}

/// spec §6.4: rename (moderators; guests may call).
async fn rename_room(app: &App, request: &ApiRequest, token: &RoomToken) -> Result<Reply, ApiError> {
    app.edit_room(
        request,
        token,
        Callers::GuestsToo,
        Need::Moderator,
        |params, room, _| moderation::rename(room, &params.required_string("roomName")?),
    )
    .await
}

/// spec §6.5: delete the room with everything in it (moderators; guests may call).
async fn delete_room(app: &App, request: &ApiRequest, token: &RoomToken) -> Result<Reply, ApiError> {
    app.edit_room(request, token, Callers::GuestsToo, Need::Moderator, |_, room, _| {
        moderation::delete(room)
    })
    .await
}

/// spec §6.6: lock or unlock (moderators; users only).
async fn set_read_only(app: &App, request: &ApiRequest, token: &RoomToken) -> Result<Reply, ApiError> {
    app.edit_room(
        request,
        token,
        Callers::UsersOnly,
        Need::Moderator,
        |params, room, _| moderation::set_read_only(room, params.required_int("state")?),
    )
    .await
}
