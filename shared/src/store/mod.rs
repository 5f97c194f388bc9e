//! The DynamoDB single-table store (design.md "Single-table design", layout in
//! [`keys`]). Everything that touches DynamoDB lives here and goes through aws-sdk-dynamodb;
//! the rules about *when* to write what live in [`crate::domain`].

mod directory;
mod edits;
mod error;
mod invariants;
mod items;
pub mod keys;
mod messages;
mod metrics;
mod queries;
mod rooms;
mod sessions;
mod table;

pub use directory::{AppPasswordInfo, DirectoryError};
pub use edits::RoomEdit;
pub use error::StoreError;
pub use invariants::Violation;
pub use messages::Direction;
pub use metrics::{CallCounter, CallStats};
pub use rooms::CreateOutcome;
pub use sessions::{JoinOutcome, PASSWORD_WINDOW_SECONDS};
pub use table::TableDefinition;

use aws_sdk_dynamodb::Client;

/// The root certificates of Amazon Trust Services (Amazon Root CA 1–4 and Starfield Services
/// Root Certificate Authority - G2, SHA-256 fingerprints 8ECDE688…, 1BA5B2AA…, 18CE6CFE…,
/// E35D2841…, 568D6905…), which every DynamoDB endpoint's certificate chains to.
const AMAZON_TRUST_SERVICES: &[u8] = include_bytes!("amazon-trust-services.pem");

/// An HTTPS client for AWS endpoints that trusts only the Amazon Trust Services roots: building
/// it parses five certificates instead of reading the system's store (hundreds of files).
pub fn amazon_https_client() -> aws_smithy_runtime_api::client::http::SharedHttpClient {
    use aws_smithy_http_client::tls;
    let trust_store = tls::TrustStore::empty()
        .with_native_roots(false)
        .with_pem_certificate(AMAZON_TRUST_SERVICES);
    let context = tls::TlsContext::builder()
        .with_trust_store(trust_store)
        .build()
        .expect("a TLS context of PEM certificates builds");
    aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(tls::rustls_provider::CryptoMode::AwsLc))
        .tls_context(context)
        .build_https()
}

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

    /// A store built from an SDK configuration (e.g. `aws_config::load_defaults`), with a call
    /// counter installed; see [`Store::from_builder`]. A configuration that sets its own
    /// attempt timeout keeps its timeouts (tests against the slower local DynamoDB do).
    #[cfg(feature = "sdk-default-chain")]
    pub fn from_sdk_config(config: &aws_config::SdkConfig, table: impl Into<String>) -> Self {
        let own_timeouts = config
            .timeout_config()
            .and_then(|t| t.operation_attempt_timeout())
            .is_some();
        Self::from_builder(aws_sdk_dynamodb::config::Builder::from(config), own_timeouts, table)
    }

    /// A store configured from the variables Lambda sets in every sandbox (`AWS_REGION` and the
    /// execution role's `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, which
    /// stay valid for the sandbox's life), plus `AWS_ENDPOINT_URL_DYNAMODB` or
    /// `AWS_ENDPOINT_URL` when set. Unlike the SDK's default provider chains this reads no
    /// profile files and asks no metadata service, and for AWS's own endpoints TLS trusts the
    /// Amazon Trust Services roots ([`amazon_https_client`]) instead of loading the system's
    /// whole certificate store, so cold starts skip that work. `None` when the region or the
    /// keys are not in the environment.
    pub fn from_environment_variables(table: impl Into<String>) -> Option<Self> {
        use aws_sdk_dynamodb::config::{BehaviorVersion, Credentials, Region};
        let var = |name: &str| std::env::var(name).ok().filter(|value| !value.is_empty());
        let region = var("AWS_REGION").or_else(|| var("AWS_DEFAULT_REGION"))?;
        let credentials = Credentials::new(
            var("AWS_ACCESS_KEY_ID")?,
            var("AWS_SECRET_ACCESS_KEY")?,
            var("AWS_SESSION_TOKEN"),
            None,
            "Environment",
        );
        let mut builder = aws_sdk_dynamodb::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(region))
            .credentials_provider(credentials);
        let endpoint = var("AWS_ENDPOINT_URL_DYNAMODB").or_else(|| var("AWS_ENDPOINT_URL"));
        // Another HTTPS endpoint may present any CA's certificate: it gets the SDK's default
        // client; AWS's endpoints and plain-HTTP ones (local servers) need no other roots.
        if endpoint.as_deref().is_none_or(|url| url.starts_with("http://")) {
            builder = builder.http_client(amazon_https_client());
        }
        builder.set_endpoint_url(endpoint);
        Some(Self::from_builder(builder, false, table))
    }

    /// A store over a client configuration, with a call counter installed. Retries follow the
    /// SDK's standard mode (3 attempts, exponential backoff with jitter); unless
    /// `own_timeouts`, attempts and calls are bounded in time so that a request answers well
    /// within the Lambda timeout (10 s).
    pub fn from_builder(
        builder: aws_sdk_dynamodb::config::Builder,
        own_timeouts: bool,
        table: impl Into<String>,
    ) -> Self {
        use aws_sdk_dynamodb::config::retry::RetryConfig;
        use aws_sdk_dynamodb::config::timeout::TimeoutConfig;
        use std::time::Duration;
        let counter = CallCounter::default();
        let mut builder = builder.retry_config(
            RetryConfig::standard()
                .with_max_attempts(3)
                .with_max_backoff(Duration::from_millis(500)),
        );
        if !own_timeouts {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pinned_roots_are_the_five_amazon_trust_services_certificates() {
        let text = std::str::from_utf8(AMAZON_TRUST_SERVICES).expect("PEM is text");
        assert_eq!(text.matches("-----BEGIN CERTIFICATE-----").count(), 5);
        assert_eq!(text.matches("-----END CERTIFICATE-----").count(), 5);
        // Builds without touching the system's certificate store.
        let _client = amazon_https_client();
    }
}
