//! Rendering domain values as the JSON the API sends: the room object (spec §8) and the
//! `lastMessage` object (spec §9). Values are built in field order; the envelope does the rest.

mod message;
mod participants;
mod room;

pub use message::message_object;
pub use participants::participant_list;
pub use room::{Viewer, room_object};
