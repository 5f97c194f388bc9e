//! Typed API errors and the HTTP/OCS status each one maps to.

use http::StatusCode;

/// Every way a request can fail. Handlers return these; [`super::render_error`] turns them into
/// the response the spec prescribes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// An endpoint that needs a user, called without valid credentials (spec §3.3).
    #[error("Current user is not logged in")]
    NotLoggedIn,
    /// `OCS-APIRequest: true` is missing (spec §2.1).
    #[error("CSRF check failed")]
    CsrfCheckFailed,
    /// No route matches the path (spec §3.4).
    #[error(
        "Invalid query, please check the syntax. API specifications are here: http://www.freedesktop.org/wiki/Specifications/open-collaboration-services."
    )]
    InvalidQuery,
    /// A known path called with a method it does not have (spec §1).
    #[error("method not allowed")]
    MethodNotAllowed,
    /// The room does not exist or the caller may not know about it; or a named target is unknown.
    #[error("")]
    NotFound,
    /// The caller lacks the permission.
    #[error("")]
    Forbidden,
    /// The lobby keeps the caller out (spec §7.1).
    #[error("")]
    LobbyActive,
    /// A parameter is missing, ill-typed or not acceptable; the text says which.
    #[error("{0}")]
    BadRequest(String),
    /// A controller's refusal (v4 §3): its status, the reason v4 sends as `data.error` (v1 and
    /// an empty reason send `data: []`), and the text for `meta.message`.
    #[error("{message}")]
    Rejected {
        status: StatusCode,
        reason: String,
        message: String,
    },
    /// The caller must wait before trying again: too many failed attempts, or a full room. The
    /// response carries `Retry-After` with the seconds to wait.
    #[error("{message}")]
    TooManyRequests { retry_after: u32, message: &'static str },
    /// The store is throttling or unavailable; the client may retry.
    #[error("Service temporarily unavailable")]
    Unavailable,
    /// Something broke on our side; details are logged, never sent.
    #[error("Internal server error")]
    Internal,
}

impl ApiError {
    /// A 400 with a message naming the problem.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::BadRequest(message.into())
    }

    /// A controller's refusal with its reason (v4 §3).
    pub fn rejected(status: StatusCode, reason: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Rejected {
            status,
            reason: reason.into(),
            message: message.into(),
        }
    }

    /// The HTTP status of this error under the v2 envelope.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::NotLoggedIn => StatusCode::UNAUTHORIZED,
            Self::CsrfCheckFailed | Self::LobbyActive => StatusCode::PRECONDITION_FAILED,
            Self::InvalidQuery | Self::NotFound => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::Forbidden => StatusCode::FORBIDDEN,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Rejected { status, .. } => *status,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The `meta.statuscode` of this error (997 for "not logged in", spec §3.3).
    pub fn ocs_status(&self) -> u16 {
        match self {
            Self::NotLoggedIn => 997,
            other => other.status().as_u16(),
        }
    }
}
