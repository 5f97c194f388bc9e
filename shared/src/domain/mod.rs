//! The use cases of the specs (conversations §6, §7; chat): who may see and do what
//! ([`access`]), the decisions of each endpoint, and the one commit path for room changes
//! ([`commit`]). The domain decides and knows nothing of HTTP or OCS (rules that differ between
//! API versions take the caller's [`ApiVersion`]): the values it works on are [`crate::model`]'s
//! (re-exported here), storage is [`crate::store`]'s job, rendering [`crate::view`]'s.

pub mod access;
pub mod accounts;
pub mod chat;
pub mod commit;
mod error;
pub mod moderation;
pub mod participants;
pub mod rooms;

pub use crate::model::*;
pub use access::{Caller, Need};
pub use error::DomainError;
