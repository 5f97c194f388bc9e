//! Rendering domain values as the JSON the API sends: the room object (spec §8), the message
//! object of `lastMessage` (spec §9) and the participant list (spec §7.1), each a typed struct
//! whose fields serialise in the spec's order; the envelope does the rest.

mod message;
mod or_empty;
mod participants;
mod room;
mod room_v4;

pub use message::{MessageView, Parent, Reader, Shape, message_json};
pub use participants::{participant_list, participant_list_v4};
pub use room::{RoomObject, Viewer, room_object};
pub use room_v4::{RoomObjectV4, room_object_v4};
