//! The request log: one JSON line per request with route, status, caller kind, DynamoDB calls
//! and time and API Gateway's request id; and no secret (app passwords, room passwords,
//! cookies, Authorization headers) in any line, even at debug level.

use std::io::Write;
use std::sync::{Arc, Mutex};

use hyper::{Method, StatusCode};
use serde_json::Value;
use talk_tests::http::{BASE, Client};
use talk_tests::{TestEnv, seed_fixture_world, workspace_root};
use tracing_subscriber::fmt::MakeWriter;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Captured {
        self.clone()
    }
}

#[tokio::test]
async fn request_lines_are_json_and_carry_no_secret() {
    let captured = Captured::default();
    tracing::subscriber::set_global_default(talk::logging::json_subscriber(
        "debug".parse().expect("a valid filter"),
        captured.clone(),
    ))
    .expect("this test binary installs the only subscriber");

    let env = TestEnv::new().await;
    let alice = env.add_user("alice", "Alice").await;
    let client = Client::serve(&env).await;
    let room_password = "correct-horse-battery-staple";
    let created = client
        .call(Method::POST, &format!("{BASE}/room"))
        .user("alice", &alice)
        .json()
        .form(&[("roomType", "3"), ("roomName", "Logs")])
        .send()
        .await;
    let token = created.data()["token"].as_str().unwrap().to_string();
    let path = format!("{BASE}/room/{token}");
    client
        .call(Method::PUT, &format!("{path}/password"))
        .user("alice", &alice)
        .json()
        .form(&[("password", room_password)])
        .send()
        .await;
    let refused = client
        .call(Method::POST, &format!("{path}/participants/active"))
        .ocs()
        .json()
        .form(&[("password", "wrong-guess-pw")])
        .send()
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let joined = client
        .call(Method::POST, &format!("{path}/participants/active"))
        .ocs()
        .json()
        .form(&[("password", room_password)])
        .send()
        .await;
    let cookie = joined.headers["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let guest = client
        .call(Method::GET, &path)
        .ocs()
        .json()
        .header("cookie", &cookie)
        .send()
        .await;
    assert_eq!(guest.data()["participantType"], 4);
    client
        .call(Method::GET, &format!("{BASE}/room"))
        .user("alice", "not-alices-password")
        .json()
        .send()
        .await;

    let fixture_env = TestEnv::new().await;
    seed_fixture_world(&fixture_env).await;
    let fixture = std::fs::read_to_string(workspace_root().join("events/rooms/list-rooms.json")).unwrap();
    let function = talkctl::functions::function("rooms").unwrap();
    assert_eq!(
        function
            .handle(&fixture_env.app, lambda_http::request::from_str(&fixture).unwrap())
            .await
            .status(),
        200
    );

    let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let authorization = talk_tests::basic("alice", &alice);
    let cookie_secret = cookie.split_once('=').unwrap().1.to_string();
    for secret in [
        alice.as_str(),
        room_password,
        "wrong-guess-pw",
        &cookie_secret,
        &authorization,
        "not-alices-password",
    ] {
        assert!(!text.contains(secret), "a log line contains a secret");
    }
    let lines: Vec<Value> = text
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("not a JSON line ({e}): {line}")))
        .collect();
    let requests: Vec<&Value> = lines.iter().filter(|line| line["message"] == "request").collect();
    assert!(requests.len() >= 7, "one line per request: {}", requests.len());
    for line in &requests {
        for field in [
            "request_id",
            "method",
            "route",
            "status",
            "caller",
            "dynamodb_calls",
            "dynamodb_ms",
            "duration_ms",
        ] {
            assert!(line.get(field).is_some(), "{field} missing in {line}");
        }
    }
    let callers: Vec<&str> = requests.iter().filter_map(|l| l["caller"].as_str()).collect();
    assert!(
        callers.contains(&"user") && callers.contains(&"guest") && callers.contains(&"none"),
        "{callers:?}"
    );
    let fixture_line = requests
        .iter()
        .find(|l| l["request_id"] == "fixture-request")
        .expect("the API Gateway request id is logged");
    assert_eq!(
        (fixture_line["route"].as_str(), fixture_line["status"].as_u64()),
        (Some("/room"), Some(200))
    );
    assert!(fixture_line["dynamodb_calls"].as_u64().unwrap() >= 2);
}
