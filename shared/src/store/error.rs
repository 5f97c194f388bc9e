//! Store errors: what failed, and whether retrying later may help.

use aws_sdk_dynamodb::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};

/// A DynamoDB call failed, or returned an item we cannot read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// Throttled, unreachable or temporarily failing: worth retrying later (503).
    #[error("DynamoDB is unavailable: {0}")]
    Unavailable(String),
    /// Any other failure of the call.
    #[error("DynamoDB call failed: {0}")]
    Backend(String),
    /// An item did not have the shape we write.
    #[error("stored item is malformed: {0}")]
    Malformed(String),
}

const RETRYABLE_CODES: &[&str] = &[
    "ThrottlingException",
    "ProvisionedThroughputExceededException",
    "RequestLimitExceeded",
    "InternalServerError",
    "ServiceUnavailable",
];

impl<E, R> From<SdkError<E, R>> for StoreError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug,
{
    fn from(error: SdkError<E, R>) -> Self {
        let transient = match &error {
            SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) | SdkError::ResponseError(_) => true,
            SdkError::ServiceError(service) => service.err().code().is_some_and(|code| RETRYABLE_CODES.contains(&code)),
            _ => false,
        };
        let text = DisplayErrorContext(&error).to_string();
        if transient {
            Self::Unavailable(text)
        } else {
            Self::Backend(text)
        }
    }
}

impl From<serde_dynamo::Error> for StoreError {
    fn from(error: serde_dynamo::Error) -> Self {
        Self::Malformed(error.to_string())
    }
}

impl From<aws_sdk_dynamodb::error::BuildError> for StoreError {
    fn from(error: aws_sdk_dynamodb::error::BuildError) -> Self {
        Self::Backend(error.to_string())
    }
}
