//! Faults between the code and DynamoDB (throttling, 500s, dropped connections, slow calls):
//! with them on, every request either succeeds or gets an OCS error (503 when DynamoDB stays
//! unavailable through the SDK's retries), never a panic or a gateway error, within bounded
//! time; and the table's invariants hold afterwards.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use hyper::{Method, StatusCode};
use talk_tests::faults::{self, FaultRates};
use talk_tests::http::{Answer, BASE, Client};
use talk_tests::{TestEnv, dynamodb_endpoint};

/// Statuses a request may end with under faults: its success, its refusals, or 503.
fn acceptable(answer: &Answer, success: &[StatusCode]) -> bool {
    success.contains(&answer.status) || answer.status == StatusCode::SERVICE_UNAVAILABLE
}

/// (method, URL, form, the statuses that count as its success).
type Step = (Method, String, Vec<(&'static str, &'static str)>, Vec<StatusCode>);

async fn run_workload(rates: FaultRates, seed: u64) {
    let (endpoint, counts) = faults::start(dynamodb_endpoint(), rates, seed).await;
    let env = TestEnv::through(Some(&endpoint)).await;
    let alice = {
        let user = talk::domain::User {
            id: talk::domain::UserId::parse("alice").unwrap(),
            display_name: "Alice".into(),
        };
        env.direct.add_user(&user).await.unwrap();
        let secret = talk::domain::secrets::new_app_password();
        env.direct
            .add_app_password(&user.id, "faults", &secret, 0)
            .await
            .unwrap();
        secret
    };
    let client = Client::serve(&env).await;
    let mut outcomes = Vec::new();
    let started = Instant::now();
    for round in 0..12 {
        let request_started = Instant::now();
        let created = client
            .call(Method::POST, &format!("{BASE}/room"))
            .user("alice", &alice)
            .json()
            .form(&[("roomType", "3"), ("roomName", &format!("Room {round}"))])
            .send()
            .await;
        outcomes.push(created.status);
        assert!(
            acceptable(&created, &[StatusCode::CREATED]),
            "create: {} {}",
            created.status,
            created.body
        );
        assert_eq!(
            created.json()["ocs"]["meta"]["statuscode"],
            created.status.as_u16(),
            "an OCS answer"
        );
        let Some(token) = created.data()["token"].as_str().map(str::to_string) else {
            continue;
        };
        let path = format!("{BASE}/room/{token}");
        let steps: Vec<Step> = vec![
            (
                Method::PUT,
                path.clone(),
                vec![("roomName", "Renamed")],
                vec![StatusCode::OK],
            ),
            (
                Method::PUT,
                format!("{path}/password"),
                vec![("password", "pw")],
                vec![StatusCode::OK],
            ),
            (Method::POST, format!("{path}/favorite"), vec![], vec![StatusCode::OK]),
            (Method::GET, path.clone(), vec![], vec![StatusCode::OK]),
            (Method::DELETE, format!("{path}/public"), vec![], vec![StatusCode::OK]),
            (Method::GET, format!("{BASE}/room"), vec![], vec![StatusCode::OK]),
            (
                Method::DELETE,
                path.clone(),
                vec![],
                vec![StatusCode::OK, StatusCode::NOT_FOUND],
            ),
        ];
        for (method, url, form, success) in steps {
            let call = client.call(method.clone(), &url).user("alice", &alice).json();
            let answer = if form.is_empty() {
                call.send().await
            } else {
                call.form(&form).send().await
            };
            assert!(
                acceptable(&answer, &success),
                "{method} {url}: {} {}",
                answer.status,
                answer.body
            );
            assert!(
                answer.json()["ocs"]["meta"].is_object(),
                "{method} {url}: not an OCS answer"
            );
            outcomes.push(answer.status);
        }
        let guest = client
            .call(Method::POST, &format!("{path}/participants/active"))
            .ocs()
            .json()
            .send()
            .await;
        // 403 when the password was set but faults cut off making the room private and deleting
        // it: a public room with a password refuses a guest who gives none.
        assert!(
            acceptable(&guest, &[StatusCode::OK, StatusCode::NOT_FOUND, StatusCode::FORBIDDEN]),
            "join: {}",
            guest.status
        );
        assert!(
            request_started.elapsed() < Duration::from_secs(80),
            "a round stays bounded in time"
        );
    }
    env.assert_invariants().await;
    let unavailable = outcomes
        .iter()
        .filter(|s| **s == StatusCode::SERVICE_UNAVAILABLE)
        .count();
    println!(
        "faults {rates:?}: {} requests ({unavailable} answered 503) in {:?}; proxy passed {}, throttled {}, 500s {}, dropped {}, delayed {}",
        outcomes.len(),
        started.elapsed(),
        counts.passed.load(Ordering::Relaxed),
        counts.throttled.load(Ordering::Relaxed),
        counts.server_errors.load(Ordering::Relaxed),
        counts.dropped.load(Ordering::Relaxed),
        counts.delayed.load(Ordering::Relaxed),
    );
    assert!(counts.passed.load(Ordering::Relaxed) > 0);
}

#[tokio::test]
async fn light_faults_are_absorbed_by_retries() {
    run_workload(
        FaultRates {
            throttle: 5,
            server_error: 5,
            drop: 5,
            delay: 5,
            only: None,
        },
        1,
    )
    .await;
}

#[tokio::test]
async fn heavy_faults_end_in_clean_503s() {
    run_workload(
        FaultRates {
            throttle: 20,
            server_error: 15,
            drop: 15,
            delay: 10,
            only: None,
        },
        7,
    )
    .await;
}

/// Making a room with more guests than one transaction holds private while every batch write
/// fails: the change lands, the guests left behind grant nothing (their cookies see 404 and
/// cannot rejoin), and the next request on the room removes them (spec §6.7).
#[tokio::test]
async fn guests_left_behind_by_making_a_room_private_grant_nothing() {
    let rates = FaultRates {
        throttle: 100,
        only: Some("BatchWriteItem"),
        ..FaultRates::default()
    };
    let (endpoint, counts) = faults::start(dynamodb_endpoint(), rates, 7).await;
    let env = TestEnv::through(Some(&endpoint)).await;
    let secret = env.add_user("alice", "Alice").await;
    let client = Client::serve(&env).await;
    let token = client
        .create_room("alice", &secret, &[("roomType", "3"), ("roomName", "Crowded")])
        .await;
    let path = format!("{BASE}/room/{token}");
    let mut cookies = Vec::new();
    for _ in 0..110 {
        let joined = client
            .call(Method::POST, &format!("{path}/participants/active"))
            .ocs()
            .json()
            .send()
            .await;
        assert_eq!(joined.status, StatusCode::OK, "{}", joined.body);
        let cookie = joined.headers["set-cookie"].to_str().unwrap();
        cookies.push(cookie.split(';').next().unwrap().to_string());
    }
    let private = client
        .call(Method::DELETE, &format!("{path}/public"))
        .user("alice", &secret)
        .json()
        .send()
        .await;
    assert_eq!(private.status, StatusCode::OK, "{}", private.body);
    assert!(
        counts.throttled.load(Ordering::Relaxed) > 0,
        "the batch write of the rest failed"
    );
    let stored = env.direct.scan_keys().await.unwrap();
    let guest_rows = stored.iter().filter(|(_, sk)| sk.starts_with("ROOM#GUEST#")).count();
    assert!(guest_rows > 0, "guests were left behind by the failed batch");
    for cookie in &cookies {
        let seen = client
            .call(Method::GET, &path)
            .ocs()
            .json()
            .header("cookie", cookie)
            .send()
            .await;
        assert_eq!(
            seen.status,
            StatusCode::NOT_FOUND,
            "a guest left behind still sees the room"
        );
        let rejoined = client
            .call(Method::POST, &format!("{path}/participants/active"))
            .ocs()
            .json()
            .header("cookie", cookie)
            .send()
            .await;
        assert_eq!(rejoined.status, StatusCode::NOT_FOUND, "a guest left behind rejoined");
    }
    let again = client
        .call(Method::DELETE, &format!("{path}/public"))
        .user("alice", &secret)
        .json()
        .send()
        .await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);
    let stored = env.direct.scan_keys().await.unwrap();
    assert_eq!(
        stored.iter().filter(|(_, sk)| sk.starts_with("ROOM#GUEST#")).count(),
        0,
        "no guest row is left"
    );
    env.assert_invariants().await;
}
