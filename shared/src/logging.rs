//! Log setup: JSON lines in Lambda, human-readable output elsewhere; level from `RUST_LOG`.

use tracing_subscriber::EnvFilter;

/// Installs the global subscriber. Call once at the start of `main`.
pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if std::env::var_os("AWS_LAMBDA_FUNCTION_NAME").is_some() {
        builder.json().with_current_span(false).without_time().init();
    } else {
        builder.init();
    }
}
