//! Hostile input end to end: oversized and malformed bodies, wrong content types, duplicated
//! parameters, huge or odd ids and tokens, tricks with `Authorization` and `Cookie`. Every one
//! gets a 4xx answer in the OCS format (or the plain CSRF/405 answers), never a 5xx, and
//! nothing is stored.

use hyper::{Method, StatusCode};
use talk_tests::TestEnv;
use talk_tests::http::{Answer, BASE, Call, Client};

struct World {
    env: TestEnv,
    client: Client,
    secret: String,
}

async fn world() -> World {
    let env = TestEnv::new().await;
    let secret = env.add_user("alice", "Alice").await;
    let client = Client::serve(&env).await;
    World { env, client, secret }
}

fn assert_clean_refusal(label: &str, answer: &Answer) {
    assert!(
        answer.status.is_client_error(),
        "{label}: {} {}",
        answer.status,
        answer.body.chars().take(300).collect::<String>()
    );
    let plain = matches!(
        answer.status,
        StatusCode::PRECONDITION_FAILED | StatusCode::METHOD_NOT_ALLOWED | StatusCode::PAYLOAD_TOO_LARGE
    );
    if !plain {
        let ocs = answer.json();
        assert_eq!(ocs["ocs"]["meta"]["status"], "failure", "{label}");
    }
}

impl World {
    fn post_room(&self) -> Call<'_> {
        self.client
            .call(Method::POST, &format!("{BASE}/room?format=json"))
            .user("alice", &self.secret)
    }

    async fn rooms_stored(&self) -> usize {
        self.env
            .store()
            .scan_keys()
            .await
            .unwrap()
            .iter()
            .filter(|(_, sk)| sk == "ROOM")
            .count()
    }
}

#[tokio::test]
async fn hostile_bodies_are_refused_cleanly() {
    let w = world().await;
    let mut nested = "[".repeat(100_000);
    nested.push_str(&"]".repeat(100_000));
    let big_form = format!("roomType=2&roomName=x&pad={}", "a".repeat(1024 * 1024));
    let cases: Vec<(&str, Call<'_>)> = vec![
        (
            "body over 1 MiB",
            w.post_room().raw_body("application/x-www-form-urlencoded", big_form),
        ),
        (
            "body over the gateway limit",
            w.post_room().raw_body("application/json", vec![b' '; 11 * 1024 * 1024]),
        ),
        ("deeply nested JSON", w.post_room().raw_body("application/json", nested)),
        (
            "JSON that is not an object",
            w.post_room().raw_body("application/json", "[1,2,3]"),
        ),
        (
            "truncated JSON",
            w.post_room()
                .raw_body("application/json", "{\"roomType\": 2, \"roomName\": \"x"),
        ),
        (
            "invalid UTF-8 in a form",
            w.post_room().raw_body(
                "application/x-www-form-urlencoded",
                vec![b'r', b'o', 0xff, 0xfe, b'=', 0xc3],
            ),
        ),
        (
            "invalid UTF-8 in JSON",
            w.post_room()
                .raw_body("application/json", vec![b'{', b'"', 0xff, b'"', b':', b'1', b'}']),
        ),
        (
            "JSON sent as text/plain",
            w.post_room()
                .raw_body("text/plain", "{\"roomType\":2,\"roomName\":\"x\"}"),
        ),
        (
            "form sent as multipart",
            w.post_room()
                .raw_body("multipart/form-data; boundary=x", "--x\r\n\r\nroomType=2\r\n--x--"),
        ),
        (
            "objects where strings go",
            w.post_room()
                .raw_body("application/json", "{\"roomType\":2,\"roomName\":{\"a\":1}}"),
        ),
        (
            "huge number",
            w.post_room()
                .raw_body("application/json", "{\"roomType\":1e400,\"roomName\":\"x\"}"),
        ),
        (
            "type out of range",
            w.post_room().raw_body(
                "application/json",
                "{\"roomType\":99999999999999999999,\"roomName\":\"x\"}",
            ),
        ),
        (
            "control characters in the name",
            w.post_room()
                .raw_body("application/json", "{\"roomType\":2,\"roomName\":\"\\u0000\\u0001\"}"),
        ),
        (
            "a right-to-left override in the name",
            w.post_room().raw_body(
                "application/json",
                "{\"roomType\":2,\"roomName\":\"abc\\u202Egpj.exe\"}",
            ),
        ),
        (
            "a line separator in the name",
            w.post_room()
                .raw_body("application/json", "{\"roomType\":2,\"roomName\":\"a\\u2028b\"}"),
        ),
        (
            "a name of zero width spaces",
            w.post_room()
                .raw_body("application/json", "{\"roomType\":2,\"roomName\":\"\\u200B\\u200B\"}"),
        ),
        (
            "a name of no-break spaces",
            w.post_room()
                .raw_body("application/json", "{\"roomType\":2,\"roomName\":\"\\u00A0\"}"),
        ),
    ];
    for (label, call) in cases {
        assert_clean_refusal(label, &call.send().await);
    }
    assert_eq!(w.rooms_stored().await, 0, "no refused request stored a room");
}

#[tokio::test]
async fn duplicated_parameters_take_the_last_value() {
    let w = world().await;
    let answer = w
        .post_room()
        .raw_body(
            "application/x-www-form-urlencoded",
            "roomType=9&roomType=2&roomName=a&roomName=Last",
        )
        .send()
        .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
    assert_eq!(answer.data()["name"], "Last");
}

#[tokio::test]
async fn odd_tokens_ids_and_paths_are_no_route_or_not_found() {
    let w = world().await;
    let long_token = "a".repeat(10_000);
    for path in [
        format!("{BASE}/room/{long_token}"),
        format!("{BASE}/room/%00%00%00%00"),
        format!("{BASE}/room/%C3%A9%C3%A9%C3%A9%C3%A9"),
        format!("{BASE}/room/..%2F..%2Fetc"),
        format!("{BASE}/room/abcd/../../room"),
        format!("{BASE}/room/abcdefgh/participants/active/extra"),
        format!("{BASE}//room"),
    ] {
        let answer = w
            .client
            .call(Method::GET, &format!("{path}?format=json"))
            .user("alice", &w.secret)
            .send()
            .await;
        assert_clean_refusal(&path, &answer);
    }
    let long_user = "u".repeat(10_000);
    let invite = w
        .post_room()
        .form(&[("roomType", "1"), ("invite", &long_user)])
        .send()
        .await;
    assert_eq!(invite.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn tricks_with_authorization_and_cookies_are_refused() {
    let w = world().await;
    let url = format!("{BASE}/room?format=json");
    let huge = format!("Basic {}", "A".repeat(60_000));
    let headers: Vec<(&str, Vec<u8>)> = vec![
        ("authorization", b"Basic".to_vec()),
        ("authorization", b"Basic ".to_vec()),
        ("authorization", b"Basic ====".to_vec()),
        ("authorization", b"Basic YWxpY2U=".to_vec()),
        ("authorization", b"Bearer abc".to_vec()),
        ("authorization", huge.into_bytes()),
        ("authorization", b"Basic \xff\xfe".to_vec()),
        ("authorization", talk_tests::basic("alice\0", &w.secret).into_bytes()),
        ("authorization", talk_tests::basic(&"x".repeat(5000), "y").into_bytes()),
    ];
    for (name, value) in headers {
        let answer = w
            .client
            .call(Method::GET, &url)
            .ocs()
            .header_bytes(name, &value)
            .send()
            .await;
        assert_eq!(
            (answer.status, answer.statuscode()),
            (StatusCode::UNAUTHORIZED, 997),
            "{}",
            String::from_utf8_lossy(&value)
        );
    }
    let twice = w
        .client
        .call(Method::GET, &url)
        .ocs()
        .header("authorization", "Basic Zm9vOmJhcg==")
        .header("authorization", &talk_tests::basic("alice", &w.secret))
        .send()
        .await;
    assert_eq!(
        twice.status,
        StatusCode::UNAUTHORIZED,
        "only the first Authorization header counts"
    );

    let created = w
        .post_room()
        .form(&[("roomType", "3"), ("roomName", "Open")])
        .send()
        .await;
    let token = created.data()["token"].as_str().unwrap().to_string();
    for cookie in [
        format!("talk_guest_{token}="),
        format!("talk_guest_{token}=;talk_guest_{token}=x"),
        format!("talk_guest_{token}={}", "z".repeat(8000)),
        "talk_guest_=x; =; ;;".to_string(),
        format!("talk_guest_{token}=%00%ff\"quoted\""),
    ] {
        let answer = w
            .client
            .call(Method::PUT, &format!("{BASE}/room/{token}?format=json"))
            .ocs()
            .header_bytes("cookie", cookie.as_bytes())
            .form(&[("roomName", "Hijacked")])
            .send()
            .await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{cookie}");
    }
    let answer = w
        .client
        .call(Method::GET, &format!("{BASE}/room/{token}?format=json"))
        .user("alice", &w.secret)
        .send()
        .await;
    assert_eq!(answer.data()["name"], "Open");
}
