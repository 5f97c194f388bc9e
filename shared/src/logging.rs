//! Log setup: JSON lines in Lambda (one per request, see [`crate::App::respond`]), human-readable
//! output elsewhere; level from `RUST_LOG` (default `info`). Log lines carry no secrets: no
//! headers, parameters or bodies are ever logged.

use tracing::Subscriber;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::fmt::MakeWriter;

/// The level filter from `RUST_LOG`: a level (`debug`) and/or `target=level` pairs
/// (`talk=debug,info`); `info` when unset or unreadable. Plain targets rather than
/// `EnvFilter`, whose span and field matching needs a regex engine in every binary.
pub fn filter() -> Targets {
    std::env::var("RUST_LOG")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or_else(|| Targets::new().with_default(tracing::Level::INFO))
}

/// The JSON-lines subscriber used in Lambda, writing to `writer`.
pub fn json_subscriber<W>(filter: Targets, writer: W) -> impl Subscriber + Send + Sync + 'static
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    use tracing_subscriber::layer::SubscriberExt;
    tracing_subscriber::fmt()
        .with_writer(writer)
        .json()
        .flatten_event(true)
        .with_current_span(false)
        .with_span_list(false)
        .without_time()
        .finish()
        .with(filter)
}

/// Installs the global subscriber. Call once at the start of `main`.
pub fn init() {
    let installed = if std::env::var_os("AWS_LAMBDA_FUNCTION_NAME").is_some() {
        tracing::subscriber::set_global_default(json_subscriber(filter(), std::io::stderr)).is_ok()
    } else {
        use tracing_subscriber::layer::SubscriberExt;
        let subscriber = tracing_subscriber::fmt()
            .with_writer(std::io::stderr)
            .finish()
            .with(filter());
        tracing::subscriber::set_global_default(subscriber).is_ok()
    };
    if !installed {
        tracing::debug!("a log subscriber was already installed");
    }
}
