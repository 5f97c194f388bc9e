//! What a message says ([`Content`]): system messages (spec §9), the events a room records;
//! chat comments come next. How a message is stored is [`MessageRecord`], the flat shape of
//! the table's items.

use serde::{Deserialize, Serialize};

use super::{ActorType, Message, MessageUser, Participant, User};

/// What a message is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    /// A system message recording an event.
    System(SystemEvent),
}

/// Something that happened in a room and is recorded as a system message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SystemEvent {
    ConversationCreated,
    ConversationRenamed {
        old: String,
        new: String,
    },
    GuestsAllowed,
    GuestsDisallowed,
    ReadOnly,
    ReadOnlyOff,
    PasswordSet,
    PasswordRemoved,
    UserAdded(MessageUser),
    UserRemoved(MessageUser),
    ModeratorPromoted(MessageUser),
    ModeratorDemoted(MessageUser),
    GuestModeratorPromoted(MessageUser),
    GuestModeratorDemoted(MessageUser),
    /// v4 §6.6: the description was set to a non-empty text.
    DescriptionSet {
        description: String,
    },
    DescriptionRemoved,
    /// v4 §6.2, §7.2: a group was invited; its parameter has `type: group`.
    GroupAdded(MessageUser),
}

impl SystemEvent {
    /// The `systemMessage` key.
    pub fn key(&self) -> &'static str {
        match self {
            Self::ConversationCreated => "conversation_created",
            Self::ConversationRenamed { .. } => "conversation_renamed",
            Self::GuestsAllowed => "guests_allowed",
            Self::GuestsDisallowed => "guests_disallowed",
            Self::ReadOnly => "read_only",
            Self::ReadOnlyOff => "read_only_off",
            Self::PasswordSet => "password_set",
            Self::PasswordRemoved => "password_removed",
            Self::UserAdded(_) => "user_added",
            Self::UserRemoved(_) => "user_removed",
            Self::ModeratorPromoted(_) => "moderator_promoted",
            Self::ModeratorDemoted(_) => "moderator_demoted",
            Self::GuestModeratorPromoted(_) => "guest_moderator_promoted",
            Self::GuestModeratorDemoted(_) => "guest_moderator_demoted",
            Self::DescriptionSet { .. } => "description_set",
            Self::DescriptionRemoved => "description_removed",
            Self::GroupAdded(_) => "group_added",
        }
    }

    /// The message recording this event, posted by a user at `timestamp` with id `id`.
    pub fn by_user(self, actor: &User, id: i64, timestamp: i64) -> Message {
        self.message(ActorType::Users, actor.id.as_str(), &actor.display_name, id, timestamp)
    }

    /// The message recording this event, posted by a participant (user or guest).
    pub fn by_participant(self, actor: &Participant, id: i64, timestamp: i64) -> Message {
        self.message(actor.actor_type, &actor.actor_id, &actor.display_name, id, timestamp)
    }

    fn message(self, actor_type: ActorType, actor_id: &str, actor_name: &str, id: i64, timestamp: i64) -> Message {
        Message {
            id,
            actor_type,
            actor_id: actor_id.to_string(),
            actor_display_name: actor_name.to_string(),
            timestamp,
            content: Content::System(self),
        }
    }

    /// The `{user}` parameter, for events about another participant.
    pub fn user(&self) -> Option<&MessageUser> {
        match self {
            Self::UserAdded(user)
            | Self::UserRemoved(user)
            | Self::ModeratorPromoted(user)
            | Self::ModeratorDemoted(user)
            | Self::GuestModeratorPromoted(user)
            | Self::GuestModeratorDemoted(user)
            | Self::GroupAdded(user) => Some(user),
            _ => None,
        }
    }

    /// The event a stored key and its parameters name; `None` for an unknown key or missing
    /// parameters.
    fn from_stored(key: &str, user: Option<MessageUser>, old: Option<String>, new: Option<String>) -> Option<Self> {
        let with_user = |event: fn(MessageUser) -> Self| user.clone().map(event);
        Some(match key {
            "conversation_created" => Self::ConversationCreated,
            "conversation_renamed" => Self::ConversationRenamed { old: old?, new: new? },
            "guests_allowed" => Self::GuestsAllowed,
            "guests_disallowed" => Self::GuestsDisallowed,
            "read_only" => Self::ReadOnly,
            "read_only_off" => Self::ReadOnlyOff,
            "password_set" => Self::PasswordSet,
            "password_removed" => Self::PasswordRemoved,
            "user_added" => with_user(Self::UserAdded)?,
            "user_removed" => with_user(Self::UserRemoved)?,
            "moderator_promoted" => with_user(Self::ModeratorPromoted)?,
            "moderator_demoted" => with_user(Self::ModeratorDemoted)?,
            "guest_moderator_promoted" => with_user(Self::GuestModeratorPromoted)?,
            "guest_moderator_demoted" => with_user(Self::GuestModeratorDemoted)?,
            "description_set" => Self::DescriptionSet { description: new? },
            "description_removed" => Self::DescriptionRemoved,
            "group_added" => with_user(Self::GroupAdded)?,
            _ => return None,
        })
    }
}

/// A message as the table stores it (and as a room item embeds its newest): flat attributes,
/// the system message by its key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageRecord {
    id: i64,
    actor_type: ActorType,
    actor_id: String,
    actor_display_name: String,
    timestamp: i64,
    /// The system message key, e.g. `conversation_created`.
    system_message: String,
    /// The `{user}` parameter, for messages about another participant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    user: Option<MessageUser>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    old_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    new_name: Option<String>,
}

impl From<Message> for MessageRecord {
    fn from(message: Message) -> Self {
        let Content::System(event) = message.content;
        let user = event.user().cloned();
        let (old_name, new_name) = match &event {
            SystemEvent::ConversationRenamed { old, new } => (Some(old.clone()), Some(new.clone())),
            SystemEvent::DescriptionSet { description } => (None, Some(description.clone())),
            _ => (None, None),
        };
        Self {
            id: message.id,
            actor_type: message.actor_type,
            actor_id: message.actor_id,
            actor_display_name: message.actor_display_name,
            timestamp: message.timestamp,
            system_message: event.key().to_string(),
            user,
            old_name,
            new_name,
        }
    }
}

impl TryFrom<MessageRecord> for Message {
    type Error = String;

    fn try_from(record: MessageRecord) -> Result<Self, String> {
        let key = record.system_message;
        let event = SystemEvent::from_stored(&key, record.user, record.old_name, record.new_name)
            .ok_or_else(|| format!("unknown system message {key:?} or its parameters missing"))?;
        Ok(Self {
            id: record.id,
            actor_type: record.actor_type,
            actor_id: record.actor_id,
            actor_display_name: record.actor_display_name,
            timestamp: record.timestamp,
            content: Content::System(event),
        })
    }
}

impl MessageUser {
    /// The `{group}` parameter of `group_added`.
    pub fn for_group(group: &str) -> Self {
        Self {
            kind: "group".to_string(),
            id: group.to_string(),
            name: group.to_string(),
        }
    }

    /// The `{user}` parameter for a user account.
    pub fn for_user(user: &User) -> Self {
        Self {
            kind: "user".to_string(),
            id: user.id.to_string(),
            name: user.display_name.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::UserId;

    #[test]
    fn every_event_survives_its_stored_shape() {
        let alice = User {
            id: UserId::parse("alice").unwrap(),
            display_name: "Alice".into(),
        };
        let bob = MessageUser::for_user(&alice);
        let events = [
            SystemEvent::ConversationCreated,
            SystemEvent::ConversationRenamed {
                old: "a".into(),
                new: "b".into(),
            },
            SystemEvent::GuestsAllowed,
            SystemEvent::GuestsDisallowed,
            SystemEvent::ReadOnly,
            SystemEvent::ReadOnlyOff,
            SystemEvent::PasswordSet,
            SystemEvent::PasswordRemoved,
            SystemEvent::UserAdded(bob.clone()),
            SystemEvent::UserRemoved(bob.clone()),
            SystemEvent::ModeratorPromoted(bob.clone()),
            SystemEvent::ModeratorDemoted(bob.clone()),
            SystemEvent::GuestModeratorPromoted(bob.clone()),
            SystemEvent::GuestModeratorDemoted(bob.clone()),
            SystemEvent::DescriptionSet {
                description: "d".into(),
            },
            SystemEvent::DescriptionRemoved,
            SystemEvent::GroupAdded(MessageUser::for_group("admins")),
            SystemEvent::UserAdded(bob),
        ];
        for event in events {
            let message = event.clone().by_user(&alice, 3, 100);
            let record = MessageRecord::from(message.clone());
            assert_eq!(record.system_message, event.key());
            assert_eq!(Message::try_from(record), Ok(message));
        }
    }

    #[test]
    fn unknown_keys_and_missing_parameters_are_refused() {
        let alice = User {
            id: UserId::parse("alice").unwrap(),
            display_name: "Alice".into(),
        };
        let mut record = MessageRecord::from(SystemEvent::ConversationCreated.by_user(&alice, 1, 1));
        record.system_message = "user_added".into();
        assert!(Message::try_from(record.clone()).is_err());
        record.system_message = "no_such_event".into();
        assert!(Message::try_from(record).is_err());
    }
}
