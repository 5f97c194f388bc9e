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
    // The builder's own level limit (INFO unless told) would hide what `filter` lets through.
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
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
            .with_max_level(tracing::Level::TRACE)
            .with_writer(std::io::stderr)
            .finish()
            .with(filter());
        tracing::subscriber::set_global_default(subscriber).is_ok()
    };
    if !installed {
        tracing::debug!("a log subscriber was already installed");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    /// Collects what a subscriber writes.
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Captured {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().expect("not poisoned").extend_from_slice(bytes);
            Ok(bytes.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn logged_at(filter: &str) -> String {
        let captured = Captured::default();
        let writer = captured.clone();
        let targets: Targets = filter.parse().expect("a valid filter");
        let subscriber = json_subscriber(targets, move || writer.clone());
        tracing::subscriber::with_default(subscriber, || {
            tracing::debug!("a debug line");
            tracing::info!("an info line");
            tracing::trace!("a trace line");
        });
        String::from_utf8(captured.0.lock().expect("not poisoned").clone()).expect("UTF-8 logs")
    }

    #[test]
    fn levels_above_info_are_written_when_the_filter_asks() {
        let debug = logged_at("debug");
        assert!(
            debug.contains("a debug line") && debug.contains("an info line"),
            "{debug}"
        );
        assert!(!debug.contains("a trace line"), "{debug}");
        assert!(logged_at("trace").contains("a trace line"));
        let info = logged_at("info");
        assert!(
            info.contains("an info line") && !info.contains("a debug line"),
            "{info}"
        );
    }
}
