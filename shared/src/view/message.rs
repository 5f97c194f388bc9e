//! The message object, worded for the participant who reads it: v1's `lastMessage` (spec §9),
//! v4's `lastMessage` and the chat API's messages (chat §7), one renderer for all three shapes.
//! Mentions are rendered at read time (chat §5.2); system texts follow spec §9 and chat §8.

use serde_json::{Map, Value, json};

use crate::model::mentions::{MentionKind, find_mentions};
use crate::model::{
    ActorType, Comment, Content, Message, MessageUser, Participant, Reaction, RoomAggregate, RoomType, SystemEvent,
};

/// Who reads a message: "You …" when the reader is the actor, "… you" when it is about them.
#[derive(Debug, Clone, Copy)]
pub struct Reader<'a> {
    pub actor_type: ActorType,
    pub actor_id: &'a str,
}

impl<'a> Reader<'a> {
    /// The reader a participant is.
    pub fn of(participant: &'a Participant) -> Self {
        Self {
            actor_type: participant.actor_type,
            actor_id: &participant.actor_id,
        }
    }

    fn is(&self, actor_type: ActorType, id: &str) -> bool {
        self.actor_type == actor_type && self.actor_id == id
    }

    fn is_user_param(&self, user: &MessageUser) -> bool {
        match user.kind.as_str() {
            "user" => self.is(ActorType::Users, &user.id),
            "guest" => self.is(ActorType::Guests, user.id.strip_prefix("guest/").unwrap_or(&user.id)),
            _ => false,
        }
    }
}

/// Which message object to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// v1's `lastMessage` (spec §9): eleven keys.
    V1,
    /// v4's `lastMessage`: chat §7 without `parent` and `reactionsSelf`.
    LastMessage,
    /// A message of the chat API (chat §7), with `parent` and `reactionsSelf`.
    Chat,
}

/// The parent of a reply or of a message about a message: found, or gone (`{"id", "deleted"}`).
#[derive(Debug, Clone, Copy)]
pub enum Parent<'a> {
    Found(&'a Message),
    Missing(i64),
}

/// Everything a message's rendering depends on besides the message.
#[derive(Debug, Clone, Copy)]
pub struct MessageView<'a> {
    /// The room: its token, its name for `@all`, its participants' names for mentions.
    pub room: &'a RoomAggregate,
    pub reader: Reader<'a>,
    pub shape: Shape,
}

/// The message as `view` asks for it, with its parent when the shape carries one.
pub fn message_json(message: &Message, view: MessageView<'_>, parent: Option<Parent<'_>>) -> Value {
    let mut object = base(message, view);
    if view.shape == Shape::V1 {
        return Value::Object(object);
    }
    let comment = match &message.content {
        Content::Comment(comment) => Some(comment),
        _ => None,
    };
    object.insert(
        "referenceId".into(),
        json!(comment.map_or("", |c| c.reference_id.as_str())),
    );
    object.insert("reactions".into(), Value::Object(reaction_counts(message)));
    object.insert("expirationTimestamp".into(), json!(0));
    object.insert(
        "markdown".into(),
        json!(matches!(message.content, Content::Comment(_) | Content::Deleted(_))),
    );
    if let Some(edit) = comment.and_then(|c| c.last_edit.as_ref()) {
        object.insert("lastEditActorType".into(), json!(edit.actor_type.as_str()));
        object.insert("lastEditActorId".into(), json!(edit.actor_id));
        object.insert("lastEditActorDisplayName".into(), json!(edit.actor_display_name));
        object.insert("lastEditTimestamp".into(), json!(edit.timestamp));
    }
    if matches!(message.content, Content::Deleted(_)) {
        object.insert("deleted".into(), json!(true));
    }
    if comment.is_some_and(|c| c.silent) {
        object.insert("silent".into(), json!(true));
    }
    if view.shape == Shape::Chat {
        match parent {
            Some(Parent::Found(parent)) => {
                let mut parent_object = message_json(parent, view, None);
                if let Some(fields) = parent_object.as_object_mut() {
                    fields.shift_remove("parent");
                }
                object.insert("parent".into(), parent_object);
            }
            Some(Parent::Missing(id)) => {
                object.insert("parent".into(), json!({"id": id, "deleted": true}));
            }
            None => {}
        }
        let own: Vec<&str> = message
            .reactions
            .iter()
            .filter(|r| view.reader.is(r.actor_type, &r.actor_id))
            .map(|r| r.emoji.as_str())
            .collect();
        if !own.is_empty() {
            object.insert("reactionsSelf".into(), json!(own));
        }
    }
    Value::Object(object)
}

/// The eleven keys every shape starts with.
fn base(message: &Message, view: MessageView<'_>) -> Map<String, Value> {
    let (text, parameters, system_message, message_type, replyable) = match &message.content {
        Content::System(event) => {
            let (text, parameters) = system(message, event, view);
            (text, parameters, event.key(), "system", false)
        }
        Content::Comment(comment) => {
            let (text, parameters) = comment_text(comment, view);
            let replyable = matches!(message.actor_type, ActorType::Users | ActorType::Guests);
            (text, parameters, "", "comment", replyable)
        }
        Content::Deleted(deletion) => {
            let deleter = actor_parameter(
                deletion.actor_type,
                &deletion.actor_id,
                &deletion.actor_display_name,
                view.shape,
            );
            let text = if view.reader.is(deletion.actor_type, &deletion.actor_id) {
                "Message deleted by you"
            } else if deletion.actor_type == message.actor_type && deletion.actor_id == message.actor_id {
                "Message deleted by author"
            } else {
                "Message deleted by {actor}"
            };
            let mut parameters = Map::new();
            parameters.insert("actor".into(), deleter);
            (text.to_string(), parameters, "", "comment_deleted", false)
        }
        Content::Reaction { emoji, revoked: false } => (emoji.clone(), Map::new(), "reaction", "system", false),
        Content::Reaction { revoked: true, .. } => (
            "Reaction deleted by author".to_string(),
            Map::new(),
            "reaction_deleted",
            "system",
            false,
        ),
    };
    let mut object = Map::new();
    object.insert("id".into(), json!(message.id));
    object.insert("token".into(), json!(view.room.room.token.as_str()));
    object.insert("actorType".into(), json!(message.actor_type.as_str()));
    object.insert("actorId".into(), json!(message.actor_id));
    object.insert("actorDisplayName".into(), json!(message.actor_display_name));
    object.insert("timestamp".into(), json!(message.timestamp));
    object.insert("message".into(), json!(text));
    object.insert(
        "messageParameters".into(),
        if parameters.is_empty() {
            json!([])
        } else {
            Value::Object(parameters)
        },
    );
    object.insert("systemMessage".into(), json!(system_message));
    object.insert("messageType".into(), json!(message_type));
    object.insert("isReplyable".into(), json!(replyable));
    object
}

/// A user or guest as a rich-object parameter; v4 and chat add `mention-id`.
fn actor_parameter(actor_type: ActorType, id: &str, name: &str, shape: Shape) -> Value {
    let (kind, id) = match actor_type {
        ActorType::Users => ("user", id.to_string()),
        ActorType::Guests => ("guest", format!("guest/{id}")),
    };
    user_parameter(kind, &id, name, shape)
}

fn user_parameter(kind: &str, id: &str, name: &str, shape: Shape) -> Value {
    let mut parameter = Map::new();
    parameter.insert("type".into(), json!(kind));
    parameter.insert("id".into(), json!(id));
    parameter.insert("name".into(), json!(name));
    if shape != Shape::V1 && matches!(kind, "user" | "guest") {
        parameter.insert("mention-id".into(), json!(id));
    }
    Value::Object(parameter)
}

/// The text of a system message for the reader (spec §9, chat §8) and its parameters.
fn system(message: &Message, event: &SystemEvent, view: MessageView<'_>) -> (String, Map<String, Value>) {
    let reader = view.reader;
    let by_reader = reader.is(message.actor_type, &message.actor_id);
    let about_reader = event.user().is_some_and(|user| reader.is_user_param(user));
    let actor = if by_reader { "You" } else { "{actor}" };
    let user = if about_reader { "you" } else { "{user}" };
    let text = match event {
        SystemEvent::ConversationCreated => format!("{actor} created the conversation"),
        SystemEvent::ConversationRenamed { old, new } => {
            format!("{actor} renamed the conversation from \"{old}\" to \"{new}\"")
        }
        SystemEvent::GuestsAllowed => format!("{actor} allowed guests"),
        SystemEvent::GuestsDisallowed => format!("{actor} disallowed guests"),
        SystemEvent::ReadOnly => format!("{actor} locked the conversation"),
        SystemEvent::ReadOnlyOff => format!("{actor} unlocked the conversation"),
        SystemEvent::PasswordSet => format!("{actor} set a password"),
        SystemEvent::PasswordRemoved => format!("{actor} removed the password"),
        SystemEvent::UserAdded(_) => format!("{actor} added {user}"),
        SystemEvent::UserRemoved(removed) if removed.id == message.actor_id => {
            format!("{actor} left the conversation")
        }
        SystemEvent::UserRemoved(_) => format!("{actor} removed {user}"),
        SystemEvent::ModeratorPromoted(_) | SystemEvent::GuestModeratorPromoted(_) => {
            format!("{actor} promoted {user} to moderator")
        }
        SystemEvent::ModeratorDemoted(_) | SystemEvent::GuestModeratorDemoted(_) => {
            format!("{actor} demoted {user} from moderator")
        }
        SystemEvent::DescriptionSet { .. } => format!("{actor} set the description"),
        SystemEvent::DescriptionRemoved => format!("{actor} removed the description"),
        SystemEvent::GroupAdded(_) => format!("{actor} added group {{group}}"),
        SystemEvent::MessageDeleted => format!("{actor} deleted a message"),
        SystemEvent::MessageEdited => format!("{actor} edited a message"),
        SystemEvent::HistoryCleared => format!("{actor} cleared the history of the conversation"),
        SystemEvent::ReactionRevoked => format!("{actor} deleted a reaction"),
    };
    let mut parameters = Map::new();
    parameters.insert(
        "actor".into(),
        actor_parameter(
            message.actor_type,
            &message.actor_id,
            &message.actor_display_name,
            view.shape,
        ),
    );
    if let Some(about) = event.user() {
        let key = if about.kind == "group" { "group" } else { "user" };
        parameters.insert(
            key.into(),
            user_parameter(&about.kind, &about.id, &about.name, view.shape),
        );
    }
    (text, parameters)
}

/// A chat message's text with its mentions replaced by `{mention-<type><n>}` and their
/// parameters (chat §5.2). Mentions of nobody in the room stay text.
fn comment_text(comment: &Comment, view: MessageView<'_>) -> (String, Map<String, Value>) {
    let mut text = comment.text.clone();
    let mut parameters = Map::new();
    let (mut users, mut guests, mut groups, mut calls) = (0, 0, 0, 0);
    let room = view.room;
    for mention in find_mentions(&comment.text) {
        let parameter = match mention.kind {
            MentionKind::User if mention.id == "all" => {
                if !comment.can_mention_all {
                    continue;
                }
                calls += 1;
                let call_type = match room.room.room_type {
                    RoomType::OneToOne => "one2one",
                    RoomType::Public => "public",
                    _ => "group",
                };
                (
                    format!("mention-call{calls}"),
                    json!({"type": "call", "id": room.room.token.as_str(), "name": room.room.name,
                           "call-type": call_type, "icon-url": "", "mention-id": "all"}),
                )
            }
            MentionKind::User => {
                let Some(name) = user_name(room, &mention.id) else {
                    continue;
                };
                users += 1;
                (
                    format!("mention-user{users}"),
                    user_parameter("user", &mention.id, name, Shape::Chat),
                )
            }
            MentionKind::Guest => {
                let Some(guest) = room
                    .participants
                    .iter()
                    .find(|p| p.actor_type == ActorType::Guests && p.actor_id.eq_ignore_ascii_case(&mention.id))
                else {
                    continue;
                };
                guests += 1;
                let id = format!("guest/{}", guest.actor_id);
                let name = if guest.display_name.is_empty() {
                    "Guest"
                } else {
                    &guest.display_name
                };
                (
                    format!("mention-guest{guests}"),
                    user_parameter("guest", &id, name, Shape::Chat),
                )
            }
            MentionKind::Group => {
                if !room.room.groups.contains(&mention.id) {
                    continue;
                }
                groups += 1;
                (
                    format!("mention-user-group{groups}"),
                    json!({"type": "user-group", "id": mention.id, "name": mention.id,
                           "mention-id": format!("group/{}", mention.id)}),
                )
            }
            MentionKind::Other => continue,
        };
        let (key, value) = parameter;
        let placeholder = format!("{{{key}}}");
        text = text.replace(&format!("@\"{}\"", mention.written.trim_matches('"')), &placeholder);
        let plain = !mention.id.contains(' ') && mention.kind == MentionKind::User;
        if plain {
            text = text.replace(&format!("@{}", mention.id), &placeholder);
        }
        if text.contains(&placeholder) {
            parameters.insert(key, value);
        } else {
            // Written twice (`@bob` and `@"bob"`): the first replacement took both.
            match mention.kind {
                MentionKind::User if mention.id == "all" => calls -= 1,
                MentionKind::User => users -= 1,
                MentionKind::Guest => guests -= 1,
                _ => groups -= 1,
            }
        }
    }
    if let Some(rest) = text.strip_prefix("//") {
        text = format!("/{rest}");
    }
    (text, parameters)
}

/// The display name of a user of the room (or of the one-to-one pair), if known.
fn user_name<'a>(room: &'a RoomAggregate, id: &str) -> Option<&'a str> {
    room.participants
        .iter()
        .find(|p| p.actor_type == ActorType::Users && p.actor_id == id)
        .map(|p| p.display_name.as_str())
        .or_else(|| {
            room.room
                .pair
                .iter()
                .find(|u| u.id.as_str() == id)
                .map(|u| u.display_name.as_str())
        })
}

/// `reactions` (chat §12.5): emoji → count, most first, ties by code point, at most 20.
fn reaction_counts(message: &Message) -> Map<String, Value> {
    if matches!(message.content, Content::Deleted(_)) {
        return Map::new();
    }
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for Reaction { emoji, .. } in &message.reactions {
        match counts.iter_mut().find(|(e, _)| e == emoji) {
            Some((_, n)) => *n += 1,
            None => counts.push((emoji, 1)),
        }
    }
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    counts
        .into_iter()
        .take(20)
        .map(|(emoji, n)| (emoji.to_string(), json!(n)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::model::{ParticipantType, Room, RoomToken, User, UserId};

    fn user(id: &str, name: &str) -> User {
        User {
            id: UserId::parse(id).unwrap(),
            display_name: name.into(),
        }
    }

    fn room() -> RoomAggregate {
        RoomAggregate::new(
            Room::new(RoomToken::parse("abcdefgh").unwrap(), 1, RoomType::Group, "Team"),
            vec![
                Participant::user(&user("alice", "Alice"), ParticipantType::Owner),
                Participant::user(&user("bob", "Bob"), ParticipantType::User),
            ],
        )
    }

    fn view<'a>(room: &'a RoomAggregate, reader: &'a str, shape: Shape) -> MessageView<'a> {
        MessageView {
            room,
            reader: Reader {
                actor_type: ActorType::Users,
                actor_id: reader,
            },
            shape,
        }
    }

    fn comment(text: &str) -> Message {
        Message {
            content: Content::Comment(Comment {
                text: text.into(),
                reference_id: String::new(),
                silent: false,
                can_mention_all: true,
                last_edit: None,
            }),
            ..SystemEvent::ConversationCreated.by_user(&user("alice", "Alice"), 5, 100)
        }
    }

    #[test]
    fn the_actor_reads_you_and_others_read_the_placeholder() {
        let room = room();
        let message = SystemEvent::ConversationCreated.by_user(&user("alice", "Alice"), 1, 100);
        let own = message_json(&message, view(&room, "alice", Shape::V1), None);
        assert_eq!(own["message"], "You created the conversation");
        assert_eq!(
            own["messageParameters"]["actor"],
            json!({"type": "user", "id": "alice", "name": "Alice"})
        );
        assert_eq!(own.as_object().unwrap().len(), 11);
        let other = message_json(&message, view(&room, "bob", Shape::LastMessage), None);
        assert_eq!(other["message"], "{actor} created the conversation");
        assert_eq!(other["messageParameters"]["actor"]["mention-id"], "alice");
        assert_eq!(other["reactions"], json!({}));
    }

    #[test]
    fn the_added_user_reads_added_you() {
        let room = room();
        let alice = user("alice", "Alice");
        let message = SystemEvent::UserAdded(MessageUser::for_user(&user("bob", "Bob"))).by_user(&alice, 2, 100);
        assert_eq!(
            message_json(&message, view(&room, "alice", Shape::V1), None)["message"],
            "You added {user}"
        );
        assert_eq!(
            message_json(&message, view(&room, "bob", Shape::V1), None)["message"],
            "{actor} added you"
        );
    }

    #[test]
    fn mentions_become_parameters_in_the_spec_key_order() {
        let room = room();
        let object = message_json(&comment("hi @bob and @nobody"), view(&room, "bob", Shape::Chat), None);
        assert_eq!(object["message"], "hi {mention-user1} and @nobody");
        assert_eq!(
            serde_json::to_string(&object["messageParameters"]).unwrap(),
            r#"{"mention-user1":{"type":"user","id":"bob","name":"Bob","mention-id":"bob"}}"#
        );
        assert_eq!(object["messageType"], "comment");
        assert_eq!(object["isReplyable"], true);
        assert_eq!(object["markdown"], true);
        let plain = message_json(&comment("no mention"), view(&room, "bob", Shape::Chat), None);
        assert_eq!(plain["messageParameters"], json!([]));
        let all = message_json(&comment("@all look"), view(&room, "bob", Shape::Chat), None);
        assert_eq!(all["message"], "{mention-call1} look");
        assert_eq!(all["messageParameters"]["mention-call1"]["mention-id"], "all");
    }

    #[test]
    fn chat_keys_come_in_order_with_parent_and_own_reactions() {
        let room = room();
        let parent = comment("first");
        let mut reply = comment("second");
        reply.id = 6;
        reply.parent = Some(5);
        reply.reactions = vec![Reaction {
            actor_type: ActorType::Users,
            actor_id: "bob".into(),
            actor_display_name: "Bob".into(),
            emoji: "👍".into(),
            timestamp: 1,
            row: 7,
        }];
        let object = message_json(&reply, view(&room, "bob", Shape::Chat), Some(Parent::Found(&parent)));
        let keys: Vec<&str> = object.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "id",
                "token",
                "actorType",
                "actorId",
                "actorDisplayName",
                "timestamp",
                "message",
                "messageParameters",
                "systemMessage",
                "messageType",
                "isReplyable",
                "referenceId",
                "reactions",
                "expirationTimestamp",
                "markdown",
                "parent",
                "reactionsSelf"
            ]
        );
        assert_eq!(object["parent"]["message"], "first");
        assert_eq!(object["reactions"], json!({"👍": 1}));
        assert_eq!(object["reactionsSelf"], json!(["👍"]));
        let orphan = message_json(&reply, view(&room, "alice", Shape::Chat), Some(Parent::Missing(5)));
        assert_eq!(orphan["parent"], json!({"id": 5, "deleted": true}));
        assert!(orphan.get("reactionsSelf").is_none());
    }

    #[test]
    fn leading_double_slash_loses_one() {
        let room = room();
        let object = message_json(&comment("//not a command"), view(&room, "bob", Shape::Chat), None);
        assert_eq!(object["message"], "/not a command");
    }
}
