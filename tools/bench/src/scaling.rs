//! Part 2: how `GET /room` (v1 and v4 side by side) scales with the user's rooms and
//! `GET /room/{token}` with the room's participants: round trips, calls, items and local wall time (median), all in one table so
//! every size is measured against the same table contents.

use std::time::{Duration, Instant};

use futures::StreamExt;
use talk::domain::{Participant, ParticipantType, Room, RoomAggregate, RoomToken, RoomType, SystemEvent, User, UserId};
use talk::store::CallStats;
use talk_tests::TestEnv;

use crate::cost::invoke;
use crate::events::Call;
use crate::report::{Table, median, ms};

/// The v4 room list (v4 §6.1): the caller's rows from the index, the room items in batches.
const V4_ROOMS: &str = "/ocs/v2.php/apps/spreed/api/v4/room";

/// Writes kept in flight while seeding.
const SEED_CONCURRENCY: usize = 16;

fn user(id: &str) -> User {
    User {
        id: UserId::parse(id).expect("benchmark user ids are valid"),
        display_name: format!("Bench {id}"),
    }
}

/// Stores a group room `token` with these members (the first is its owner).
async fn store_room(env: &TestEnv, token: String, members: Vec<User>) {
    let id = env
        .store()
        .next_id(talk::domain::ROOM_ID_COUNTER)
        .await
        .expect("room id");
    let owner = &members[0];
    let created = SystemEvent::ConversationCreated.by_user(owner, 1, talk::domain::now());
    let mut room = Room::new(
        RoomToken::parse(&token).expect("valid token"),
        id,
        RoomType::Group,
        &token,
    );
    room.record(&created);
    let participants = members
        .iter()
        .enumerate()
        .map(|(i, member)| {
            let kind = if i == 0 {
                ParticipantType::Owner
            } else {
                ParticipantType::User
            };
            Participant::user(member, kind)
        })
        .collect();
    env.store()
        .import_room(&RoomAggregate::new(room, participants), &[created])
        .await
        .expect("benchmark room stored");
}

/// The users `lister<N>` (in N rooms of two members) and `owner<N>` (owning `big<N>`, a
/// room of N participants), for every N.
async fn seed(env: &TestEnv, sizes: &[usize]) {
    for &size in sizes {
        env.add_user_with_secret(
            &format!("lister{size}"),
            "Lister",
            &format!("lister{size}-fixture-app-password"),
        )
        .await;
        env.add_user_with_secret(
            &format!("owner{size}"),
            "Owner",
            &format!("owner{size}-fixture-app-password"),
        )
        .await;
        let lister = user(&format!("lister{size}"));
        futures::stream::iter(0..size)
            .map(|i| {
                store_room(
                    env,
                    format!("l{size}r{i}"),
                    vec![lister.clone(), user(&format!("peer{i}"))],
                )
            })
            .buffer_unordered(SEED_CONCURRENCY)
            .collect::<Vec<()>>()
            .await;
        let members = std::iter::once(user(&format!("owner{size}")))
            .chain((1..size).map(|i| user(&format!("member{i}"))))
            .collect();
        store_room(env, format!("big{size}"), members).await;
    }
}

/// User + system CPU time this process has used (the local DynamoDB is another process).
fn process_cpu() -> Duration {
    // SAFETY: `rusage` is plain data that getrusage fills in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: a valid pointer to a local.
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    crate::lambda::duration(usage.ru_utime) + crate::lambda::duration(usage.ru_stime)
}

/// What one request cost, as medians over the repeats.
struct Measured {
    stats: CallStats,
    wall: Duration,
    busy: Duration,
    cpu: Duration,
}

/// Runs `call` `repeats` times: the counts of the last run, the median wall time, the median
/// time with a DynamoDB call in flight, and the median CPU time of the function's code.
async fn measure(env: &TestEnv, call: &Call, repeats: usize) -> Measured {
    let (mut walls, mut busy, mut cpus, mut last) = (Vec::new(), Vec::new(), Vec::new(), CallStats::default());
    for _ in 0..repeats {
        env.store().calls().reset();
        let (started, cpu) = (Instant::now(), process_cpu());
        let status = invoke(env, "rooms", call).await;
        walls.push(started.elapsed());
        cpus.push(process_cpu().saturating_sub(cpu));
        assert_eq!(status, 200, "{} {} answers 200", call.method, call.path);
        last = env.store().calls().snapshot();
        busy.push(last.busy);
    }
    Measured {
        stats: last,
        wall: median(walls),
        busy: median(busy),
        cpu: median(cpus),
    }
}

/// The table of part 2.
pub async fn run(sizes: &[usize], repeats: usize) -> Table {
    let env = TestEnv::new().await;
    seed(&env, sizes).await;
    let mut table = Table::new(&[
        "request",
        "size",
        "read rounds",
        "write rounds",
        "calls",
        "items read",
        "wall ms (median)",
        "DynamoDB busy ms (median)",
        "function CPU ms (median)",
        "wall / wall at smallest",
    ]);
    let requests = [
        ("GET /room (v1)", "rooms"),
        ("GET /room (v4)", "rooms"),
        ("GET /room/{token} (v1)", "participants"),
    ];
    for (label, unit) in requests {
        let mut smallest = None;
        for &size in sizes {
            let lister = format!("lister{size}");
            let call = match label {
                "GET /room (v1)" => Call::new("GET", "/room", Some(&lister)),
                "GET /room (v4)" => Call::new("GET", "/room", Some(&lister)).at(V4_ROOMS),
                _ => Call::new("GET", &format!("/room/big{size}"), Some(&format!("owner{size}"))),
            };
            let Measured { stats, wall, busy, cpu } = measure(&env, &call, repeats).await;
            let base = *smallest.get_or_insert(wall);
            table.row(vec![
                label.to_string(),
                format!("{size} {unit}"),
                stats.read_rounds.to_string(),
                stats.write_rounds.to_string(),
                stats.calls().to_string(),
                stats.items_read.to_string(),
                ms(wall),
                ms(busy),
                ms(cpu),
                format!("{:.2}", wall.as_secs_f64() / base.as_secs_f64()),
            ]);
        }
    }
    table
}
