//! The message object (spec §9) of `lastMessage`, worded for the participant who reads it.

use serde::Serialize;
use serde_json::Value;

use crate::model::{ActorType, Content, Message, MessageUser, RoomToken, SystemEvent};

/// Who reads a message: "You …" when the reader is the actor, "… you" when it is about them.
#[derive(Debug, Clone, Copy)]
pub struct Reader<'a> {
    pub actor_type: ActorType,
    pub actor_id: &'a str,
}

impl Reader<'_> {
    fn is(&self, actor_type: ActorType, id: &str) -> bool {
        self.actor_type == actor_type && self.actor_id == id
    }

    fn is_user_param(&self, user: &MessageUser) -> bool {
        if user.kind == "group" {
            return false;
        }
        let actor_type = if user.kind == "guest" {
            ActorType::Guests
        } else {
            ActorType::Users
        };
        let id = user.id.strip_prefix("guest/").unwrap_or(&user.id);
        self.is(actor_type, id)
    }
}

/// The message object of spec §9.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageObject<'a> {
    id: i64,
    token: &'a str,
    actor_type: &'static str,
    actor_id: &'a str,
    actor_display_name: &'a str,
    timestamp: i64,
    message: String,
    message_parameters: Parameters<'a>,
    system_message: &'static str,
    message_type: &'static str,
    is_replyable: bool,
}

/// `messageParameters`: the actor, and the user or group an event is about.
#[derive(Debug, Serialize)]
struct Parameters<'a> {
    actor: Parameter<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    user: Option<Parameter<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    group: Option<Parameter<'a>>,
}

/// A rich-object parameter naming a user, guest or group.
#[derive(Debug, Serialize)]
struct Parameter<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
    id: std::borrow::Cow<'a, str>,
    name: &'a str,
    /// Users, in API v4 (chat §8): the id a mention of them uses.
    #[serde(rename = "mention-id", skip_serializing_if = "Option::is_none")]
    mention_id: Option<&'a str>,
}

/// The message object of chat §7 as v4 room objects carry it in `lastMessage` (without
/// `parent` and `reactionsSelf`): the v1 keys, then the chat API's.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageObjectV4<'a> {
    #[serde(flatten)]
    base: MessageObject<'a>,
    reference_id: &'static str,
    reactions: serde_json::Map<String, Value>,
    expiration_timestamp: i64,
    markdown: bool,
}

impl<'a> MessageObjectV4<'a> {
    /// The message as `reader` sees it.
    pub fn new(message: &'a Message, token: &'a RoomToken, reader: Reader<'_>) -> Self {
        let mut base = MessageObject::new(message, token, reader);
        for parameter in [
            Some(&mut base.message_parameters.actor),
            base.message_parameters.user.as_mut(),
        ]
        .into_iter()
        .flatten()
        {
            if parameter.kind == "user" {
                parameter.mention_id = Some(match &parameter.id {
                    std::borrow::Cow::Borrowed(id) => id,
                    std::borrow::Cow::Owned(_) => continue,
                });
            }
        }
        Self {
            base,
            reference_id: "",
            reactions: serde_json::Map::new(),
            expiration_timestamp: 0,
            markdown: false,
        }
    }
}

impl<'a> MessageObject<'a> {
    /// The message as `reader` sees it.
    pub fn new(message: &'a Message, token: &'a RoomToken, reader: Reader<'_>) -> Self {
        let Content::System(event) = &message.content;
        let actor = match message.actor_type {
            ActorType::Users => Parameter {
                kind: "user",
                id: message.actor_id.as_str().into(),
                name: &message.actor_display_name,
                mention_id: None,
            },
            ActorType::Guests => Parameter {
                kind: "guest",
                id: format!("guest/{}", message.actor_id).into(),
                name: &message.actor_display_name,
                mention_id: None,
            },
        };
        let about = event.user().map(|user| Parameter {
            kind: &user.kind,
            id: user.id.as_str().into(),
            name: &user.name,
            mention_id: None,
        });
        let (user, group) = match event {
            SystemEvent::GroupAdded(_) => (None, about),
            _ => (about, None),
        };
        Self {
            id: message.id,
            token: token.as_str(),
            actor_type: message.actor_type.as_str(),
            actor_id: &message.actor_id,
            actor_display_name: &message.actor_display_name,
            timestamp: message.timestamp,
            message: system_text(message, event, reader),
            message_parameters: Parameters { actor, user, group },
            system_message: event.key(),
            message_type: "system",
            is_replyable: false,
        }
    }
}

/// The text of a system message for `reader` (spec §9).
fn system_text(message: &Message, event: &SystemEvent, reader: Reader<'_>) -> String {
    let by_reader = reader.is(message.actor_type, &message.actor_id);
    let about_reader = event.user().is_some_and(|user| reader.is_user_param(user));
    let actor = if by_reader { "You" } else { "{actor}" };
    let user = if about_reader { "you" } else { "{user}" };
    match event {
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
    }
}

/// The message object of spec §9 for `reader`, as JSON.
pub fn message_object(message: &Message, token: &RoomToken, reader: Reader<'_>) -> Value {
    serde_json::to_value(MessageObject::new(message, token, reader)).expect("a message object is plain data")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    use crate::model::{User, UserId};

    fn user(id: &str, name: &str) -> User {
        User {
            id: UserId::parse(id).unwrap(),
            display_name: name.into(),
        }
    }

    fn reader(id: &str) -> Reader<'_> {
        Reader {
            actor_type: ActorType::Users,
            actor_id: id,
        }
    }

    #[test]
    fn the_actor_reads_you_and_others_read_the_placeholder() {
        let alice = user("alice", "Alice");
        let message = SystemEvent::ConversationCreated.by_user(&alice, 1, 100);
        let token = RoomToken::parse("abcdefgh").unwrap();
        let own = message_object(&message, &token, reader("alice"));
        assert_eq!(own["message"], "You created the conversation");
        assert_eq!(
            own["messageParameters"]["actor"],
            json!({"type": "user", "id": "alice", "name": "Alice"})
        );
        assert_eq!(own["systemMessage"], "conversation_created");
        assert_eq!(own["messageType"], "system");
        assert_eq!(own["isReplyable"], false);
        let other = message_object(&message, &token, reader("bob"));
        assert_eq!(other["message"], "{actor} created the conversation");
    }

    #[test]
    fn the_added_user_reads_added_you() {
        let alice = user("alice", "Alice");
        let bob = user("bob", "Bob");
        let message = SystemEvent::UserAdded(MessageUser::for_user(&bob)).by_user(&alice, 2, 100);
        let token = RoomToken::parse("abcdefgh").unwrap();
        assert_eq!(
            message_object(&message, &token, reader("alice"))["message"],
            "You added {user}"
        );
        assert_eq!(
            message_object(&message, &token, reader("bob"))["message"],
            "{actor} added you"
        );
        assert_eq!(
            message_object(&message, &token, reader("carol"))["message"],
            "{actor} added {user}"
        );
        assert_eq!(
            message_object(&message, &token, reader("carol"))["messageParameters"]["user"],
            json!({"type": "user", "id": "bob", "name": "Bob"})
        );
    }

    #[test]
    fn renames_and_leaving_are_worded_as_the_spec_says() {
        let alice = user("alice", "Alice");
        let token = RoomToken::parse("abcdefgh").unwrap();
        let renamed = SystemEvent::ConversationRenamed {
            old: "a".into(),
            new: "b".into(),
        }
        .by_user(&alice, 3, 1);
        assert_eq!(
            message_object(&renamed, &token, reader("x"))["message"],
            "{actor} renamed the conversation from \"a\" to \"b\""
        );
        let left = SystemEvent::UserRemoved(MessageUser::for_user(&alice)).by_user(&alice, 4, 1);
        assert_eq!(
            message_object(&left, &token, reader("alice"))["message"],
            "You left the conversation"
        );
        assert_eq!(
            message_object(&left, &token, reader("bob"))["message"],
            "{actor} left the conversation"
        );
    }
}
