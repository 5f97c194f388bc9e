//! System messages (spec §9): the events a room records, turned into stored [`Message`]s.

use super::{ActorType, Message, MessageUser, Participant, User};

/// Something that happened in a room and is recorded as a system message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SystemEvent {
    ConversationCreated,
    ConversationRenamed { old: String, new: String },
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
        let key = self.key().to_string();
        let (user, old_name, new_name) = match self {
            Self::ConversationRenamed { old, new } => (None, Some(old), Some(new)),
            Self::UserAdded(user)
            | Self::UserRemoved(user)
            | Self::ModeratorPromoted(user)
            | Self::ModeratorDemoted(user)
            | Self::GuestModeratorPromoted(user)
            | Self::GuestModeratorDemoted(user) => (Some(user), None, None),
            _ => (None, None, None),
        };
        Message {
            id,
            actor_type,
            actor_id: actor_id.to_string(),
            actor_display_name: actor_name.to_string(),
            timestamp,
            system_message: key,
            user,
            old_name,
            new_name,
        }
    }
}

impl MessageUser {
    /// The `{user}` parameter for a user account.
    pub fn for_user(user: &User) -> Self {
        Self {
            kind: "user".to_string(),
            id: user.id.to_string(),
            name: user.display_name.clone(),
        }
    }
}
