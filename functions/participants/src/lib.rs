//! The `participants` endpoint group: the routing table of spec §7.
//!
//! | Method | Path | Spec |
//! |---|---|---|
//! | GET | /room/{token}/participants | §7.1 |
//! | POST | /room/{token}/participants | §7.2 |
//! | DELETE | /room/{token}/participants | §7.4 |
//! | DELETE | /room/{token}/participants/self | §7.3 |
//! | POST | /room/{token}/participants/active | §7.5 |
//! | DELETE | /room/{token}/participants/active | §7.6 |
//! | POST, DELETE | /room/{token}/moderators | §7.7 |

use lambda_http::http::header::SET_COOKIE;
use lambda_http::http::{HeaderValue, Method};
use lambda_http::{Body, Request, Response};
use talk::app::Callers;
use talk::domain::moderation::{self, Need};
use talk::domain::participants::{self, Target};
use talk::domain::rooms::now;
use talk::domain::{ParticipantType, RoomToken, UserId};
use talk::view::{participant_list, room_object};
use talk::{ApiError, ApiRequest, App, Reply};

/// Answers one API Gateway request.
pub async fn handle(app: &App, request: Request) -> Response<Body> {
    let request = app.request(request);
    let result = route(app, &request).await;
    app.respond(&request, result)
}

async fn route(app: &App, request: &ApiRequest) -> Result<Reply, ApiError> {
    let segments = request.segments()?;
    let (token, rest) = match segments.as_slice() {
        ["room", token, rest @ ..] => (RoomToken::from_path(token)?, rest),
        _ => return Err(ApiError::InvalidQuery),
    };
    let token = &token;
    match (rest, &request.method) {
        (["participants"], &Method::GET) => list(app, request, token).await,
        (["participants"], &Method::POST) => add(app, request, token).await,
        (["participants"], &Method::DELETE) => {
            app.edit_room(
                request,
                token,
                Callers::GuestsToo,
                Need::Moderator,
                |params, room, me| participants::remove(room, me, &params.required_string("participant")?),
            )
            .await
        }
        (["participants", "self"], &Method::DELETE) => {
            app.edit_room(request, token, Callers::UsersOnly, Need::Participant, |_, room, me| {
                participants::leave(room, me)
            })
            .await
        }
        (["participants", "active"], &Method::POST) => join(app, request, token).await,
        (["participants", "active"], &Method::DELETE) => leave_session(app, request, token).await,
        (["moderators"], method @ (&Method::POST | &Method::DELETE)) => {
            let promote = method == Method::POST;
            app.edit_room(
                request,
                token,
                Callers::GuestsToo,
                Need::Moderator,
                |params, room, me| participants::set_moderator(room, me, &target(params)?, promote),
            )
            .await
        }
        (["participants"] | ["participants", "self" | "active"] | ["moderators"], _) => Err(ApiError::MethodNotAllowed),
        _ => Err(ApiError::InvalidQuery),
    }
}

/// spec §7.1: the participant list; plain guests 403, and the lobby keeps non-moderators out.
async fn list(app: &App, request: &ApiRequest, token: &RoomToken) -> Result<Reply, ApiError> {
    let (caller, room) = app.room_and_caller(request, token, Callers::GuestsToo).await?;
    let (room, me) = moderation::authorize(room.as_ref(), &caller, Need::Participant)?;
    if me.participant_type == ParticipantType::Guest {
        return Err(ApiError::Forbidden);
    }
    if room.room.lobby_state == 1 && !me.participant_type.is_moderator() {
        return Err(ApiError::LobbyActive);
    }
    Ok(Reply::ok(participant_list(room)))
}

/// spec §7.2: add a user (owners and moderators). The named user is read concurrently with the
/// credentials and the room.
async fn add(app: &App, request: &ApiRequest, token: &RoomToken) -> Result<Reply, ApiError> {
    let named = request
        .params()
        .ok()
        .and_then(|p| p.string("newParticipant").ok().flatten());
    let read_user = async {
        match named.as_deref().map(UserId::parse) {
            Some(Ok(user)) => Ok::<_, ApiError>(app.store.get_user(&user).await?),
            _ => Ok(None),
        }
    };
    let (caller_and_room, invited) = tokio::join!(app.room_and_caller(request, token, Callers::UsersOnly), read_user);
    let (caller, room) = caller_and_room?;
    let invited = invited?;
    moderation::edit_room(&app.store, token, &caller, room, Need::UserModerator, |room, _| {
        request.params()?.required_string("newParticipant")?;
        participants::add(room, invited.as_ref())
    })
    .await?;
    Ok(Reply::done())
}

/// spec §7.7: the target of a moderator change, by user id or guest session id.
fn target(params: &talk::request::Params) -> Result<Target, ApiError> {
    match (params.string("participant")?, params.string("sessionId")?) {
        (Some(user), _) => Ok(Target::User(user)),
        (None, Some(session)) => Ok(Target::Session(session)),
        (None, None) => Err(ApiError::bad_request("Missing parameter participant or sessionId")),
    }
}

/// spec §7.5: join; a new guest gets their session cookie.
async fn join(app: &App, request: &ApiRequest, token: &RoomToken) -> Result<Reply, ApiError> {
    let (caller, room) = app.room_and_caller(request, token, Callers::GuestsToo).await?;
    let password = request.params()?.string("password")?.unwrap_or_default();
    let joined = participants::join(&app.store, token, &caller, room, &password).await?;
    let reply = Reply::ok(room_object(&joined.room, Some(&joined.me), now()));
    Ok(match joined.guest_secret {
        Some(secret) => {
            let cookie = HeaderValue::from_str(&app.guest_cookie(token, &secret)).map_err(|_| ApiError::Internal)?;
            reply.with_header(SET_COOKIE, cookie)
        }
        None => reply,
    })
}

/// spec §7.6: leave the session; always 200.
async fn leave_session(app: &App, request: &ApiRequest, token: &RoomToken) -> Result<Reply, ApiError> {
    let (caller, room) = app.room_and_caller(request, token, Callers::GuestsToo).await?;
    if let Some(me) = room.as_ref().and_then(|room| room.participant_of(&caller)) {
        app.store.end_session(token, me).await?;
    }
    Ok(Reply::done())
}
