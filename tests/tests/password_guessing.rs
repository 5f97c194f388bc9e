//! Room passwords cannot be guessed without limit (issue: brute force on join): after
//! `MAX_PASSWORD_FAILURES` wrong passwords from one client in a window, that client's joins
//! answer 429 with `Retry-After` before any password is checked, while other clients (by the
//! source address API Gateway reports) keep joining.

use hyper::{Method, StatusCode};
use talk::domain::participants::MAX_PASSWORD_FAILURES;
use talk::store::PASSWORD_WINDOW_SECONDS;
use talk_tests::http::{BASE, Client};
use talk_tests::serve_with_users;

async fn join(client: &Client, token: &str, password: &str) -> talk_tests::http::Answer {
    client
        .call(Method::POST, &format!("{BASE}/room/{token}/participants/active"))
        .ocs()
        .json()
        .form(&[("password", password)])
        .send()
        .await
}

#[tokio::test]
async fn wrong_passwords_are_throttled_per_room_and_client() {
    let (env, client, secrets) = serve_with_users(&[("alice", "Alice")]).await;
    let secret = &secrets[0].1;
    let owner = |method: Method, path: String| {
        client
            .call(method, &format!("{BASE}{path}"))
            .user("alice", secret)
            .json()
    };
    let token = client
        .create_room("alice", secret, &[("roomType", "3"), ("roomName", "Locked")])
        .await;
    let set = owner(Method::PUT, format!("/room/{token}/password"))
        .form(&[("password", "right-password")])
        .send()
        .await;
    assert_eq!(set.status, StatusCode::OK);

    for attempt in 0..MAX_PASSWORD_FAILURES {
        let answer = join(&client, &token, &format!("guess-{attempt}")).await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "guess {attempt}");
    }
    env.store().calls().reset();
    let throttled = join(&client, &token, "right-password").await;
    assert_eq!(throttled.status, StatusCode::TOO_MANY_REQUESTS, "{}", throttled.body);
    assert_eq!(throttled.statuscode(), 429);
    let retry_after: i64 = throttled.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=PASSWORD_WINDOW_SECONDS).contains(&retry_after), "{retry_after}");
    assert!(throttled.headers.get("set-cookie").is_none());
    assert_eq!(
        env.store().calls().snapshot().write_calls,
        0,
        "a throttled join writes nothing (not even a failure count)"
    );

    let other_client = client.from_address("127.0.0.2".parse().unwrap());
    let joined = join(&other_client, &token, "right-password").await;
    assert_eq!(joined.status, StatusCode::OK, "another client joins: {}", joined.body);
    assert!(joined.headers.get("set-cookie").is_some());

    let other_room = client
        .create_room("alice", secret, &[("roomType", "3"), ("roomName", "Other")])
        .await;
    let open = join(&client, &other_room, "").await;
    assert_eq!(open.status, StatusCode::OK, "the counter is per room");
}
