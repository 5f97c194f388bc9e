//! Load: 64 concurrent clients run a mixed workload against the local API server for
//! `LOAD_SECONDS` (default 10; the full run is 60). Every answer must be one its request can
//! give; afterwards the table's invariants hold. Prints throughput, latency and peak RSS.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use hyper::{Method, StatusCode};
use talk_tests::TestEnv;
use talk_tests::http::{BASE, Client};

/// (label, method, URL, form) of one request in a client's round.
type LoadStep<'a> = (&'a str, Method, String, Vec<(&'a str, &'a str)>);

const CLIENTS: usize = 64;
const USERS: usize = 8;

fn seconds() -> u64 {
    std::env::var("LOAD_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10)
}

/// Peak resident set size of this process (the server runs in it), in KiB.
fn peak_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixty_four_clients_with_a_mixed_workload() {
    let env = TestEnv::new().await;
    let mut secrets = Vec::new();
    for i in 0..USERS {
        secrets.push((
            format!("user{i}"),
            env.add_user(&format!("user{i}"), &format!("User {i}")).await,
        ));
    }
    let client = Client::serve(&env).await;
    let deadline = Instant::now() + Duration::from_secs(seconds());
    let (client, secrets) = (&client, &secrets);
    let results = futures::future::join_all((0..CLIENTS).map(|n| async move {
        let (user, secret) = &secrets[n % USERS];
        let (other, _) = &secrets[(n + 1) % USERS];
        let mut seen: Vec<(String, StatusCode, Duration)> = Vec::new();
        let mut round = 0;
        while Instant::now() < deadline {
            round += 1;
            let call = |method: Method, path: String| client.call(method, &path).user(user, secret).json();
            let started = Instant::now();
            let created = call(Method::POST, format!("{BASE}/room"))
                .form(&[("roomType", "3"), ("roomName", &format!("Load {n} {round}"))])
                .send()
                .await;
            seen.push(("create".into(), created.status, started.elapsed()));
            let Some(token) = created.data()["token"].as_str().map(str::to_string) else {
                continue;
            };
            let room = format!("{BASE}/room/{token}");
            let steps: [LoadStep<'_>; 7] = [
                ("get", Method::GET, room.clone(), vec![]),
                ("rename", Method::PUT, room.clone(), vec![("roomName", "Renamed")]),
                ("favorite", Method::POST, format!("{room}/favorite"), vec![]),
                (
                    "add",
                    Method::POST,
                    format!("{room}/participants"),
                    vec![("newParticipant", other.as_str())],
                ),
                ("list", Method::GET, format!("{BASE}/room"), vec![]),
                (
                    "one-to-one",
                    Method::POST,
                    format!("{BASE}/room"),
                    vec![("roomType", "1"), ("invite", other.as_str())],
                ),
                ("participants", Method::GET, format!("{room}/participants"), vec![]),
            ];
            for (label, method, path, form) in steps {
                let started = Instant::now();
                let request = call(method, path);
                let answer = if form.is_empty() {
                    request.send().await
                } else {
                    request.form(&form).send().await
                };
                seen.push((label.into(), answer.status, started.elapsed()));
            }
            let started = Instant::now();
            let guest = client
                .call(Method::POST, &format!("{room}/participants/active"))
                .ocs()
                .json()
                .send()
                .await;
            seen.push(("guest join".into(), guest.status, started.elapsed()));
            if round % 3 == 0 {
                let started = Instant::now();
                let deleted = call(Method::DELETE, room.clone()).send().await;
                seen.push(("delete".into(), deleted.status, started.elapsed()));
            }
        }
        seen
    }))
    .await;
    let all: Vec<&(String, StatusCode, Duration)> = results.iter().flatten().collect();
    let mut statuses: BTreeMap<(String, u16), usize> = BTreeMap::new();
    for (label, status, _) in &all {
        *statuses.entry((label.clone(), status.as_u16())).or_default() += 1;
    }
    let unexpected: Vec<_> = statuses
        .iter()
        .filter(|((label, status), _)| match label.as_str() {
            "create" => *status != 201,
            "one-to-one" => !matches!(status, 200 | 201),
            _ => *status != 200,
        })
        .collect();
    let mut latencies: Vec<Duration> = all.iter().map(|(_, _, d)| *d).collect();
    latencies.sort();
    let percentile = |p: usize| latencies.get(latencies.len() * p / 100).copied().unwrap_or_default();
    println!(
        "load: {CLIENTS} clients, {} s, {} requests ({:.0}/s), p50 {:?}, p99 {:?}, peak RSS {} MiB, statuses {statuses:?}",
        seconds(),
        all.len(),
        all.len() as f64 / seconds() as f64,
        percentile(50),
        percentile(99),
        peak_rss_kib() / 1024,
    );
    assert!(unexpected.is_empty(), "unexpected statuses: {unexpected:?}");
    assert!(all.len() >= CLIENTS, "every client made requests");
    env.assert_invariants().await;
}
