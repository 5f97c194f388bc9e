//! The rules of the spec: identifiers and constants (§5), the room, participant and message
//! model, system messages (§9) and the room use cases (§6). Storage is [`crate::store`]'s job,
//! rendering [`crate::view`]'s.

mod ids;
mod kinds;
pub mod messages;
mod model;
pub mod moderation;
pub mod participants;
mod room_name;
pub mod rooms;
pub mod secrets;

pub use ids::{GroupId, RoomToken, UserId};
pub use kinds::{ActorType, NotificationLevel, ParticipantType, RoomType};
pub use messages::SystemEvent;
pub use model::{Message, MessageUser, Participant, Room, RoomAggregate, User};
pub use room_name::RoomName;
