//! Part 9: the chat API's own costs (chat §4.1, issue 15): an idle long poll (its DynamoDB
//! reads, read units and Lambda GB-seconds at 128 MB), the latency from a message being sent
//! to a waiting poller receiving it, and receiving the newest and the first 100 messages of a
//! room with 10 and with 1,000 messages.

use std::time::{Duration, Instant};

use talk::store::CallStats;
use talk_tests::{TestEnv, seed_fixture_world};

use crate::cost::invoke;
use crate::events::Call;
use crate::report::{Table, median, ms, percentile};

const CHAT: &str = "/ocs/v2.php/apps/spreed/api/v1/chat";
/// The Lambda memory size the GB-seconds are computed for.
const MEMORY_GB: f64 = 0.125;

fn receive(token: &str, query: &str, user: &str) -> Call {
    Call::new("GET", "", Some(user)).at(&format!("{CHAT}/{token}?{query}"))
}

fn send(token: &str, text: &str) -> Call {
    Call::new("POST", "", Some("alice"))
        .at(&format!("{CHAT}/{token}"))
        .param("message", text)
}

/// The newest message id of a room, as a client knows it after reading the history.
async fn newest_id(env: &TestEnv, token: &str) -> i64 {
    let token = talk::domain::RoomToken::parse(token).expect("a fixture token");
    env.store().newest_message_id(&token).await.ok().flatten().unwrap_or(0)
}

/// Read units of the calls: eventually consistent reads of an item up to 4 KB cost 0.5, the
/// strongly consistent ones 1 per item (the items here are below 4 KB).
fn read_units(idle_checks: usize, strong_items: usize) -> f64 {
    idle_checks as f64 * 0.5 + strong_items as f64
}

/// The table of part 9.
pub async fn run(wait_seconds: u64, messages: usize, room_sizes: &[usize]) -> Table {
    let mut table = Table::new(&["measurement", "value"]);
    let env = TestEnv::new().await;
    seed_fixture_world(&env).await;
    let last = newest_id(&env, "fixtgroup").await;

    env.store().calls().reset();
    let started = Instant::now();
    let query = format!("lookIntoFuture=1&timeout={wait_seconds}&lastKnownMessageId={last}");
    let status = invoke(&env, "chat", &receive("fixtgroup", &query, "bob")).await;
    let waited = started.elapsed();
    let stats: CallStats = env.store().calls().snapshot();
    let checks = stats.read_calls.saturating_sub(3);
    table.row(vec![
        format!("idle long poll ({wait_seconds} s, nothing new): status"),
        status.to_string(),
    ]);
    table.row(vec![
        "idle long poll: DynamoDB calls (reads + writes)".into(),
        format!("{} ({}+{})", stats.calls(), stats.read_calls, stats.write_calls),
    ]);
    table.row(vec![
        "idle long poll: once-a-second checks (eventually consistent GetItem of the room item)".into(),
        checks.to_string(),
    ]);
    table.row(vec![
        "idle long poll: read units (0.5 per check, 1 per item of the first strongly consistent round)".into(),
        format!("{:.1}", read_units(checks, stats.items_read.saturating_sub(checks))),
    ]);
    table.row(vec![
        "idle long poll: Lambda GB-seconds at 128 MB".into(),
        format!("{:.2}", waited.as_secs_f64() * MEMORY_GB),
    ]);

    let mut latencies = Vec::new();
    for i in 0..messages {
        let last = newest_id(&env, "fixtgroup").await;
        let query = format!("lookIntoFuture=1&timeout=10&lastKnownMessageId={last}");
        let poll = async {
            invoke(&env, "chat", &receive("fixtgroup", &query, "bob")).await;
            Instant::now()
        };
        let sender = async {
            // Spread the sends over the poll's one-second rhythm.
            tokio::time::sleep(Duration::from_millis(200 + (i as u64 * 137) % 1000)).await;
            invoke(&env, "chat", &send("fixtgroup", &format!("latency {i}"))).await;
            Instant::now()
        };
        let (received, sent) = tokio::join!(poll, sender);
        latencies.push(received.saturating_duration_since(sent));
    }
    latencies.sort();
    table.row(vec![
        format!("send → waiting poller receives it, median of {messages} ms"),
        ms(median(latencies.clone())),
    ]);
    table.row(vec![
        format!("… p99 of {messages} ms"),
        ms(percentile(&latencies, 0.99)),
    ]);

    for &size in room_sizes {
        let env = TestEnv::new().await;
        seed_fixture_world(&env).await;
        for i in 0..size {
            invoke(&env, "chat", &send("fixtgroup", &format!("message {i}"))).await;
        }
        for (label, query) in [
            ("newest 100", "lookIntoFuture=0&limit=100"),
            ("first 100", "lookIntoFuture=1&limit=100&timeout=0"),
        ] {
            env.store().calls().reset();
            invoke(&env, "chat", &receive("fixtgroup", query, "bob")).await;
            let stats = env.store().calls().snapshot();
            table.row(vec![
                format!("receive the {label} of {size} messages: calls, read rounds, items read"),
                format!("{}, {}, {}", stats.calls(), stats.read_rounds, stats.items_read),
            ]);
        }
    }
    table
}
