//! The DynamoDB single-table store (design.md "Single-table design", layout in
//! [`keys`]). Everything that touches DynamoDB lives here and goes through aws-sdk-dynamodb;
//! the rules about *when* to write what live in [`crate::domain`].

mod directory;
mod edits;
mod error;
mod invariants;
mod items;
pub mod keys;
mod metrics;
mod queries;
mod rooms;
mod sessions;
mod table;

pub use directory::{AppPasswordInfo, DirectoryError};
pub use edits::RoomEdit;
pub use error::StoreError;
pub use invariants::Violation;
pub use metrics::{CallCounter, CallStats};
pub use rooms::CreateOutcome;
pub use sessions::JoinOutcome;
pub use table::TableDefinition;

use aws_sdk_dynamodb::Client;

/// The table and the client that reaches it. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    client: Client,
    table: String,
    counter: CallCounter,
}

impl Store {
    /// A store over `table`, counting its DynamoDB calls with `counter` (the counter must be
    /// the one installed as an interceptor on `client`, see [`CallCounter::install`]).
    pub fn new(client: Client, table: impl Into<String>, counter: CallCounter) -> Self {
        Self {
            client,
            table: table.into(),
            counter,
        }
    }

    /// A store built from an SDK configuration, with a call counter installed.
    /// Retries follow the SDK's standard mode (3 attempts, exponential backoff with jitter),
    /// bounded in time so that a request answers well within the Lambda timeout (10 s). A
    /// configuration that sets its own attempt timeout keeps its timeouts (tests against the
    /// slower local DynamoDB do).
    pub fn from_sdk_config(config: &aws_config::SdkConfig, table: impl Into<String>) -> Self {
        use aws_sdk_dynamodb::config::retry::RetryConfig;
        use aws_sdk_dynamodb::config::timeout::TimeoutConfig;
        use std::time::Duration;
        let counter = CallCounter::default();
        let mut builder = aws_sdk_dynamodb::config::Builder::from(config).retry_config(
            RetryConfig::standard()
                .with_max_attempts(3)
                .with_max_backoff(Duration::from_millis(500)),
        );
        if config
            .timeout_config()
            .and_then(|t| t.operation_attempt_timeout())
            .is_none()
        {
            builder = builder.timeout_config(
                TimeoutConfig::builder()
                    .connect_timeout(Duration::from_secs(1))
                    .operation_attempt_timeout(Duration::from_secs(2))
                    .operation_timeout(Duration::from_secs(5))
                    .build(),
            );
        }
        let dynamodb_config = counter.install(builder).build();
        Self::new(Client::from_conf(dynamodb_config), table, counter)
    }

    /// The table name.
    pub fn table(&self) -> &str {
        &self.table
    }

    /// The DynamoDB calls counted so far on this store's client.
    pub fn calls(&self) -> &CallCounter {
        &self.counter
    }
}
