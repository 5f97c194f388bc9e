//! Why a use case refused or failed, in the domain's own terms. The app layer maps these to OCS
//! errors in one place.

use crate::model::InvalidRoomName;
use crate::store::StoreError;

/// Every way a use case can end without its effect.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    /// The room does not exist or the caller may not know about it; or a named target is unknown.
    #[error("not found")]
    NotFound,
    /// The caller may see the room but not do this.
    #[error("forbidden")]
    Forbidden,
    /// The lobby keeps the caller out (spec §7.1).
    #[error("the lobby is active")]
    LobbyActive,
    /// The room has as many live guest and self-joined sessions as it may have.
    #[error("the conversation has too many guests right now")]
    RoomFull,
    /// Too many wrong passwords from this client: try again in `retry_after` seconds.
    #[error("too many wrong passwords; retry after {retry_after} s")]
    Throttled { retry_after: i64 },
    /// The input is not acceptable: the reason v4 names (a parameter or a rule, v4 §3) and
    /// a text saying why.
    #[error("{message}")]
    Invalid { reason: String, message: String },
    /// A named target (user, group, attendee) is unknown: 404 with the reason v4 names.
    #[error("unknown {0}")]
    Unknown(&'static str),
    /// The caller may not do this to this target: 403 with the reason v4 names.
    #[error("refused: {0}")]
    Refused(&'static str),
    /// The input is longer than allowed: 413 with the reason (chat §4.2).
    #[error("too large: {0}")]
    TooLarge(&'static str),
    /// The target is of a kind this cannot apply to: 405 with the reason (chat §4.3).
    #[error("not applicable to this {0}")]
    WrongKind(&'static str),
    /// The room kept changing under every attempt to commit a change.
    #[error("the room kept changing; gave up after {0} attempts")]
    Busy(usize),
    /// Stored data contradicts itself (a broken invariant); the text says how.
    #[error("stored data is inconsistent: {0}")]
    Inconsistent(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl DomainError {
    /// An [`DomainError::Invalid`] with its reason and a message naming the problem.
    pub fn invalid(reason: &str, message: impl Into<String>) -> Self {
        Self::Invalid {
            reason: reason.to_string(),
            message: message.into(),
        }
    }
}

/// A refused name is 400 `{"error":"name"}` (v4 §6.2; rename says `value`, §6.4).
impl From<InvalidRoomName> for DomainError {
    fn from(error: InvalidRoomName) -> Self {
        Self::invalid("name", error.0)
    }
}
