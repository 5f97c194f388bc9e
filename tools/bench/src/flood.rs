//! Part 7: a flood of anonymous joins on one public room (issue 13), through the local API
//! server: how many joins the room takes (the live-session bound), whether the owner's
//! requests still answer, and what the owner's `GET /room/{token}` costs before the flood,
//! during it, and after the guests' sessions ended (100 s later; the benchmark waits).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use futures::StreamExt;
use hyper::{Method, StatusCode};
use talk::domain::SESSION_SECONDS;
use talk_tests::TestEnv;
use talk_tests::http::{BASE, Client};

use crate::report::{Table, median, ms};

/// Joins kept in flight at once.
const CONCURRENT_JOINS: usize = 16;

/// One measured owner request: status, wall time, and the DynamoDB calls it made.
struct Measured {
    status: StatusCode,
    took: Duration,
    calls: usize,
    items_read: usize,
    items_written: usize,
}

async fn owner_get(env: &TestEnv, client: &Client, secret: &str, token: &str) -> Measured {
    env.store().calls().reset();
    let started = Instant::now();
    let answer = client
        .call(Method::GET, &format!("{BASE}/room/{token}"))
        .user("owner", secret)
        .json()
        .send()
        .await;
    let took = started.elapsed();
    let stats = env.store().calls().snapshot();
    Measured {
        status: answer.status,
        took,
        calls: stats.calls(),
        items_read: stats.items_read,
        items_written: stats.items_written,
    }
}

fn row(table: &mut Table, phase: &str, requests: &[Measured]) {
    let statuses: BTreeMap<u16, usize> = requests.iter().fold(BTreeMap::new(), |mut counts, m| {
        *counts.entry(m.status.as_u16()).or_default() += 1;
        counts
    });
    let statuses: Vec<String> = statuses.iter().map(|(s, n)| format!("{n}× {s}")).collect();
    let last = requests.last().expect("a measured request");
    table.row(vec![
        phase.to_string(),
        statuses.join(", "),
        ms(median(requests.iter().map(|m| m.took).collect())),
        last.calls.to_string(),
        last.items_read.to_string(),
        last.items_written.to_string(),
    ]);
}

/// Runs the flood with `joins` anonymous joins.
pub async fn run(joins: usize) -> Table {
    let env = TestEnv::new().await;
    let secret = env.add_user("owner", "Owner").await;
    let client = Client::serve(&env).await;
    let token = client
        .create_room("owner", &secret, &[("roomType", "3"), ("roomName", "Flooded")])
        .await;
    let mut table = Table::new(&[
        "phase",
        "answers",
        "median ms",
        "DynamoDB calls (last request)",
        "items read",
        "items written",
    ]);
    let mut before = Vec::new();
    for _ in 0..5 {
        before.push(owner_get(&env, &client, &secret, &token).await);
    }
    row(&mut table, "owner GET /room/{token}, before", &before);

    let started = Instant::now();
    let join_path = format!("{BASE}/room/{token}/participants/active");
    let answers: Vec<StatusCode> = futures::stream::iter(0..joins)
        .map(|_| {
            let (client, path) = (&client, &join_path);
            async move { client.call(Method::POST, path).ocs().json().send().await.status }
        })
        .buffer_unordered(CONCURRENT_JOINS)
        .collect()
        .await;
    let flood_took = started.elapsed();
    let mut counts: BTreeMap<u16, usize> = BTreeMap::new();
    for status in &answers {
        *counts.entry(status.as_u16()).or_default() += 1;
    }
    let counts: Vec<String> = counts.iter().map(|(s, n)| format!("{n}× {s}")).collect();
    table.row(vec![
        format!("{joins} anonymous joins ({:.1} s)", flood_took.as_secs_f64()),
        counts.join(", "),
        ms(flood_took / joins.max(1) as u32),
        "—".into(),
        "—".into(),
        "—".into(),
    ]);
    let mut during = Vec::new();
    for _ in 0..5 {
        during.push(owner_get(&env, &client, &secret, &token).await);
    }
    row(&mut table, "owner GET /room/{token}, sessions live", &during);

    tokio::time::sleep(Duration::from_secs(SESSION_SECONDS as u64 + 2)).await;
    let first = owner_get(&env, &client, &secret, &token).await;
    row(&mut table, "first owner GET after the sessions ended", &[first]);
    let mut after = Vec::new();
    for _ in 0..5 {
        after.push(owner_get(&env, &client, &secret, &token).await);
    }
    row(&mut table, "owner GET /room/{token}, after", &after);
    let rows_left = env
        .store()
        .scan_keys()
        .await
        .expect("a scan")
        .iter()
        .filter(|(_, sk)| sk.starts_with("ROOM#GUEST#"))
        .count();
    table.row(vec![
        format!("guest rows left in the table: {rows_left}"),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
    ]);
    table
}
