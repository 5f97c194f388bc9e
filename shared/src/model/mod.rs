//! The values of the spec: identifiers and constants (§5), rooms, participants, users and
//! messages as the store keeps them and the view reads them, system messages (§9), room names
//! and secrets. Plain data and its own rules; it imports no other module of the crate, so the
//! store, the use cases ([`crate::domain`]) and the views all build on it.

mod entities;
mod ids;
mod kinds;
pub mod mentions;
pub mod messages;
mod room_name;
pub mod secrets;

pub use entities::{
    MAX_DELETED_COMMENTS, MESSAGE_ID_BITS, MODERATOR_PERMISSIONS, Message, MessageUser, NO_SESSION,
    PARTICIPANT_PERMISSIONS, Participant, Room, RoomAggregate, SESSION_SECONDS, UNREAD_FROM_FIRST, User, attendee_id,
};
pub use ids::{GroupId, RoomToken, UserId};
pub use kinds::{ActorType, ApiVersion, NotificationLevel, ParticipantType, RoomType};
pub use messages::{Comment, Content, Deletion, LastEdit, Reaction, SystemEvent};
pub use room_name::{InvalidRoomName, RoomName};

/// Counter that numbers rooms (`id` of the room object).
pub const ROOM_ID_COUNTER: &str = "rooms";

/// Current unix time in seconds.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}
