//! The `participants` endpoint group: participants, sessions, moderators and permissions
//! (spec §7; v4 §7).

use lambda_http::http::header::SET_COOKIE;
use serde_json::Value;
use talk::app::{Callers, Changed, null_in_v4};
use talk::domain::access::{self, Need};
use talk::domain::commit::change_room;
use talk::domain::moderation;
use talk::domain::participants::{self, PasswordAttempt, PermissionMethod, Target};
use talk::domain::{DomainError, GroupId, RoomToken, User, UserId, now};
use talk::request::ParamError;
use talk::routing::ApiVersion::{V1, V4};
use talk::routing::Verb::{Delete, Get, Post, Put};
use talk::routing::{Call, Route};
use talk::view::{participant_list, participant_list_v4, room_object, room_object_v4};
use talk::{Failure, Reply, on};

talk::function! {
    name: "participants",
    routes: [
        Route::spreed(Get, &[V1, V4], "/room/{token}/participants", on!(room list)),
        Route::spreed(Post, &[V1, V4], "/room/{token}/participants", on!(room add)),
        Route::spreed(Delete, &[V1], "/room/{token}/participants", on!(room remove)),
        Route::spreed(Delete, &[V1, V4], "/room/{token}/participants/self", on!(room leave)),
        Route::spreed(Delete, &[V1], "/room/{token}/participants/guests", on!(room remove_guest)),
        Route::spreed(Delete, &[V4], "/room/{token}/attendees", on!(room remove_attendee)),
        Route::spreed(Post, &[V1, V4], "/room/{token}/participants/active", on!(room join)),
        Route::spreed(Delete, &[V1, V4], "/room/{token}/participants/active", on!(room leave_session)),
        Route::spreed(Post, &[V1, V4], "/room/{token}/moderators", on!(room promote)),
        Route::spreed(Delete, &[V1, V4], "/room/{token}/moderators", on!(room demote)),
        Route::spreed(Put, &[V4], "/room/{token}/attendees/permissions", on!(room set_permissions)),
        Route::spreed(Put, &[V4], "/room/{token}/permissions/default", on!(room set_default_permissions)),
    ],
}

/// spec §7.1: the participant list; plain guests 403, and the lobby keeps non-moderators out.
async fn list(
    Call {
        app, request, version, ..
    }: Call<'_>,
    token: &RoomToken,
) -> Result<Reply, Failure> {
    let (caller, room) = app.room_and_caller(request, token, Callers::GuestsToo).await?;
    let (room, me) = access::authorize(room.as_ref(), &caller, Need::Participant)?;
    participants::may_list(room, me)?;
    Ok(Reply::ok(match version {
        Some(V4) => participant_list_v4(room),
        _ => participant_list(room),
    }))
}

/// Whom `POST /participants` adds (spec §7.2; v4 §7.2 `source`): a user, or (v4) a group.
enum Invitation {
    User(Option<User>),
    Group(String, Option<Vec<User>>),
}

/// spec §7.2, v4 §7.2: add a user, or (v4 `source=groups`) a group with its members (owners
/// and moderators). Who is named is read concurrently with the credentials and the room.
async fn add(
    Call {
        app, request, version, ..
    }: Call<'_>,
    token: &RoomToken,
) -> Result<Reply, Failure> {
    let named = request.params().and_then(|p| {
        let name = p.required_string("newParticipant")?;
        let source = match version {
            Some(V4) => p.string("source")?.unwrap_or_else(|| "users".into()),
            _ => "users".into(),
        };
        Ok((name, source))
    });
    let read = async {
        Ok::<_, Failure>(match &named {
            Ok((name, source)) if source == "users" => Some(Invitation::User(match UserId::parse(name.as_str()) {
                Ok(user) => app.store.get_user(&user).await?,
                Err(_) => None,
            })),
            Ok((name, source)) if source == "groups" => {
                let members = match GroupId::parse(name.as_str()) {
                    Ok(group) => app.store.group_members(&group).await?,
                    Err(_) => None,
                };
                Some(Invitation::Group(name.clone(), members))
            }
            _ => None,
        })
    };
    let (caller_and_room, invitation) = tokio::join!(app.room_and_caller(request, token, Callers::UsersOnly), read);
    let (caller, room) = caller_and_room?;
    let invitation = invitation?;
    let command = named.map_err(Into::into);
    change_room(
        &app.store,
        token,
        &caller,
        room,
        Need::UserModerator,
        command,
        |room, _, _| match &invitation {
            Some(Invitation::User(user)) => participants::add(room, user.as_ref(), version.unwrap_or(V1)),
            Some(Invitation::Group(group, members)) => participants::add_group(room, group, members.as_deref()),
            None => Err(DomainError::invalid("source", "source must be users or groups")),
        },
    )
    .await?;
    Ok(Reply::done())
}

/// v4 §7.4: remove an attendee by id (moderators; guests may call).
async fn remove_attendee(Call { app, request, .. }: Call<'_>, token: &RoomToken) -> Result<Reply, Failure> {
    let attendee = request.params().and_then(|p| p.required_int("attendeeId"));
    app.change_room(
        request,
        token,
        Callers::GuestsToo,
        Need::Moderator,
        attendee,
        |room, me, attendee| participants::remove_attendee(room, me, *attendee),
    )
    .await
    .map(Changed::null)
}

/// v4 §7.8: set, add or remove an attendee's permissions (moderators; guests may call).
/// Answers the changed attendee's participant object, in a list.
async fn set_permissions(Call { app, request, .. }: Call<'_>, token: &RoomToken) -> Result<Reply, Failure> {
    let command = request.params().and_then(|p| {
        Ok((
            p.required_int("attendeeId")?,
            p.string("method")?.unwrap_or_else(|| "set".into()),
            p.required_int("permissions")?,
        ))
    });
    let changed = app
        .change_room(
            request,
            token,
            Callers::GuestsToo,
            Need::Moderator,
            command.clone(),
            |room, _, (attendee, method, permissions)| {
                participants::set_permissions(room, *attendee, PermissionMethod::parse(method)?, *permissions)
            },
        )
        .await?;
    let attendee = command.map(|(attendee, _, _)| attendee).unwrap_or_default();
    let list = changed.room.as_ref().map(participant_list_v4).unwrap_or_default();
    let only: Vec<Value> = list
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["attendeeId"] == attendee)
        .cloned()
        .collect();
    Ok(Reply::ok(Value::Array(only)))
}

/// v4 §7.8: the room's default permissions (moderators; guests may call). The `mode`
/// parameter, if sent, must be `default`.
async fn set_default_permissions(Call { app, request, .. }: Call<'_>, token: &RoomToken) -> Result<Reply, Failure> {
    let permissions = request.params().and_then(|p| {
        match p.string("mode")?.as_deref() {
            None | Some("default") => {}
            Some(_) => return Err(ParamError::new("mode", "mode must be default")),
        }
        p.required_int("permissions")
    });
    app.change_room(
        request,
        token,
        Callers::GuestsToo,
        Need::Moderator,
        permissions,
        |room, _, permissions| moderation::set_default_permissions(room, *permissions),
    )
    .await
    .map(Changed::room_object)
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
    .map(Changed::null)
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
    .map(Changed::null)
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
    .map(Changed::null)
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
    Call {
        app, request, version, ..
    }: Call<'_>,
    token: &RoomToken,
    promote: bool,
) -> Result<Reply, Failure> {
    let target = request.params().and_then(|params| match version {
        Some(V4) => Ok(Target::Attendee(params.required_int("attendeeId")?)),
        _ => target(params),
    });
    app.change_room(
        request,
        token,
        Callers::GuestsToo,
        Need::Moderator,
        target,
        |room, me, target| participants::set_moderator(room, me, target, promote),
    )
    .await
    .map(Changed::null)
}

/// spec §7.7: the target of a moderator change, by user id or guest session id.
fn target(params: &talk::request::Params) -> Result<Target, ParamError> {
    match (params.string("participant")?, params.string("sessionId")?) {
        (Some(user), _) => Ok(Target::User(user)),
        (None, Some(session)) => Ok(Target::Session(session)),
        (None, None) => Err(ParamError::new(
            "participant",
            "Missing parameter participant or sessionId",
        )),
    }
}

/// spec §7.5: join; a new guest gets their session cookie. The client's failed password
/// attempts (by the address API Gateway saw) are read with the room.
async fn join(
    Call {
        app, request, version, ..
    }: Call<'_>,
    token: &RoomToken,
) -> Result<Reply, Failure> {
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
    let object = match version {
        Some(V4) => room_object_v4(&joined.room, Some(&joined.me)),
        _ => room_object(&joined.room, Some(&joined.me), now()),
    };
    let reply = Reply::ok(object);
    Ok(match joined.guest_secret {
        Some(secret) => reply.with_header(SET_COOKIE, app.guest_cookie(token, &secret)),
        None => reply,
    })
}

/// spec §7.6: leave the session; always 200.
async fn leave_session(
    Call {
        app, request, version, ..
    }: Call<'_>,
    token: &RoomToken,
) -> Result<Reply, Failure> {
    let (caller, room) = app.room_and_caller(request, token, Callers::GuestsToo).await?;
    participants::leave_session(&app.store, token, &caller, room).await?;
    Ok(null_in_v4(version))
}
