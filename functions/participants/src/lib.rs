//! The `participants` endpoint group: participants, sessions and moderators (spec §7).

use lambda_http::http::header::SET_COOKIE;
use talk::app::Callers;
use talk::domain::access::{self, Need};
use talk::domain::commit::change_room;
use talk::domain::participants::{self, PasswordAttempt, Target};
use talk::domain::{RoomToken, UserId, now};
use talk::request::ParamError;
use talk::routing::ApiVersion::V1;
use talk::routing::Verb::{Delete, Get, Post};
use talk::routing::{Call, Route};
use talk::view::{participant_list, room_object};
use talk::{Failure, Reply, on};

talk::function! {
    name: "participants",
    routes: [
        Route::spreed(Get, &[V1], "/room/{token}/participants", on!(room list)),
        Route::spreed(Post, &[V1], "/room/{token}/participants", on!(room add)),
        Route::spreed(Delete, &[V1], "/room/{token}/participants", on!(room remove)),
        Route::spreed(Delete, &[V1], "/room/{token}/participants/self", on!(room leave)),
        Route::spreed(Delete, &[V1], "/room/{token}/participants/guests", on!(room remove_guest)),
        Route::spreed(Post, &[V1], "/room/{token}/participants/active", on!(room join)),
        Route::spreed(Delete, &[V1], "/room/{token}/participants/active", on!(room leave_session)),
        Route::spreed(Post, &[V1], "/room/{token}/moderators", on!(room promote)),
        Route::spreed(Delete, &[V1], "/room/{token}/moderators", on!(room demote)),
    ],
}

/// spec §7.1: the participant list; plain guests 403, and the lobby keeps non-moderators out.
async fn list(Call { app, request, .. }: Call<'_>, token: &RoomToken) -> Result<Reply, Failure> {
    let (caller, room) = app.room_and_caller(request, token, Callers::GuestsToo).await?;
    let (room, me) = access::authorize(room.as_ref(), &caller, Need::Participant)?;
    participants::may_list(room, me)?;
    Ok(Reply::ok(participant_list(room)))
}

/// spec §7.2: add a user (owners and moderators). The named user is read concurrently with the
/// credentials and the room.
async fn add(Call { app, request, .. }: Call<'_>, token: &RoomToken) -> Result<Reply, Failure> {
    let named = request.params().and_then(|p| p.required_string("newParticipant"));
    let read_user = async {
        match named.as_deref().map(UserId::parse) {
            Ok(Ok(user)) => Ok::<_, Failure>(app.store.get_user(&user).await?),
            _ => Ok(None),
        }
    };
    let (caller_and_room, invited) = tokio::join!(app.room_and_caller(request, token, Callers::UsersOnly), read_user);
    let (caller, room) = caller_and_room?;
    let invited = invited?;
    let command = named.map_err(Into::into);
    change_room(
        &app.store,
        token,
        &caller,
        room,
        Need::UserModerator,
        command,
        |room, _, _| participants::add(room, invited.as_ref()),
    )
    .await?;
    Ok(Reply::done())
}

/// spec §7.4: remove a user (moderators; guests may call).
async fn remove(Call { app, request, .. }: Call<'_>, token: &RoomToken) -> Result<Reply, Failure> {
    let target = request.params().and_then(|p| p.required_string("participant"));
    app.change_room(
        request,
        token,
        Callers::GuestsToo,
        Need::Moderator,
        target,
        |room, me, target| participants::remove(room, me, target),
    )
    .await
}

/// Talk 8's `DELETE /participants/guests`: remove a guest by their session id (moderators;
/// guest moderators may call).
async fn remove_guest(Call { app, request, .. }: Call<'_>, token: &RoomToken) -> Result<Reply, Failure> {
    let session = request.params().and_then(|p| p.required_string("participant"));
    app.change_room(
        request,
        token,
        Callers::GuestsToo,
        Need::Moderator,
        session,
        |room, _, session| participants::remove_guest(room, session),
    )
    .await
}

/// spec §7.3: leave the conversation (users).
async fn leave(Call { app, request, .. }: Call<'_>, token: &RoomToken) -> Result<Reply, Failure> {
    app.change_room(
        request,
        token,
        Callers::UsersOnly,
        Need::Participant,
        Ok(()),
        |room, me, ()| participants::leave(room, me),
    )
    .await
}

/// spec §7.7: promote a user or guest to moderator.
async fn promote(call: Call<'_>, token: &RoomToken) -> Result<Reply, Failure> {
    set_moderator(call, token, true).await
}

/// spec §7.7: demote a moderator.
async fn demote(call: Call<'_>, token: &RoomToken) -> Result<Reply, Failure> {
    set_moderator(call, token, false).await
}

async fn set_moderator(
    Call { app, request, .. }: Call<'_>,
    token: &RoomToken,
    promote: bool,
) -> Result<Reply, Failure> {
    let target = request.params().and_then(target);
    app.change_room(
        request,
        token,
        Callers::GuestsToo,
        Need::Moderator,
        target,
        |room, me, target| participants::set_moderator(room, me, target, promote),
    )
    .await
}

/// spec §7.7: the target of a moderator change, by user id or guest session id.
fn target(params: &talk::request::Params) -> Result<Target, ParamError> {
    match (params.string("participant")?, params.string("sessionId")?) {
        (Some(user), _) => Ok(Target::User(user)),
        (None, Some(session)) => Ok(Target::Session(session)),
        (None, None) => Err(ParamError("Missing parameter participant or sessionId".into())),
    }
}

/// spec §7.5: join; a new guest gets their session cookie. The client's failed password
/// attempts (by the address API Gateway saw) are read with the room.
async fn join(Call { app, request, .. }: Call<'_>, token: &RoomToken) -> Result<Reply, Failure> {
    let client = request.source_ip.as_deref().unwrap_or("unknown");
    let (caller_and_room, failures) = tokio::join!(
        app.room_and_caller(request, token, Callers::GuestsToo),
        app.store.password_failures(token, client, now())
    );
    let (caller, room) = caller_and_room?;
    let attempt = PasswordAttempt {
        client,
        failures: failures?,
    };
    let password = request.params()?.string("password")?.unwrap_or_default();
    let joined = participants::join(&app.store, token, &caller, room, &password, attempt).await?;
    let reply = Reply::ok(room_object(&joined.room, Some(&joined.me), now()));
    Ok(match joined.guest_secret {
        Some(secret) => reply.with_header(SET_COOKIE, app.guest_cookie(token, &secret)),
        None => reply,
    })
}

/// spec §7.6: leave the session; always 200.
async fn leave_session(Call { app, request, .. }: Call<'_>, token: &RoomToken) -> Result<Reply, Failure> {
    let (caller, room) = app.room_and_caller(request, token, Callers::GuestsToo).await?;
    participants::leave_session(&app.store, token, &caller, room).await?;
    Ok(Reply::done())
}
