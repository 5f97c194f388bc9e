//! The `lastMessage` object (spec §9), worded for the participant who reads it.

use serde_json::{Map, Value, json};

use crate::domain::{ActorType, Message, MessageUser, RoomToken};

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
        let actor_type = if user.kind == "guest" {
            ActorType::Guests
        } else {
            ActorType::Users
        };
        let id = user.id.strip_prefix("guest/").unwrap_or(&user.id);
        self.is(actor_type, id)
    }
}

fn text(message: &Message, reader: Reader<'_>) -> String {
    let by_reader = reader.is(message.actor_type, &message.actor_id);
    let about_reader = message.user.as_ref().is_some_and(|user| reader.is_user_param(user));
    let actor = if by_reader { "You" } else { "{actor}" };
    let user = if about_reader { "you" } else { "{user}" };
    match message.system_message.as_str() {
        "conversation_created" => format!("{actor} created the conversation"),
        "conversation_renamed" => format!(
            "{actor} renamed the conversation from \"{}\" to \"{}\"",
            message.old_name.as_deref().unwrap_or(""),
            message.new_name.as_deref().unwrap_or("")
        ),
        "guests_allowed" => format!("{actor} allowed guests"),
        "guests_disallowed" => format!("{actor} disallowed guests"),
        "read_only" => format!("{actor} locked the conversation"),
        "read_only_off" => format!("{actor} unlocked the conversation"),
        "password_set" => format!("{actor} set a password"),
        "password_removed" => format!("{actor} removed the password"),
        "user_added" => format!("{actor} added {user}"),
        "user_removed" if message.user.as_ref().is_some_and(|u| u.id == message.actor_id) => {
            format!("{actor} left the conversation")
        }
        "user_removed" => format!("{actor} removed {user}"),
        "moderator_promoted" | "guest_moderator_promoted" => {
            format!("{actor} promoted {user} to moderator")
        }
        "moderator_demoted" | "guest_moderator_demoted" => {
            format!("{actor} demoted {user} from moderator")
        }
        other => other.to_string(),
    }
}

fn actor_parameter(message: &Message) -> Value {
    match message.actor_type {
        ActorType::Users => {
            json!({"type": "user", "id": message.actor_id, "name": message.actor_display_name})
        }
        ActorType::Guests => {
            json!({"type": "guest", "id": format!("guest/{}", message.actor_id), "name": message.actor_display_name})
        }
    }
}

/// The message object of spec §9 for `reader`.
pub fn message_object(message: &Message, token: &RoomToken, reader: Reader<'_>) -> Value {
    let mut parameters = Map::new();
    parameters.insert("actor".into(), actor_parameter(message));
    if let Some(user) = &message.user {
        parameters.insert(
            "user".into(),
            json!({"type": user.kind, "id": user.id, "name": user.name}),
        );
    }
    json!({
        "id": message.id,
        "token": token.as_str(),
        "actorType": message.actor_type.as_str(),
        "actorId": message.actor_id,
        "actorDisplayName": message.actor_display_name,
        "timestamp": message.timestamp,
        "message": text(message, reader),
        "messageParameters": Value::Object(parameters),
        "systemMessage": message.system_message,
        "messageType": "system",
        "isReplyable": false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{SystemEvent, User, UserId};

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
