//! The local DynamoDB of development and tests: moto's server, installed into the project's
//! `.venv` by `tools/venv` and started by `tools/local_dynamodb.py` on a free loopback port.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::Child;
use std::process::{Command, Stdio};
use std::sync::{Mutex, OnceLock};

/// The workspace root (this crate sits in `tools/talkctl`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("talkctl sits in tools/ of the workspace")
        .to_path_buf()
}

/// The local DynamoDB endpoint for this process: `AWS_ENDPOINT_URL_DYNAMODB` if set, else a
/// moto server started once, which exits when this process does.
pub fn dynamodb_endpoint() -> &'static str {
    static ENDPOINT: OnceLock<String> = OnceLock::new();
    ENDPOINT.get_or_init(|| match std::env::var("AWS_ENDPOINT_URL_DYNAMODB") {
        Ok(endpoint) if !endpoint.is_empty() => endpoint,
        _ => start_moto(),
    })
}

fn start_moto() -> String {
    let root = workspace_root();
    let status = Command::new(root.join("tools/venv")).status().expect("tools/venv runs");
    assert!(status.success(), "tools/venv failed to install the local DynamoDB");
    let mut child = Command::new(root.join(".venv/bin/python"))
        .arg(root.join("tools/local_dynamodb.py"))
        .arg("--exit-with-parent")
        .stdout(Stdio::piped())
        .spawn()
        .expect("the local DynamoDB starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout is piped"))
        .read_line(&mut line)
        .expect("reads the port");
    let port: u16 = line
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("local DynamoDB printed {line:?}, not a port"));
    // The server lives as long as this process (it exits with it): keep its handle for good.
    static SERVER: OnceLock<Mutex<Child>> = OnceLock::new();
    let _ = SERVER.set(Mutex::new(child));
    format!("http://127.0.0.1:{port}")
}
