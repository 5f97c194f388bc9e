//! The use cases of the spec (§6, §7): who may see and do what ([`access`]), the decisions of
//! each endpoint, and the one commit path for room changes ([`commit`]). The domain decides and
//! knows nothing of HTTP, OCS or API versions: the values it works on are [`crate::model`]'s
//! (re-exported here), storage is [`crate::store`]'s job, rendering [`crate::view`]'s.

pub mod access;
pub mod accounts;
pub mod commit;
mod error;
pub mod moderation;
pub mod participants;
pub mod rooms;

pub use crate::model::*;
pub use access::{Caller, Need};
pub use error::DomainError;
