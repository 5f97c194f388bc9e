//! The `talkctl` binary against the local DynamoDB: every admin command, its errors and exit
//! codes, and `serve` answering HTTP.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use talkctl::local::dynamodb_endpoint;

struct Ctl {
    table: String,
    endpoint: String,
}

impl Ctl {
    fn new() -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let table = format!("cli-{}-{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed));
        let ctl = Self {
            table,
            endpoint: dynamodb_endpoint().to_string(),
        };
        ctl.ok(&["table", "create"]);
        ctl
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_talkctl"));
        command
            .args(args)
            .env("AWS_ENDPOINT_URL_DYNAMODB", &self.endpoint)
            .env("AWS_REGION", "us-east-1")
            .env("AWS_ACCESS_KEY_ID", "test")
            .env("AWS_SECRET_ACCESS_KEY", "test")
            .env("TABLE_NAME", &self.table)
            .env("RUST_LOG", "warn");
        command
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("talkctl runs")
    }

    fn ok(&self, args: &[&str]) -> String {
        let output = self.run(args);
        assert!(
            output.status.success(),
            "{args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).expect("UTF-8 output")
    }

    fn fails(&self, args: &[&str], message: &str) {
        let output = self.run(args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{args:?} should fail");
        assert!(stderr.contains(message), "{args:?}: expected {message:?} in {stderr}");
    }
}

#[test]
fn table_create_is_idempotent() {
    let ctl = Ctl::new();
    assert!(ctl.ok(&["table", "create"]).contains("already exists"));
}

#[test]
fn users_are_added_once_and_removed() {
    let ctl = Ctl::new();
    assert!(
        ctl.ok(&["user", "add", "alice", "--display-name", "Alice A"])
            .contains("Alice A")
    );
    ctl.fails(&["user", "add", "alice"], "already exists");
    ctl.fails(&["user", "add", "bad/id"], "not a valid id");
    ctl.ok(&["user", "remove", "alice"]);
    ctl.fails(&["user", "remove", "alice"], "unknown user alice");
    ctl.ok(&["user", "add", "alice"]);
}

#[test]
fn groups_take_existing_users_only() {
    let ctl = Ctl::new();
    ctl.ok(&["user", "add", "bob"]);
    ctl.ok(&["group", "add", "team"]);
    ctl.fails(&["group", "add", "team"], "already exists");
    ctl.ok(&["group", "add-member", "team", "bob"]);
    ctl.fails(&["group", "add-member", "team", "nobody"], "unknown user nobody");
    ctl.fails(&["group", "add-member", "nogroup", "bob"], "unknown group nogroup");
    ctl.ok(&["group", "remove-member", "team", "bob"]);
    ctl.fails(&["group", "remove-member", "nogroup", "bob"], "unknown group nogroup");
}

#[test]
fn app_passwords_print_only_the_secret_and_can_be_listed_and_revoked() {
    let ctl = Ctl::new();
    ctl.ok(&["user", "add", "carol"]);
    let secret = ctl.ok(&["app-password", "create", "carol", "--label", "phone"]);
    let secret = secret.strip_suffix('\n').expect("one line");
    assert!(
        secret.len() >= 32 && secret.bytes().all(|b| b.is_ascii_alphanumeric()),
        "{secret:?}"
    );
    let other = ctl.ok(&["app-password", "create", "carol", "--label", "laptop"]);
    assert_ne!(secret, other.trim());
    let list = ctl.ok(&["app-password", "list", "carol"]);
    assert!(list.contains("phone") && list.contains("laptop"), "{list}");
    assert!(!list.contains(secret), "listing never shows a secret");
    ctl.ok(&["app-password", "revoke", "carol", "phone"]);
    ctl.fails(
        &["app-password", "revoke", "carol", "phone"],
        "no app password labelled",
    );
    assert!(!ctl.ok(&["app-password", "list", "carol"]).contains("phone"));
    ctl.fails(&["app-password", "create", "nobody"], "unknown user nobody");
    ctl.fails(&["app-password", "list", "nobody"], "unknown user nobody");
}

#[test]
fn an_unreachable_dynamodb_is_a_clear_error() {
    let mut ctl = Ctl::new();
    ctl.endpoint = "http://127.0.0.1:9".to_string();
    ctl.fails(&["user", "add", "dave"], "DynamoDB is unavailable");
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn http_get(port: u16, path: &str, headers: &str) -> Option<String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n{headers}\r\n"
    )
    .ok()?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).ok()?;
    Some(answer)
}

/// The routes come from the functions' declarations, so `serve` needs no file: it works from
/// any directory (here the filesystem root).
#[test]
fn serve_answers_the_declared_routes_from_any_directory() {
    let ctl = Ctl::new();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = ctl
        .command(&["serve", "--port", &port.to_string()])
        .current_dir("/")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve starts");
    let _server = Server(child);
    let deadline = Instant::now() + Duration::from_secs(20);
    let answer = loop {
        if let Some(answer) = http_get(
            port,
            "/ocs/v2.php/apps/spreed/api/v1/room?format=json",
            "OCS-APIRequest: true\r\n",
        ) {
            break answer;
        }
        assert!(Instant::now() < deadline, "serve did not start listening");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
    assert!(answer.contains("\"statuscode\":997"), "{answer}");
}

/// `seed-fixtures` stores the fixture world once; `invoke` answers a fixture in process, by the
/// named function or routed as API Gateway would.
#[test]
fn fixtures_are_seeded_and_invoked_in_process() {
    let ctl = Ctl::new();
    assert!(ctl.ok(&["seed-fixtures"]).contains("fixture world stored"));
    ctl.fails(&["seed-fixtures"], "already exists");
    let fixture = talkctl::local::workspace_root().join("events/rooms/list-rooms.json");
    let fixture = fixture.to_str().unwrap();
    for args in [vec!["invoke", "--function", "rooms", fixture], vec!["invoke", fixture]] {
        let printed = ctl.ok(&args);
        let response: serde_json::Value = serde_json::from_str(printed.trim()).unwrap();
        assert_eq!(response["statusCode"], 200, "{printed}");
        let body: serde_json::Value = serde_json::from_str(response["body"].as_str().unwrap()).unwrap();
        assert_eq!(
            body["ocs"]["data"].as_array().unwrap().len(),
            3,
            "alice's three fixture rooms"
        );
    }
    ctl.fails(&["invoke", "--function", "nothing", fixture], "no function nothing");
}
