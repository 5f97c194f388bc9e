//! What a message says ([`Content`]): system messages (spec §9, chat §8), the events a room
//! records; chat comments (chat §4.2), deleted comments (§4.3) and reaction rows (§12.4). How a
//! message is stored is [`MessageRecord`], the flat shape of the table's items.

use serde::{Deserialize, Serialize};

use super::{ActorType, Message, MessageUser, Participant, User};

/// What a message is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    /// A system message recording an event.
    System(SystemEvent),
    /// A chat message (verb `comment`).
    Comment(Comment),
    /// A chat message deleted by its author or a moderator (verb `comment_deleted`).
    Deleted(Deletion),
    /// A reaction to the parent message (verb `reaction`), live or (`revoked`) withdrawn
    /// (verb `reaction_deleted`).
    Reaction { emoji: String, revoked: bool },
}

impl Content {
    /// Whether the message counts as unread (chat §5.4): chat messages only.
    pub fn is_comment(&self) -> bool {
        matches!(self, Self::Comment(_))
    }
}

/// A chat message's own data (chat §4.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Comment {
    /// The text as sent, trimmed; mentions are rendered at read time (chat §5.2).
    pub text: String,
    /// The client's reference id, at most 64 characters; empty when none.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reference_id: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub silent: bool,
    /// Whether `@all` in it mentions everyone (the sender could, chat §4.2 step 6).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub can_mention_all: bool,
    /// The last edit (chat §4.4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_edit: Option<LastEdit>,
}

/// Who edited a message last, and when (chat §4.4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LastEdit {
    pub actor_type: ActorType,
    pub actor_id: String,
    pub actor_display_name: String,
    pub timestamp: i64,
}

/// Who deleted a chat message, and when (chat §4.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Deletion {
    pub actor_type: ActorType,
    pub actor_id: String,
    pub actor_display_name: String,
    pub timestamp: i64,
}

/// One live reaction on a message (chat §12.4), kept on the reacted message's item so that
/// `reactions` and `reactionsSelf` need no other read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Reaction {
    pub actor_type: ActorType,
    pub actor_id: String,
    pub actor_display_name: String,
    pub emoji: String,
    pub timestamp: i64,
    /// The id of the reaction's own row (verb `reaction`).
    #[serde(default)]
    pub row: i64,
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
    /// chat §4.3: its parent is the deleted message.
    MessageDeleted,
    /// chat §4.4: its parent is the edited message.
    MessageEdited,
    /// chat §4.8.
    HistoryCleared,
    /// chat §12.4: its parent is the message the reaction was on.
    ReactionRevoked,
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
            Self::MessageDeleted => "message_deleted",
            Self::MessageEdited => "message_edited",
            Self::HistoryCleared => "history_cleared",
            Self::ReactionRevoked => "reaction_revoked",
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
            parent: None,
            reactions: Vec::new(),
            comment_seq: 0,
            rev: 0,
        }
    }

    /// Whether the message becomes the room's `lastMessage` and moves `lastActivity` (chat
    /// §8): every system message but those about another message.
    pub fn updates_last_message(&self) -> bool {
        !matches!(self, Self::MessageDeleted | Self::MessageEdited | Self::ReactionRevoked)
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
            "message_deleted" => Self::MessageDeleted,
            "message_edited" => Self::MessageEdited,
            "history_cleared" => Self::HistoryCleared,
            "reaction_revoked" => Self::ReactionRevoked,
            _ => return None,
        })
    }
}

/// A message as the table stores it (and as a room item embeds its newest): flat attributes,
/// what it is by its verb, a system message by its key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageRecord {
    id: i64,
    actor_type: ActorType,
    actor_id: String,
    actor_display_name: String,
    timestamp: i64,
    /// `system` (also when absent: rows written before chat), `comment`, `comment_deleted`,
    /// `reaction`, `reaction_deleted`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    verb: Option<String>,
    /// The system message key, e.g. `conversation_created`; empty for other verbs.
    #[serde(default)]
    system_message: String,
    /// A comment's own data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    comment: Option<Comment>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    deletion: Option<Deletion>,
    /// A reaction row's emoji.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    emoji: Option<String>,
    /// The message replied to, deleted, edited or reacted to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    parent: Option<i64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    reactions: Vec<Reaction>,
    #[serde(default)]
    comment_seq: i64,
    /// How often the message was rewritten (edited, deleted, reacted to): a rewrite is
    /// conditional on it, so one decided on an older state does not land.
    #[serde(default, skip_serializing_if = "is_zero")]
    rev: i64,
    /// The `{user}` parameter, for messages about another participant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    user: Option<MessageUser>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    old_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    new_name: Option<String>,
}

fn is_zero(value: &i64) -> bool {
    *value == 0
}

impl From<Message> for MessageRecord {
    fn from(message: Message) -> Self {
        let mut record = Self {
            id: message.id,
            actor_type: message.actor_type,
            actor_id: message.actor_id,
            actor_display_name: message.actor_display_name,
            timestamp: message.timestamp,
            verb: None,
            system_message: String::new(),
            comment: None,
            deletion: None,
            emoji: None,
            parent: message.parent,
            reactions: message.reactions,
            comment_seq: message.comment_seq,
            rev: message.rev,
            user: None,
            old_name: None,
            new_name: None,
        };
        match message.content {
            Content::System(event) => {
                record.user = event.user().cloned();
                (record.old_name, record.new_name) = match &event {
                    SystemEvent::ConversationRenamed { old, new } => (Some(old.clone()), Some(new.clone())),
                    SystemEvent::DescriptionSet { description } => (None, Some(description.clone())),
                    _ => (None, None),
                };
                record.system_message = event.key().to_string();
            }
            Content::Comment(comment) => {
                record.verb = Some("comment".into());
                record.comment = Some(comment);
            }
            Content::Deleted(deletion) => {
                record.verb = Some("comment_deleted".into());
                record.deletion = Some(deletion);
            }
            Content::Reaction { emoji, revoked } => {
                record.verb = Some(if revoked { "reaction_deleted" } else { "reaction" }.into());
                record.emoji = Some(emoji);
            }
        }
        record
    }
}

impl TryFrom<MessageRecord> for Message {
    type Error = String;

    fn try_from(record: MessageRecord) -> Result<Self, String> {
        let missing = |what: &str| format!("a {what} message without its data");
        let content = match record.verb.as_deref().unwrap_or("system") {
            "system" => {
                let key = record.system_message;
                Content::System(
                    SystemEvent::from_stored(&key, record.user, record.old_name, record.new_name)
                        .ok_or_else(|| format!("unknown system message {key:?} or its parameters missing"))?,
                )
            }
            "comment" => Content::Comment(record.comment.ok_or_else(|| missing("comment"))?),
            "comment_deleted" => Content::Deleted(record.deletion.ok_or_else(|| missing("deleted"))?),
            verb @ ("reaction" | "reaction_deleted") => Content::Reaction {
                emoji: record.emoji.ok_or_else(|| missing("reaction"))?,
                revoked: verb == "reaction_deleted",
            },
            other => return Err(format!("unknown verb {other:?}")),
        };
        Ok(Self {
            id: record.id,
            actor_type: record.actor_type,
            actor_id: record.actor_id,
            actor_display_name: record.actor_display_name,
            timestamp: record.timestamp,
            content,
            parent: record.parent,
            reactions: record.reactions,
            comment_seq: record.comment_seq,
            rev: record.rev,
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
