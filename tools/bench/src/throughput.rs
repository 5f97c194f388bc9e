//! Part 6 (informative): requests per second and latency of the local API server
//! (`talkctl serve`'s router over the local DynamoDB) with several concurrent clients.

use std::time::{Duration, Instant};

use hyper::Method;
use talk_tests::http::{BASE, Client};
use talk_tests::{TestEnv, seed_fixture_world};

use crate::report::{Table, ms, percentile};

/// The table of part 6: each request kind with each client count, for `seconds` each.
pub async fn run(clients: &[usize], seconds: f64) -> Table {
    let env = TestEnv::new().await;
    seed_fixture_world(&env).await;
    let client = Client::serve(&env).await;
    let mut table = Table::new(&[
        "request",
        "clients",
        "requests",
        "requests/s",
        "p50 ms",
        "p99 ms",
        "non-200",
    ]);
    let requests = [
        ("GET /room/{token}", Method::GET, format!("{BASE}/room/fixtgroup")),
        (
            "POST /room/{token}/favorite",
            Method::POST,
            format!("{BASE}/room/fixtgroup/favorite"),
        ),
    ];
    for (label, method, path) in requests {
        for &count in clients {
            let deadline = Instant::now() + Duration::from_secs_f64(seconds);
            let started = Instant::now();
            let workers = (0..count).map(|_| {
                let (client, method, path) = (&client, method.clone(), path.as_str());
                async move {
                    let (mut latencies, mut failures) = (Vec::new(), 0);
                    while Instant::now() < deadline {
                        let sent = Instant::now();
                        let answer = client
                            .call(method.clone(), path)
                            .user("bob", "bob-fixture-app-password")
                            .json()
                            .send()
                            .await;
                        latencies.push(sent.elapsed());
                        failures += usize::from(answer.status != 200);
                    }
                    (latencies, failures)
                }
            });
            let results = futures::future::join_all(workers).await;
            let elapsed = started.elapsed();
            let failures: usize = results.iter().map(|(_, f)| f).sum();
            let mut latencies: Vec<Duration> = results.into_iter().flat_map(|(l, _)| l).collect();
            latencies.sort();
            table.row(vec![
                label.to_string(),
                count.to_string(),
                latencies.len().to_string(),
                format!("{:.0}", latencies.len() as f64 / elapsed.as_secs_f64()),
                ms(percentile(&latencies, 0.5)),
                ms(percentile(&latencies, 0.99)),
                failures.to_string(),
            ]);
        }
    }
    table
}
