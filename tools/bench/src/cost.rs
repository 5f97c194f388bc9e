//! Part 1: the DynamoDB cost of every route of spec §1, in its main success case and its main
//! refusal case, and of every API v4 and chat route in each of its fixtures
//! (`events/*/v4-*.json`, `events/chat/`: success and refusals), counted by the store's SDK interceptor on a freshly seeded fixture
//! world.

use talk::store::CallStats;
use talk_tests::{TestEnv, fixture_files, seed_fixture_world, workspace_root};

use crate::events::Call;
use crate::report::Table;

/// The guest of `fixtpublic` in the fixture world.
const GUEST_COOKIE: &str = "talk_guest_fixtpublic=fixture-guest-secret";

/// Read rounds a request may take (design.md).
pub const READ_BUDGET: usize = 2;
/// Write rounds a request may take (design.md).
pub const WRITE_BUDGET: usize = 3;

/// A measured request: what it is, the calls made before it (not counted), and its status.
struct Case {
    route: &'static str,
    function: &'static str,
    kind: &'static str,
    setup: Vec<Call>,
    call: Call,
    expected: u16,
}

fn case(route: &'static str, function: &'static str, kind: &'static str, call: Call, expected: u16) -> Case {
    Case {
        route,
        function,
        kind,
        setup: Vec::new(),
        call,
        expected,
    }
}

fn cases() -> Vec<Case> {
    let room = |rest: &str| format!("/room/fixtgroup{rest}");
    let public = |rest: &str| format!("/room/fixtpublic{rest}");
    let promote_bob = Call::new("POST", &room("/moderators"), Some("alice")).param("participant", "bob");
    vec![
        case(
            "GET /room",
            "rooms",
            "success",
            Call::new("GET", "/room", Some("alice")),
            200,
        ),
        case(
            "GET /room",
            "rooms",
            "wrong password",
            Call::new("GET", "/room", Some("alice")).wrong_password(),
            401,
        ),
        case(
            "POST /room",
            "rooms",
            "success (group)",
            Call::new("POST", "/room", Some("alice"))
                .param("roomType", "2")
                .param("roomName", "Bench"),
            201,
        ),
        case(
            "POST /room",
            "rooms",
            "unknown invitee",
            Call::new("POST", "/room", Some("alice"))
                .param("roomType", "1")
                .param("invite", "nobody"),
            404,
        ),
        case(
            "GET /room/{token}",
            "rooms",
            "success",
            Call::new("GET", &room(""), Some("bob")),
            200,
        ),
        case(
            "GET /room/{token}",
            "rooms",
            "non-participant",
            Call::new("GET", &room(""), Some("carol")),
            404,
        ),
        case(
            "PUT /room/{token}",
            "rooms",
            "success",
            Call::new("PUT", &room(""), Some("alice")).param("roomName", "Renamed"),
            200,
        ),
        case(
            "PUT /room/{token}",
            "rooms",
            "plain user",
            Call::new("PUT", &room(""), Some("bob")).param("roomName", "Renamed"),
            403,
        ),
        case(
            "DELETE /room/{token}",
            "rooms",
            "success",
            Call::new("DELETE", &room(""), Some("alice")),
            200,
        ),
        case(
            "DELETE /room/{token}",
            "rooms",
            "plain user",
            Call::new("DELETE", &room(""), Some("bob")),
            403,
        ),
        case(
            "PUT /room/{token}/read-only",
            "rooms",
            "success",
            Call::new("PUT", &room("/read-only"), Some("alice")).param("state", "1"),
            200,
        ),
        case(
            "PUT /room/{token}/read-only",
            "rooms",
            "plain user",
            Call::new("PUT", &room("/read-only"), Some("bob")).param("state", "1"),
            403,
        ),
        case(
            "POST /room/{token}/public",
            "public",
            "success",
            Call::new("POST", &room("/public"), Some("alice")),
            200,
        ),
        case(
            "POST /room/{token}/public",
            "public",
            "plain user",
            Call::new("POST", &room("/public"), Some("bob")),
            403,
        ),
        case(
            "DELETE /room/{token}/public",
            "public",
            "success",
            Call::new("DELETE", &public("/public"), Some("alice")),
            200,
        ),
        case(
            "DELETE /room/{token}/public",
            "public",
            "plain user",
            Call::new("DELETE", &room("/public"), Some("bob")),
            403,
        ),
        case(
            "PUT /room/{token}/password",
            "password",
            "success",
            Call::new("PUT", &public("/password"), Some("alice")).param("password", "bench-secret"),
            200,
        ),
        case(
            "PUT /room/{token}/password",
            "password",
            "plain user",
            Call::new("PUT", &room("/password"), Some("bob")).param("password", "bench-secret"),
            403,
        ),
        case(
            "POST /room/{token}/favorite",
            "favorite",
            "success",
            Call::new("POST", &room("/favorite"), Some("bob")),
            200,
        ),
        case(
            "POST /room/{token}/favorite",
            "favorite",
            "non-participant",
            Call::new("POST", &room("/favorite"), Some("carol")),
            404,
        ),
        case(
            "DELETE /room/{token}/favorite",
            "favorite",
            "success",
            Call::new("DELETE", &room("/favorite"), Some("bob")),
            200,
        ),
        case(
            "DELETE /room/{token}/favorite",
            "favorite",
            "non-participant",
            Call::new("DELETE", &room("/favorite"), Some("carol")),
            404,
        ),
        case(
            "POST /room/{token}/notify",
            "notify",
            "success",
            Call::new("POST", &room("/notify"), Some("bob")).param("level", "1"),
            200,
        ),
        case(
            "POST /room/{token}/notify",
            "notify",
            "non-participant",
            Call::new("POST", &room("/notify"), Some("carol")).param("level", "1"),
            404,
        ),
        case(
            "GET /room/{token}/participants",
            "participants",
            "success",
            Call::new("GET", &room("/participants"), Some("alice")),
            200,
        ),
        case(
            "GET /room/{token}/participants",
            "participants",
            "non-participant",
            Call::new("GET", &room("/participants"), Some("carol")),
            404,
        ),
        case(
            "POST /room/{token}/participants",
            "participants",
            "success",
            Call::new("POST", &room("/participants"), Some("alice")).param("newParticipant", "carol"),
            200,
        ),
        case(
            "POST /room/{token}/participants",
            "participants",
            "plain user",
            Call::new("POST", &room("/participants"), Some("bob")).param("newParticipant", "carol"),
            403,
        ),
        case(
            "DELETE /room/{token}/participants",
            "participants",
            "success",
            Call::new("DELETE", &room("/participants"), Some("alice")).param("participant", "bob"),
            200,
        ),
        case(
            "DELETE /room/{token}/participants",
            "participants",
            "plain user",
            Call::new("DELETE", &room("/participants"), Some("bob")).param("participant", "alice"),
            403,
        ),
        case(
            "DELETE /room/{token}/participants/self",
            "participants",
            "success",
            Call::new("DELETE", &room("/participants/self"), Some("bob")),
            200,
        ),
        case(
            "DELETE /room/{token}/participants/self",
            "participants",
            "non-participant",
            Call::new("DELETE", &room("/participants/self"), Some("carol")),
            404,
        ),
        case(
            "POST /room/{token}/participants/active",
            "participants",
            "success (member)",
            Call::new("POST", &room("/participants/active"), Some("bob")),
            200,
        ),
        case(
            "POST /room/{token}/participants/active",
            "participants",
            "success (guest)",
            Call::new("POST", &public("/participants/active"), None),
            200,
        ),
        case(
            "POST /room/{token}/participants/active",
            "participants",
            "non-participant",
            Call::new("POST", &room("/participants/active"), Some("carol")),
            404,
        ),
        case(
            "DELETE /room/{token}/participants/active",
            "participants",
            "success (guest)",
            Call::new("DELETE", &public("/participants/active"), None).cookie(GUEST_COOKIE),
            200,
        ),
        case(
            "DELETE /room/{token}/participants/active",
            "participants",
            "no session",
            Call::new("DELETE", &public("/participants/active"), None),
            200,
        ),
        case(
            "POST /room/{token}/moderators",
            "participants",
            "success",
            promote_bob.clone(),
            200,
        ),
        case(
            "POST /room/{token}/moderators",
            "participants",
            "plain user",
            Call::new("POST", &room("/moderators"), Some("bob")).param("participant", "alice"),
            403,
        ),
        Case {
            setup: vec![promote_bob],
            ..case(
                "DELETE /room/{token}/moderators",
                "participants",
                "success",
                Call::new("DELETE", &room("/moderators"), Some("alice")).param("participant", "bob"),
                200,
            )
        },
        case(
            "DELETE /room/{token}/moderators",
            "participants",
            "plain user",
            Call::new("DELETE", &room("/moderators"), Some("bob")).param("participant", "alice"),
            403,
        ),
        case(
            "GET /cloud/capabilities",
            "capabilities",
            "success",
            Call::new("GET", "", Some("alice")).at("/ocs/v2.php/cloud/capabilities"),
            200,
        ),
        case(
            "GET /cloud/capabilities",
            "capabilities",
            "no OCS-APIRequest",
            Call::new("GET", "", Some("alice"))
                .at("/ocs/v2.php/cloud/capabilities")
                .without_ocs_header(),
            412,
        ),
    ]
}

/// Runs `call` through its function's handler on `env`; the HTTP status.
pub async fn invoke(env: &TestEnv, function: &str, call: &Call) -> u16 {
    let function = talkctl::functions::function(function).expect("a function of this build");
    function.handle(&env.app, call.request()).await.status().as_u16()
}

/// Whether a request stayed within the round-trip budget.
pub fn verdict(stats: &CallStats) -> &'static str {
    if stats.read_rounds <= READ_BUDGET && stats.write_rounds <= WRITE_BUDGET {
        "within"
    } else {
        "OVER"
    }
}

/// One row of the table: the measured request's route, case, status and counts.
fn row(route: String, kind: String, status: String, stats: &CallStats) -> Vec<String> {
    vec![
        route,
        kind,
        status,
        format!("{} ({}+{})", stats.calls(), stats.read_calls, stats.write_calls),
        stats.read_rounds.to_string(),
        stats.write_rounds.to_string(),
        stats.items_read.to_string(),
        stats.items_written.to_string(),
        verdict(stats).to_string(),
    ]
}

/// The API v4 fixtures (`events/<function>/v4-*.json`) and the chat fixtures
/// (`events/chat/`): function, file name and event text.
fn v4_and_chat_fixtures() -> Vec<(String, String, String)> {
    fixture_files()
        .into_iter()
        .filter_map(|file| {
            let (function, name) = file.split_once('/')?;
            (name.starts_with("v4-") || function == "chat").then(|| {
                let text =
                    std::fs::read_to_string(workspace_root().join("events").join(&file)).expect("a readable fixture");
                (function.to_string(), name.trim_end_matches(".json").to_string(), text)
            })
        })
        .collect()
}

/// The table of part 1./// The table of part 1.
pub async fn run() -> Table {
    let mut table = Table::new(&[
        "route",
        "case",
        "status",
        "calls (R+W)",
        "read rounds",
        "write rounds",
        "items read",
        "items written",
        "budget",
    ]);
    for case in cases() {
        let env = TestEnv::new().await;
        seed_fixture_world(&env).await;
        for call in &case.setup {
            invoke(&env, case.function, call).await;
        }
        env.store().calls().reset();
        let status = invoke(&env, case.function, &case.call).await;
        let stats = env.store().calls().snapshot();
        let status = if status == case.expected {
            status.to_string()
        } else {
            format!("{status} (expected {})", case.expected)
        };
        table.row(row(case.route.to_string(), case.kind.to_string(), status, &stats));
    }
    for (function, name, text) in v4_and_chat_fixtures() {
        let env = TestEnv::new().await;
        seed_fixture_world(&env).await;
        let request = lambda_http::request::from_str(&text).expect("a fixture parses");
        let route = request
            .uri()
            .path()
            .replace("/ocs/v2.php/apps/spreed/api/v4", "v4 ")
            .replace("/ocs/v2.php/apps/spreed/api/v1", "")
            .replace("fixtgroup", "{token}")
            .replace("fixtpublic", "{token}")
            .replace("fixtdirect", "{token}")
            .replace(&talkctl::fixtures::FIXTURE_MESSAGE_ID.to_string(), "{messageId}");
        let route = format!("{} {route}", request.method());
        let function = talkctl::functions::function(&function).expect("a function of this build");
        env.store().calls().reset();
        let status = function.handle(&env.app, request).await.status().as_u16();
        let stats = env.store().calls().snapshot();
        table.row(row(route, format!("fixture {name}"), status.to_string(), &stats));
    }
    table
}
