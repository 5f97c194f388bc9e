//! Reactions (chat §12): add, withdraw and list the reactions on a chat message. The reacted
//! message is read with the room; its item carries the live reactions.

use serde_json::{Map, Value, json};
use talk::domain::access::{self, Need};
use talk::domain::chat;
use talk::domain::{Content, DomainError, Message, RoomAggregate, RoomToken};
use talk::routing::Call;
use talk::{Failure, Reply};

use crate::{change_about_message, room_and_message};

/// chat §12.2: emoji → who reacted with it (`{}` when none).
fn reaction_map(message: &Message, room: &RoomAggregate, only: Option<&str>) -> Value {
    let mut map = Map::new();
    for reaction in message.reactions.iter().filter(|r| only.is_none_or(|e| e == r.emoji)) {
        let name = room
            .participants
            .iter()
            .find(|p| p.actor_type == reaction.actor_type && p.actor_id == reaction.actor_id)
            .map_or(reaction.actor_display_name.as_str(), |p| p.display_name.as_str());
        let entry = json!({"actorType": reaction.actor_type.as_str(), "actorId": reaction.actor_id,
                           "actorDisplayName": name, "timestamp": reaction.timestamp});
        match map.get_mut(&reaction.emoji) {
            Some(Value::Array(list)) => list.push(entry),
            _ => {
                map.insert(reaction.emoji.clone(), json!([entry]));
            }
        }
    }
    Value::Object(map)
}

/// The reacted message: a chat message of this room, else 404 (chat §12.1).
fn target(message: Option<Message>) -> Result<Message, DomainError> {
    message
        .filter(|m| matches!(m.content, Content::Comment(_)))
        .ok_or(DomainError::NotFound)
}

/// chat §12.1 POST (201; 200 when the caller had this reaction already) and DELETE (200).
async fn change(call: Call<'_>, token: &RoomToken, add: bool) -> Result<Reply, Failure> {
    let (app, message_id) = (call.app, call.message_id);
    let emoji = call.request.params().and_then(|p| p.required_string("reaction"));
    let changed = change_about_message(call, token, emoji, |room, me, emoji, message| {
        chat::may_post(room, me)?;
        match (message, add) {
            (Some(message), true) => chat::react(room, me, message, emoji),
            (None, true) => Err(DomainError::NotFound),
            (_, false) => chat::unreact(room, me, &target(message.cloned())?, emoji),
        }
    })
    .await?;
    let room = changed.room.as_ref().ok_or(DomainError::NotFound)?;
    // Unchanged (the caller had this reaction already): the message as it is now.
    let reacted = match changed.rewritten.iter().find(|m| Some(m.id) == message_id) {
        Some(message) => message.clone(),
        None => target(app.store.message(token, message_id.unwrap_or(0)).await?)?,
    };
    let map = reaction_map(&reacted, room, None);
    Ok(if add && changed.posted.is_some() {
        Reply::created(map)
    } else {
        Reply::ok(map)
    })
}

/// chat §12.1 POST: react.
pub async fn react(call: Call<'_>, token: &RoomToken) -> Result<Reply, Failure> {
    change(call, token, true).await
}

/// chat §12.1 DELETE: withdraw one's own reaction.
pub async fn unreact(call: Call<'_>, token: &RoomToken) -> Result<Reply, Failure> {
    change(call, token, false).await
}

/// chat §12.1 GET: the reactions, or those with one emoji (read-only rooms and participants
/// without the chat permission too).
pub async fn list(
    Call {
        app,
        request,
        message_id,
        ..
    }: Call<'_>,
    token: &RoomToken,
) -> Result<Reply, Failure> {
    let only = request.params().and_then(|p| p.string("reaction"));
    let (caller, room, message) = room_and_message(app, request, token, message_id).await?;
    let (room, me) = access::authorize(room.as_ref(), &caller, Need::Participant)?;
    chat::may_read(room, me)?;
    let message = target(message)?;
    let only = only?.filter(|e| !e.is_empty() && e != "0");
    Ok(Reply::ok(reaction_map(&message, room, only.as_deref())))
}
