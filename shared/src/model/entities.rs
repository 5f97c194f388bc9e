//! The stored model: rooms, participants, messages and users, as the store keeps them and the
//! view reads them. Field names are the item attribute names (camelCase).

use serde::{Deserialize, Serialize};

use super::messages::MessageRecord;
use super::{ActorType, Content, NotificationLevel, ParticipantType, RoomToken, RoomType, UserId};

/// A user account of this server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub id: UserId,
    pub display_name: String,
}

/// A conversation's own state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Room {
    pub token: RoomToken,
    pub id: i64,
    #[serde(rename = "type")]
    pub room_type: RoomType,
    /// The stored name; empty for one-to-one rooms (spec §6.2).
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_hash: Option<String>,
    #[serde(default)]
    pub read_only: i64,
    #[serde(default)]
    pub lobby_state: i64,
    #[serde(default)]
    pub lobby_timer: i64,
    #[serde(default)]
    pub has_call: bool,
    /// Unix seconds of the newest message, 0 if none (spec §8.1).
    #[serde(default)]
    pub last_activity: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_message: Option<Message>,
    /// The id of the newest message; the next message gets the next id.
    #[serde(default)]
    pub last_message_id: i64,
    /// Bumped by every change, for optimistic concurrency.
    #[serde(default)]
    pub version: i64,
    /// Counts the password changes: a guest who joined under an older one enters the
    /// password again to rejoin.
    #[serde(default)]
    pub password_version: i64,
    /// One-to-one rooms: both users, kept so the room can still be named if one leaves.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pair: Vec<User>,
    /// One-to-one rooms: ids of the pair whose account was deleted. The pair's lock is gone
    /// with the first of them, so a new account of the same id gets a new room.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deleted_users: Vec<UserId>,
    /// v4 §6.6: at most 2000 characters; empty when unset.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// How many chat messages were ever posted in the room (chat §5.4).
    #[serde(default)]
    pub comment_count: i64,
    /// The `commentSeq` of the most recently deleted chat messages (at most
    /// [`MAX_DELETED_COMMENTS`]): they no longer count as unread (chat §4.3).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deleted_comments: Vec<i64>,
    /// v4 §7.8: the room's default permissions, 0 when unset.
    #[serde(default)]
    pub default_permissions: i64,
    /// v4 §6.2, §7.2: groups invited as attendees (`actorType: groups`); their members are
    /// participants of their own.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<String>,
}

impl Room {
    /// A room with nothing but its identity: no password, read-write, no lobby, no call, no
    /// messages, version 1.
    pub fn new(token: RoomToken, id: i64, room_type: RoomType, name: impl Into<String>) -> Self {
        Self {
            token,
            id,
            room_type,
            name: name.into(),
            password_hash: None,
            read_only: 0,
            lobby_state: 0,
            lobby_timer: 0,
            has_call: false,
            last_activity: 0,
            last_message: None,
            last_message_id: 0,
            version: 1,
            password_version: 0,
            pair: Vec::new(),
            deleted_users: Vec::new(),
            description: String::new(),
            comment_count: 0,
            deleted_comments: Vec::new(),
            default_permissions: 0,
            groups: Vec::new(),
        }
    }

    /// Records `message` as the room's newest: its id is taken; a chat message or a system
    /// message about the room becomes `lastMessage` and moves `lastActivity` (chat §8).
    pub fn record(&mut self, message: &Message) {
        self.last_message_id = self.last_message_id.max(message.id);
        let shown = match &message.content {
            Content::System(event) => event.updates_last_message(),
            Content::Comment(_) => true,
            Content::Deleted(_) | Content::Reaction { .. } => false,
        };
        if shown {
            self.last_activity = message.timestamp;
            self.last_message = Some(message.clone());
        }
        self.comment_count = self.comment_count.max(message.comment_seq);
    }

    /// Posts `message`: counts it if it is a chat message (its `comment_seq`), then records it.
    pub fn post(&mut self, message: &mut Message) {
        message.comment_seq = self.comment_count + i64::from(message.content.is_comment());
        self.record(message);
    }

    /// The id of the room's next message (v4 §13.7): room ids own blocks of 2^28 message ids
    /// (room id × 2^28 + sequence), so ids are unique across rooms and increase within one
    /// with no counter but the room item's `lastMessageId`, and stay below 2^53 for the first
    /// 2^25 rooms. Rooms whose messages were numbered from 1 continue in their block.
    pub fn next_message_id(&self) -> i64 {
        let base = if self.id > 0 && self.id < 1 << (53 - MESSAGE_ID_BITS) {
            self.id << MESSAGE_ID_BITS
        } else {
            0
        };
        if self.last_message_id >= base {
            self.last_message_id + 1
        } else {
            base + self.last_message_id + 1
        }
    }
}

/// One participant row of a room: a user or a guest session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Participant {
    pub actor_type: ActorType,
    /// The user id, or the hash of a guest's session secret.
    pub actor_id: String,
    pub display_name: String,
    pub participant_type: ParticipantType,
    /// Guests: the hash of their session cookie's secret, which keys their row.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guest_key: Option<String>,
    #[serde(default)]
    pub favorite: bool,
    #[serde(default)]
    pub notification_level: NotificationLevel,
    #[serde(default)]
    pub last_read_message: i64,
    #[serde(default = "no_session")]
    pub session_id: String,
    /// Call flags (spec §5): 0 disconnected, 1 in call, 2 audio, 4 video.
    #[serde(default)]
    pub in_call: i64,
    #[serde(default)]
    pub last_ping: i64,
    /// The room's `passwordVersion` when this guest or self-joined user last gave its password
    /// (or joined while it had none).
    #[serde(default)]
    pub password_version: i64,
    /// v4 §7.8: the attendee's own permissions, 0 when unset.
    #[serde(default)]
    pub permissions: i64,
    /// v4 §6.1: unix seconds of the attendee's last change of their own settings.
    #[serde(default)]
    pub last_attendee_activity: i64,
    /// The room's `commentCount` at the read marker (chat §5.4).
    #[serde(default)]
    pub read_comments: i64,
    /// chat §5.3: the newest message that mentioned the attendee, and that mentioned them
    /// directly; 0 when none.
    #[serde(default)]
    pub last_mention_message: i64,
    #[serde(default)]
    pub last_mention_direct: i64,
}

/// The `sessionId` of a row without a session.
pub const NO_SESSION: &str = "0";

/// A session ends this many seconds after the last request that carried it (v4 spec §13.5).
pub const SESSION_SECONDS: i64 = 100;

/// Deleted chat messages a room remembers for unread counts; older deletions may still count
/// for a reader who had not read that far.
pub const MAX_DELETED_COMMENTS: usize = 200;

/// Bits of a message id that number the messages of one room (v4 §13.7).
pub const MESSAGE_ID_BITS: u32 = 28;

/// chat §4.5: the read marker meaning "even the first message is unread".
pub const UNREAD_FROM_FIRST: i64 = -2;

/// v4 §5: what moderators may do (everything but "custom").
pub const MODERATOR_PERMISSIONS: i64 = 254;
/// v4 §5: what everyone else may do when nothing is configured (no "ignore lobby").
pub const PARTICIPANT_PERMISSIONS: i64 = 246;

/// An attendee's id (v4 §9): derived from the room and the actor, so that it is stable, needs
/// no counter item and no write, and is the same however the attendee's row is read. It is the
/// top 52 bits of SHA-256 over token, actor type and actor id, plus one: positive, below
/// 2^53 (safe in JavaScript), and two attendees of one room collide with odds below 2^-40 for
/// rooms of a thousand.
pub fn attendee_id(token: &RoomToken, actor_type: &str, actor_id: &str) -> i64 {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("{token}\n{actor_type}\n{actor_id}").as_bytes());
    let mut top = [0u8; 8];
    top.copy_from_slice(&digest[..8]);
    (u64::from_be_bytes(top) >> 12) as i64 + 1
}

fn no_session() -> String {
    NO_SESSION.to_string()
}

impl Participant {
    /// A new user participant with no session, default notifications, not a favorite.
    pub fn user(user: &User, participant_type: ParticipantType) -> Self {
        Self {
            actor_type: ActorType::Users,
            actor_id: user.id.to_string(),
            display_name: user.display_name.clone(),
            participant_type,
            guest_key: None,
            favorite: false,
            notification_level: NotificationLevel::Default,
            last_read_message: 0,
            session_id: no_session(),
            in_call: 0,
            last_ping: 0,
            password_version: 0,
            permissions: 0,
            last_attendee_activity: 0,
            read_comments: 0,
            last_mention_message: 0,
            last_mention_direct: 0,
        }
    }

    /// A new guest with a session: their row is keyed by the hash of the cookie secret.
    pub fn guest(guest_key: String, session_id: String, now: i64) -> Self {
        Self {
            actor_type: ActorType::Guests,
            actor_id: super::secrets::guest_actor_id(&session_id),
            display_name: String::new(),
            participant_type: ParticipantType::Guest,
            guest_key: Some(guest_key),
            favorite: false,
            notification_level: NotificationLevel::Default,
            last_read_message: 0,
            session_id,
            in_call: 0,
            last_ping: now,
            password_version: 0,
            permissions: 0,
            last_attendee_activity: 0,
            read_comments: 0,
            last_mention_message: 0,
            last_mention_direct: 0,
        }
    }

    /// The `{user}` parameter naming this participant in a system message (spec §9).
    pub fn as_message_user(&self) -> MessageUser {
        match self.actor_type {
            ActorType::Users => MessageUser {
                kind: "user".into(),
                id: self.actor_id.clone(),
                name: self.display_name.clone(),
            },
            ActorType::Guests => MessageUser {
                kind: "guest".into(),
                id: format!("guest/{}", self.actor_id),
                name: self.display_name.clone(),
            },
        }
    }

    /// Whether the row exists only for a session: guests and self-joined users (spec §7.6).
    pub fn is_session_only(&self) -> bool {
        matches!(
            self.participant_type,
            ParticipantType::Guest | ParticipantType::UserSelfJoined
        )
    }

    /// Whether the row's session ended: no request carried it for [`SESSION_SECONDS`].
    pub fn session_ended(&self, now: i64) -> bool {
        self.session_id != NO_SESSION && self.last_ping < now - SESSION_SECONDS
    }

    /// The row with no session and not in a call.
    pub fn without_session(self) -> Self {
        Self {
            session_id: no_session(),
            in_call: 0,
            ..self
        }
    }

    /// v4 §9: the attendee's stable numeric id in the room (see [`attendee_id`]).
    pub fn attendee_id(&self, token: &RoomToken) -> i64 {
        attendee_id(token, self.actor_type.as_str(), &self.actor_id)
    }

    /// v4 §7.8: the permissions in effect: moderators 254; else the attendee's own, else the
    /// room's default, else 246.
    pub fn effective_permissions(&self, room: &Room) -> i64 {
        if self.participant_type.is_moderator() {
            MODERATOR_PERMISSIONS
        } else if self.permissions != 0 {
            self.permissions
        } else if room.default_permissions != 0 {
            room.default_permissions
        } else {
            PARTICIPANT_PERMISSIONS
        }
    }

    /// chat §5.4, v4 §8.2: chat messages after the read marker, from the room's counter and
    /// the count at the marker (no message is read); 1 for a marker of −2 with nothing unread;
    /// guests always 0.
    pub fn unread_messages(&self, room: &Room) -> i64 {
        if self.actor_type == ActorType::Guests {
            return 0;
        }
        let last = room.last_message.as_ref().map_or(room.last_message_id, |m| m.id);
        let deleted = room
            .deleted_comments
            .iter()
            .filter(|seq| **seq > self.read_comments)
            .count() as i64;
        let count = if self.last_read_message == last {
            0
        } else {
            (room.comment_count - self.read_comments - deleted).max(0)
        };
        if self.last_read_message == UNREAD_FROM_FIRST && count == 0 {
            1
        } else {
            count
        }
    }

    /// v4 §8.2: a mention after the read marker.
    pub fn unread_mention(&self) -> bool {
        self.last_mention_message != 0 && self.last_read_message < self.last_mention_message
    }

    /// v4 §8.2: a direct mention after the read marker.
    pub fn unread_mention_direct(&self) -> bool {
        self.last_mention_direct != 0 && self.last_read_message < self.last_mention_direct
    }

    /// The row's read marker moved to `message` (its id and the room's chat message count
    /// then).
    pub fn read_up_to(&mut self, id: i64, comments: i64) {
        self.last_read_message = id;
        self.read_comments = comments;
    }

    /// Whether both rows are of the same actor (type and id).
    pub fn is_same_actor(&self, other: &Participant) -> bool {
        self.actor_type == other.actor_type && self.actor_id == other.actor_id
    }

    /// Whether this row belongs to the given user.
    pub fn is_user(&self, user: &UserId) -> bool {
        self.actor_type == ActorType::Users && self.actor_id == user.as_str()
    }
}

/// A user or guest named in a system message's parameters (spec §9).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageUser {
    /// `user` or `guest`.
    #[serde(rename = "type")]
    pub kind: String,
    pub id: String,
    pub name: String,
}

/// A message of a room: who posted it when, and what it is (spec §9).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "MessageRecord", into = "MessageRecord")]
pub struct Message {
    pub id: i64,
    pub actor_type: ActorType,
    pub actor_id: String,
    pub actor_display_name: String,
    pub timestamp: i64,
    pub content: Content,
    /// The message this one replies to, deletes, edits or reacts to.
    pub parent: Option<i64>,
    /// The live reactions on this message (chat §12.5).
    pub reactions: Vec<super::Reaction>,
    /// How many chat messages the room had once this message was posted (chat §5.4): the
    /// unread count of a reader is the room's count minus the count at their read marker.
    pub comment_seq: i64,
    /// How often the message was rewritten since it was posted.
    pub rev: i64,
}

impl Message {
    /// The system message key (`conversation_created`, …), `""` for other messages.
    pub fn key(&self) -> &'static str {
        match &self.content {
            Content::System(event) => event.key(),
            _ => "",
        }
    }

    /// The old and the new name, for a rename.
    pub fn renamed(&self) -> Option<(&str, &str)> {
        match &self.content {
            Content::System(super::SystemEvent::ConversationRenamed { old, new }) => Some((old, new)),
            _ => None,
        }
    }

    /// Whether the author is this participant.
    pub fn is_by(&self, participant: &Participant) -> bool {
        self.actor_type == participant.actor_type && self.actor_id == participant.actor_id
    }
}

/// A room with all its participant rows: what the room object (spec §8) is built from.
#[derive(Debug, Clone, PartialEq)]
pub struct RoomAggregate {
    pub room: Room,
    /// The rows that count: everyone who is a participant now.
    pub participants: Vec<Participant>,
    /// Stored rows that grant nothing and are removed by the room's next change: guests and
    /// self-joined users whose session ended, or who are left in a room that is not public.
    pub stale: Vec<Participant>,
}

impl RoomAggregate {
    /// A room whose rows all count (a new room).
    pub fn new(room: Room, participants: Vec<Participant>) -> Self {
        Self {
            room,
            participants,
            stale: Vec::new(),
        }
    }

    /// A room with its rows as stored, sorted at unix time `now` (v4 spec §13.5): a guest or
    /// self-joined user whose session ended, or who is in a room that is not public, is no
    /// participant; anyone else whose session ended is a participant without a session.
    pub fn from_rows(room: Room, rows: Vec<Participant>, now: i64) -> Self {
        let public = room.room_type == RoomType::Public;
        let (stale, participants): (Vec<Participant>, Vec<Participant>) = rows
            .into_iter()
            .partition(|row| row.is_session_only() && (row.session_ended(now) || !public));
        let participants = participants
            .into_iter()
            .map(|row| {
                if row.session_ended(now) {
                    row.without_session()
                } else {
                    row
                }
            })
            .collect();
        Self {
            room,
            participants,
            stale,
        }
    }

    /// Users with a real membership (types 1–3 and guest moderators), who keep a room alive
    /// (spec §7.3).
    pub fn members(&self) -> impl Iterator<Item = &Participant> {
        self.participants.iter().filter(|p| {
            matches!(
                p.participant_type,
                ParticipantType::Owner
                    | ParticipantType::Moderator
                    | ParticipantType::User
                    | ParticipantType::GuestModerator
            )
        })
    }

    /// The row of a user, if the user is a participant.
    pub fn user_participant(&self, user: &UserId) -> Option<&Participant> {
        self.participants.iter().find(|p| p.is_user(user))
    }
}
