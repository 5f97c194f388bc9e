//! The `chat` endpoint group: messages (chat §4), mention autocomplete (§4.7) and reactions
//! (§12). Every route reads what it decides on (the room, the message it names) in one
//! round with the credentials.

mod reactions;
mod receive;

use lambda_http::http::{HeaderName, HeaderValue};
use serde_json::{Value, json};
use talk::app::{Callers, Changed};
use talk::domain::access::Caller;
use talk::domain::access::{self, Need};
use talk::domain::chat::{self, SendCommand};
use talk::domain::commit::{Edit, change_message};
use talk::domain::{ActorType, DomainError, Message, Participant, RoomAggregate, RoomToken, RoomType};
use talk::request::ParamError;
use talk::routing::ApiVersion::V1;
use talk::routing::Verb::{Delete, Get, Post, Put};
use talk::routing::{Call, Route};
use talk::store::Direction;
use talk::view::{MessageView, Parent, Reader, Shape, message_json, room_object_v4};
use talk::{ApiRequest, App, Failure, Reply, on};

talk::function! {
    name: "chat",
    routes: [
        Route::spreed(Get, &[V1], "/chat/{token}", on!(room receive::receive)),
        Route::spreed(Post, &[V1], "/chat/{token}", on!(room send)),
        Route::spreed(Delete, &[V1], "/chat/{token}", on!(room clear_history)),
        Route::spreed(Delete, &[V1], "/chat/{token}/{messageId}", on!(room delete_message)),
        Route::spreed(Put, &[V1], "/chat/{token}/{messageId}", on!(room edit_message)),
        Route::spreed(Post, &[V1], "/chat/{token}/read", on!(room set_read_marker)),
        Route::spreed(Delete, &[V1], "/chat/{token}/read", on!(room mark_unread)),
        Route::spreed(Get, &[V1], "/chat/{token}/{messageId}/context", on!(room receive::context)),
        Route::spreed(Get, &[V1], "/chat/{token}/mentions", on!(room mentions)),
        Route::spreed(Post, &[V1], "/reaction/{token}/{messageId}", on!(room reactions::react)),
        Route::spreed(Delete, &[V1], "/reaction/{token}/{messageId}", on!(room reactions::unreact)),
        Route::spreed(Get, &[V1], "/reaction/{token}/{messageId}", on!(room reactions::list)),
    ],
}

/// The header naming the last message fetched (chat §2).
const LAST_GIVEN: HeaderName = HeaderName::from_static("x-chat-last-given");

/// A message as the chat API shows it to `me`, with its parent.
fn shown(room: &RoomAggregate, me: &Participant, message: &Message, parent: Option<Parent<'_>>) -> Value {
    let view = MessageView {
        room,
        reader: Reader::of(me),
        shape: Shape::Chat,
    };
    message_json(message, view, parent)
}

/// The parent to show with a message posted about another one (deleted, edited).
fn about<'a>(changed: &'a Changed, id: Option<i64>) -> Option<Parent<'a>> {
    let id = id?;
    Some(
        changed
            .rewritten
            .iter()
            .find(|m| m.id == id)
            .map_or(Parent::Missing(id), Parent::Found),
    )
}

/// The answer to a change that posted a message: it, as the caller sees it.
fn posted_reply(changed: &Changed, status: fn(Value) -> Reply, parent: Option<&Message>) -> Result<Reply, Failure> {
    let (Some(room), Some(message)) = (&changed.room, &changed.posted) else {
        return Ok(Reply::ok(Value::Null));
    };
    let Some(me) = room.participant_of(&changed.caller) else {
        return Ok(Reply::ok(Value::Null));
    };
    let parent = match parent {
        Some(parent) => Some(Parent::Found(parent)),
        None => about(changed, message.parent),
    };
    Ok(status(shown(room, me, message, parent)))
}

/// chat §4.2: post a message (participants; joined guests too). The message replied to is read
/// with the room.
async fn send(Call { app, request, .. }: Call<'_>, token: &RoomToken) -> Result<Reply, Failure> {
    let command = request.params().and_then(|p| {
        Ok(SendCommand {
            message: p.required_string("message")?,
            reference_id: p.string("referenceId")?.unwrap_or_default(),
            reply_to: p.int("replyTo")?.unwrap_or(0),
            silent: p.bool("silent")?.unwrap_or(false),
            actor_display_name: p.string("actorDisplayName")?.unwrap_or_default(),
        })
    });
    let reply_to = command.as_ref().map_or(0, |c| c.reply_to);
    let (caller, room, parent) = room_and_message(app, request, token, Some(reply_to)).await?;
    let committed = talk::domain::commit::change_room(
        &app.store,
        token,
        &caller,
        room,
        Need::Participant,
        command.map_err(Into::into),
        |room, me, command| chat::send(room, me, command, parent.as_ref()),
    )
    .await?;
    let changed = Changed::new(committed, caller, request);
    posted_reply(&changed, Reply::created, parent.as_ref())
}

/// The caller, the room and the message `id` names, read in one round.
async fn room_and_message(
    app: &App,
    request: &ApiRequest,
    token: &RoomToken,
    id: Option<i64>,
) -> Result<(Caller, Option<RoomAggregate>, Option<Message>), Failure> {
    let (loaded, message) = tokio::join!(
        app.room_and_caller(request, token, Callers::GuestsToo),
        app.store.message(token, id.unwrap_or(0))
    );
    let (caller, room) = loaded?;
    Ok((caller, room, message?))
}

/// A change about the message `{messageId}` names (delete, edit, reactions): the room and the
/// message are read together, then [`change_message`] decides and commits.
async fn change_about_message<C>(
    call: Call<'_>,
    token: &RoomToken,
    command: Result<C, ParamError>,
    decide: impl Fn(&RoomAggregate, &Participant, &C, Option<&Message>) -> Result<Option<Edit>, DomainError>,
) -> Result<Changed, Failure> {
    let (caller, room, message) = room_and_message(call.app, call.request, token, call.message_id).await?;
    let committed = change_message(
        &call.app.store,
        token,
        &caller,
        room,
        message,
        Need::Participant,
        command.map_err(Into::into),
        decide,
    )
    .await?;
    Ok(Changed::new(committed, caller, call.request))
}

/// chat §4.3: delete a message (its author; moderators in group and public rooms).
async fn delete_message(call: Call<'_>, token: &RoomToken) -> Result<Reply, Failure> {
    let changed = change_about_message(call, token, Ok(()), |room, me, (), target| {
        chat::delete_message(room, me, target)
    })
    .await?;
    posted_reply(&changed, Reply::ok, None)
}

/// chat §4.4: edit a message (as deleting, within 24 hours).
async fn edit_message(call: Call<'_>, token: &RoomToken) -> Result<Reply, Failure> {
    let text = call.request.params().and_then(|p| p.required_string("message"));
    let changed = change_about_message(call, token, text, |room, me, text, target| {
        chat::edit_message(room, me, target, text)
    })
    .await?;
    posted_reply(&changed, Reply::ok, None)
}

/// chat §4.5 POST: set the read marker (users); the newest message at or before it is read
/// with the room, for its chat message count. Answers the room object.
async fn set_read_marker(Call { app, request, .. }: Call<'_>, token: &RoomToken) -> Result<Reply, Failure> {
    let given = request.params().and_then(|p| p.int("lastReadMessage"));
    let wanted = given.as_ref().ok().copied().flatten();
    let at_or_before = async {
        match wanted {
            Some(id) if id > 0 => Ok::<_, Failure>(
                app.store
                    .message_page(token, Some(id), true, Direction::Older, 1)
                    .await?
                    .pop(),
            ),
            _ => Ok::<_, Failure>(None),
        }
    };
    let (loaded, found) = tokio::join!(app.room_and_caller(request, token, Callers::GuestsToo), at_or_before);
    let (caller, room) = loaded?;
    let (room, me) = access::authorize(room.as_ref(), &caller, Need::Participant)?;
    chat::require_user(me)?;
    let found = found?;
    let row = match given? {
        Some(id) => chat::set_read_marker(me, id, found.as_ref())?,
        None => {
            let last = room.room.last_message.as_ref();
            chat::set_read_marker(me, last.map_or(0, |m| m.id), last)?
        }
    };
    answer_with_marker(app, token, room, row).await
}

/// Stores a moved read marker and answers the room object with it.
async fn answer_with_marker(
    app: &talk::App,
    token: &RoomToken,
    room: &RoomAggregate,
    row: Participant,
) -> Result<Reply, Failure> {
    if !app.store.set_read_marker(token, &row, false).await? {
        return Err(talk::domain::DomainError::NotFound.into());
    }
    let mut room = room.clone();
    room.participants.retain(|p| !p.is_same_actor(&row));
    room.participants.push(row.clone());
    Ok(Reply::ok(room_object_v4(&room, Some(&row))))
}

/// chat §4.5 DELETE: mark the newest chat message unread (users).
async fn mark_unread(Call { app, request, .. }: Call<'_>, token: &RoomToken) -> Result<Reply, Failure> {
    let (caller, room) = app.room_and_caller(request, token, Callers::GuestsToo).await?;
    let (room, me) = access::authorize(room.as_ref(), &caller, Need::Participant)?;
    chat::require_user(me)?;
    let older = match &room.room.last_message {
        Some(last) => {
            app.store
                .message_page(token, Some(last.id), false, Direction::Older, 50)
                .await?
        }
        None => Vec::new(),
    };
    let row = chat::mark_unread(room, me, &older)?;
    answer_with_marker(app, token, room, row).await
}

/// chat §4.8: clear the history (user moderators); the old messages go after the commit.
async fn clear_history(Call { app, request, .. }: Call<'_>, token: &RoomToken) -> Result<Reply, Failure> {
    let changed = app
        .change_room(
            request,
            token,
            Callers::UsersOnly,
            Need::Participant,
            Ok(()),
            |room, me, ()| chat::clear_history(room, me),
        )
        .await?;
    if let Some(cleared) = &changed.posted {
        app.store.delete_messages_before(token, cleared.id).await?;
    }
    posted_reply(&changed, Reply::ok, None)
}

/// chat §4.7: who the caller may mention, filtered by `search`.
async fn mentions(Call { app, request, .. }: Call<'_>, token: &RoomToken) -> Result<Reply, Failure> {
    let search = request
        .params()
        .and_then(|p| p.string("search"))
        .map(Option::unwrap_or_default);
    let (caller, room) = app.room_and_caller(request, token, Callers::GuestsToo).await?;
    let (room, me) = access::authorize(room.as_ref(), &caller, Need::Participant)?;
    chat::may_post(room, me)?;
    let search = search?.to_lowercase();
    Ok(Reply::ok(Value::Array(suggestions(room, me, &search))))
}

/// The mention suggestions of chat §4.7: users (exact matches first), guests, then `all`.
fn suggestions(room: &RoomAggregate, me: &Participant, search: &str) -> Vec<Value> {
    let matches = |id: &str, name: &str| {
        let (id, name) = (id.to_lowercase(), name.to_lowercase());
        search.is_empty() || id.contains(search) || name.contains(search)
    };
    let exact = |id: &str, name: &str| id.eq_ignore_ascii_case(search) || name.eq_ignore_ascii_case(search);
    let mut users: Vec<(bool, Value)> = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    let pair = room.room.pair.iter().map(|u| (u.id.as_str(), u.display_name.as_str()));
    let attendees = room
        .participants
        .iter()
        .filter(|p| p.actor_type == ActorType::Users)
        .map(|p| (p.actor_id.as_str(), p.display_name.as_str()));
    let candidates: Vec<(&str, &str)> = if room.room.room_type == RoomType::OneToOne {
        pair.collect()
    } else {
        attendees.collect()
    };
    for (id, name) in candidates {
        if seen.contains(&id) || (me.actor_type == ActorType::Users && id == me.actor_id) || !matches(id, name) {
            continue;
        }
        seen.push(id);
        users.push((
            exact(id, name),
            json!({"id": id, "label": name, "source": "users", "mentionId": id}),
        ));
    }
    users.sort_by_key(|(exact, _)| !exact);
    let mut list: Vec<Value> = users.into_iter().map(|(_, v)| v).collect();
    for guest in room.participants.iter().filter(|p| p.actor_type == ActorType::Guests) {
        let label = if guest.display_name.is_empty() {
            "Guest"
        } else {
            &guest.display_name
        };
        if guest.actor_id == me.actor_id || !matches(&guest.actor_id, label) {
            continue;
        }
        let id = format!("guest/{}", guest.actor_id);
        list.push(json!({"id": id, "label": label, "source": "guests", "mentionId": id}));
    }
    let name = room.room.name.to_lowercase();
    let offers_all =
        search.is_empty() || name.contains(search) || "all".starts_with(search) || "here".starts_with(search);
    if room.room.room_type != RoomType::OneToOne && offers_all {
        let members = room.members().filter(|p| p.actor_type == ActorType::Users).count();
        let noun = if members == 1 { "participant" } else { "participants" };
        list.push(
            json!({"id": "all", "label": room.room.name, "details": format!("All {members} {noun}"),
                         "source": "calls", "mentionId": "all"}),
        );
    }
    list
}

/// `X-Chat-Last-Given`.
fn last_given(id: i64) -> (HeaderName, HeaderValue) {
    (LAST_GIVEN, HeaderValue::from(id))
}
