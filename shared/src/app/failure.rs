//! Why a handler did not answer with its reply, and the one mapping of every failure to the
//! OCS error the client gets (logged here, where the response is made, when it is ours).

use http::StatusCode;

use crate::domain::{DomainError, SESSION_SECONDS};
use crate::ocs::ApiError;
use crate::request::ParamError;
use crate::store::StoreError;

/// A handler's failure: an OCS error decided by the request layer or the handler, or a use
/// case's refusal or failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    Api(ApiError),
    Domain(DomainError),
}

impl From<ApiError> for Failure {
    fn from(error: ApiError) -> Self {
        Self::Api(error)
    }
}

impl From<DomainError> for Failure {
    fn from(error: DomainError) -> Self {
        Self::Domain(error)
    }
}

impl From<StoreError> for Failure {
    fn from(error: StoreError) -> Self {
        Self::Domain(DomainError::Store(error))
    }
}

impl From<ParamError> for Failure {
    fn from(error: ParamError) -> Self {
        Self::Api(error.into())
    }
}

impl Failure {
    /// The OCS error the client gets. Failures of ours (the store, broken invariants, a room
    /// that kept changing) are logged with their cause, which the client never sees.
    pub fn into_api_error(self) -> ApiError {
        let error = match self {
            Self::Api(error) => return error,
            Self::Domain(error) => error,
        };
        match error {
            DomainError::NotFound => ApiError::NotFound,
            DomainError::Forbidden => ApiError::Forbidden,
            DomainError::LobbyActive => ApiError::LobbyActive,
            DomainError::Invalid { reason, message } => ApiError::rejected(StatusCode::BAD_REQUEST, reason, message),
            DomainError::Unknown(reason) => ApiError::rejected(StatusCode::NOT_FOUND, reason, ""),
            DomainError::Refused(reason) => ApiError::rejected(StatusCode::FORBIDDEN, reason, ""),
            DomainError::TooLarge(reason) => ApiError::rejected(StatusCode::PAYLOAD_TOO_LARGE, reason, ""),
            DomainError::WrongKind(reason) => ApiError::rejected(StatusCode::METHOD_NOT_ALLOWED, reason, ""),
            DomainError::Throttled { retry_after } => ApiError::TooManyRequests {
                retry_after: u32::try_from(retry_after.max(1)).unwrap_or(u32::MAX),
                message: "Too many wrong passwords; try again later",
            },
            DomainError::RoomFull => ApiError::TooManyRequests {
                retry_after: SESSION_SECONDS as u32,
                message: "The conversation has too many guests right now; try again later",
            },
            DomainError::Busy(_) => {
                tracing::warn!(%error, "answering 503");
                ApiError::Unavailable
            }
            DomainError::Store(StoreError::Unavailable(_)) => {
                tracing::error!(%error, "store call failed");
                ApiError::Unavailable
            }
            DomainError::Store(_) | DomainError::Inconsistent(_) => {
                tracing::error!(%error, "answering 500");
                ApiError::Internal
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_failure_maps_to_its_ocs_error() {
        let cases = [
            (Failure::Api(ApiError::NotLoggedIn), ApiError::NotLoggedIn),
            (DomainError::NotFound.into(), ApiError::NotFound),
            (DomainError::Forbidden.into(), ApiError::Forbidden),
            (DomainError::LobbyActive.into(), ApiError::LobbyActive),
            (
                DomainError::invalid("name", "why").into(),
                ApiError::rejected(StatusCode::BAD_REQUEST, "name", "why"),
            ),
            (
                DomainError::Unknown("invite").into(),
                ApiError::rejected(StatusCode::NOT_FOUND, "invite", ""),
            ),
            (DomainError::Busy(20).into(), ApiError::Unavailable),
            (
                StoreError::Unavailable("throttled".into()).into(),
                ApiError::Unavailable,
            ),
            (StoreError::Malformed("bad item".into()).into(), ApiError::Internal),
            (DomainError::Inconsistent("lock".into()).into(), ApiError::Internal),
            (
                ParamError::new("x", "Missing parameter x").into(),
                ApiError::rejected(StatusCode::BAD_REQUEST, "x", "Missing parameter x"),
            ),
        ];
        for (failure, expected) in cases {
            assert_eq!(failure.into_api_error(), expected);
        }
    }
}
