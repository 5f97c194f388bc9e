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
        },
        7,
    )
    .await;
}
