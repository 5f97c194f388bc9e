//! Log setup: JSON lines in Lambda (one per request, see [`crate::App::respond`]), human-readable
//! output elsewhere; level from `RUST_LOG` (default `info`). Log lines carry no secrets: no
//! headers, parameters or bodies are ever logged.

use tracing::Subscriber;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;

fn filter() -> EnvFilter {
    EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"))
}

/// The JSON-lines subscriber used in Lambda, writing to `writer`.
pub fn json_subscriber<W>(filter: EnvFilter, writer: W) -> impl Subscriber + Send + Sync + 'static
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .json()
        .flatten_event(true)
        .with_current_span(false)
        .with_span_list(false)
        .without_time()
        .finish()
}

/// Installs the global subscriber. Call once at the start of `main`.
pub fn init() {
    let installed = if std::env::var_os("AWS_LAMBDA_FUNCTION_NAME").is_some() {
        tracing::subscriber::set_global_default(json_subscriber(filter(), std::io::stderr)).is_ok()
    } else {
        tracing_subscriber::fmt()
            .with_env_filter(filter())
            .with_writer(std::io::stderr)
            .try_init()
            .is_ok()
    };
    if !installed {
        tracing::debug!("a log subscriber was already installed");
    }
}
