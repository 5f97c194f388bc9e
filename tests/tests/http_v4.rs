//! Conversation API v4 end to end through the local server (v4 spec §1–§9): the routes, the v4
//! room and participant objects, `{"error": …}` bodies, `data: null` answers, the Talk headers,
//! rooms seen through both versions, ported Talk scenarios (§11), and nc-py-api driving the
//! API unmodified (§12).

use hyper::{Method, StatusCode};
use serde_json::{Value, json};
use talk_tests::TestEnv;
use talk_tests::http::{Answer, Client};

const V4: &str = "/ocs/v2.php/apps/spreed/api/v4";
const V1: &str = "/ocs/v2.php/apps/spreed/api/v1";

struct World {
    client: Client,
    secrets: Vec<(&'static str, String)>,
    env: TestEnv,
}

async fn world() -> World {
    let users = [
        ("alice", "Alice A"),
        ("bob", "Bob B"),
        ("carol", "Carol C"),
        ("dave", "Dave D"),
    ];
    let (env, client, secrets) = talk_tests::serve_with_users(&users).await;
    env.add_group("team", &["alice", "bob", "carol"]).await;
    World { client, secrets, env }
}

impl World {
    fn secret(&self, user: &str) -> &str {
        &self
            .secrets
            .iter()
            .find(|(uid, _)| *uid == user)
            .expect("a known user")
            .1
    }

    async fn send(&self, user: &str, method: Method, path: &str, form: &[(&str, &str)]) -> Answer {
        let call = self.client.call(method, path).user(user, self.secret(user)).json();
        if form.is_empty() {
            call.send().await
        } else {
            call.form(form).send().await
        }
    }

    async fn v4(&self, user: &str, method: Method, path: &str, form: &[(&str, &str)]) -> Answer {
        self.send(user, method, &format!("{V4}{path}"), form).await
    }

    async fn create(&self, user: &str, form: &[(&str, &str)]) -> Value {
        let answer = self.v4(user, Method::POST, "/room", form).await;
        assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
        answer.data()
    }

    async fn participants(&self, user: &str, token: &str) -> Vec<Value> {
        let answer = self
            .v4(user, Method::GET, &format!("/room/{token}/participants"), &[])
            .await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
        answer.data().as_array().cloned().unwrap_or_default()
    }
}

/// A request (user, method, path below v4, form) and the status and `data` it must get.
type Refusal<'a> = (&'a str, Method, String, Vec<(&'a str, &'a str)>, StatusCode, Value);

fn token(room: &Value) -> String {
    room["token"].as_str().expect("a token").to_string()
}

fn attendee(list: &[Value], actor_type: &str, actor_id: &str) -> i64 {
    list.iter()
        .find(|p| p["actorType"] == actor_type && p["actorId"] == actor_id)
        .and_then(|p| p["attendeeId"].as_i64())
        .unwrap_or_else(|| panic!("{actor_type}/{actor_id} in {list:?}"))
}

#[tokio::test]
async fn nc_py_api_drives_the_v4_routes_unmodified() {
    let w = world().await;
    w.env.add_group("admin", &["alice", "bob"]).await;
    let python = talk_tests::workspace_root().join(".venv/bin/python");
    let script = talk_tests::workspace_root().join("tests/clients/nc_py_api_talk.py");
    let url = w.client.base_url().to_string();
    let args = [
        url,
        "alice".to_string(),
        w.secret("alice").to_string(),
        "bob".to_string(),
        w.secret("bob").to_string(),
        "admin".to_string(),
    ];
    // The server runs on this test's runtime: the client waits on a blocking thread.
    let run = {
        let python = python.clone();
        tokio::task::spawn_blocking(move || std::process::Command::new(python).arg(script).args(args).output())
    };
    let output = run
        .await
        .expect("the client thread finishes")
        .unwrap_or_else(|error| panic!("{} runs (tools/venv installs it): {error}", python.display()));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stdout.trim_end().ends_with("ok"),
        "nc-py-api run failed:\n{stdout}\n{stderr}"
    );
    w.env.assert_invariants().await;
}

#[tokio::test]
async fn the_v4_room_object_and_the_headers() {
    let w = world().await;
    let room = w.create("alice", &[("roomType", "3"), ("roomName", "Open")]).await;
    assert_eq!(room["type"], 3);
    assert_eq!(room["participantType"], 1);
    assert_eq!(room["permissions"], 254);
    assert_eq!(room["actorType"], "users");
    assert_eq!(room["actorId"], "alice");
    assert!(room["attendeeId"].as_i64().unwrap() > 0);
    assert_eq!(room["hasCall"], false);
    assert_eq!(room["canStartCall"], false);
    assert_eq!(room["lastMessage"]["systemMessage"], "conversation_created");
    assert_eq!(room["lastMessage"]["message"], "You created the conversation");
    assert_eq!(room["lastReadMessage"], room["lastMessage"]["id"]);
    assert!(
        room.get("participants").is_none(),
        "v4 room objects have no participant map"
    );

    let list = w.v4("alice", Method::GET, "/room", &[]).await;
    assert_eq!(list.status, StatusCode::OK);
    assert_eq!(list.header("x-nextcloud-talk-hash").map(str::len), Some(40));
    let before: i64 = list
        .header("x-nextcloud-talk-modified-before")
        .expect("Modified-Before")
        .parse()
        .unwrap();
    assert_eq!(list.data().as_array().unwrap().len(), 1);
    let none = w
        .v4(
            "alice",
            Method::GET,
            &format!("/room?modifiedSince={}", before + 2),
            &[],
        )
        .await;
    assert_eq!(none.data(), json!([]));
    let without = w.v4("alice", Method::GET, "/room?includeLastMessage=0", &[]).await;
    assert!(without.data()[0].get("lastMessage").is_none());

    let t = token(&room);
    let got = w.v4("alice", Method::GET, &format!("/room/{t}"), &[]).await;
    assert!(got.header("x-nextcloud-talk-hash").is_some());
    assert_eq!(got.data()["token"], t.as_str());
    let outsider = w.v4("dave", Method::GET, &format!("/room/{t}"), &[]).await;
    assert_eq!(outsider.data()["participantType"], 4);
    assert_eq!(outsider.data()["permissions"], 1);
    assert!(outsider.data().get("lastMessage").is_none());
}

#[tokio::test]
async fn setters_answer_the_room_object_and_removals_null() {
    let w = world().await;
    let t = token(&w.create("alice", &[("roomType", "2"), ("roomName", "Team")]).await);
    let renamed = w
        .v4("alice", Method::PUT, &format!("/room/{t}"), &[("roomName", "Renamed")])
        .await;
    assert_eq!(renamed.status, StatusCode::OK);
    assert_eq!(renamed.data()["name"], "Renamed");
    assert_eq!(renamed.data()["lastMessage"]["systemMessage"], "conversation_renamed");
    let described = w
        .v4(
            "alice",
            Method::PUT,
            &format!("/room/{t}/description"),
            &[("description", " Plans ")],
        )
        .await;
    assert_eq!(described.data()["description"], "Plans");
    assert_eq!(described.data()["lastMessage"]["systemMessage"], "description_set");
    let favorite = w.v4("alice", Method::POST, &format!("/room/{t}/favorite"), &[]).await;
    assert_eq!(favorite.data()["isFavorite"], true);
    let notify = w
        .v4("alice", Method::POST, &format!("/room/{t}/notify"), &[("level", "1")])
        .await;
    assert_eq!(notify.data()["notificationLevel"], 1);
    let locked = w
        .v4("alice", Method::PUT, &format!("/room/{t}/read-only"), &[("state", "1")])
        .await;
    assert_eq!(locked.data()["readOnly"], 1);
    let public = w.v4("alice", Method::POST, &format!("/room/{t}/public"), &[]).await;
    assert_eq!(public.data()["type"], 3);
    let password = w
        .v4(
            "alice",
            Method::PUT,
            &format!("/room/{t}/password"),
            &[("password", "secret")],
        )
        .await;
    assert_eq!(password.data()["hasPassword"], true);
    let defaults = w
        .v4(
            "alice",
            Method::PUT,
            &format!("/room/{t}/permissions/default"),
            &[("permissions", "128")],
        )
        .await;
    assert_eq!(defaults.data()["defaultPermissions"], 129);
    let deleted = w.v4("alice", Method::DELETE, &format!("/room/{t}"), &[]).await;
    assert_eq!(deleted.status, StatusCode::OK);
    assert_eq!(deleted.data(), Value::Null);
    let gone = w.v4("alice", Method::GET, &format!("/room/{t}"), &[]).await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn controller_errors_name_their_reason_and_v1_keeps_empty_data() {
    let w = world().await;
    let group = token(&w.create("alice", &[("roomType", "2"), ("roomName", "Team")]).await);
    let too_long = "n".repeat(256);
    let cases: [Refusal; 7] = [
        (
            "alice",
            Method::POST,
            "/room".into(),
            vec![("roomType", "1"), ("invite", "nobody")],
            StatusCode::NOT_FOUND,
            json!({"error": "invite"}),
        ),
        (
            "alice",
            Method::POST,
            "/room".into(),
            vec![("roomType", "1"), ("invite", "alice")],
            StatusCode::FORBIDDEN,
            json!({"error": "invite"}),
        ),
        (
            "alice",
            Method::POST,
            "/room".into(),
            vec![("roomType", "2"), ("roomName", "  ")],
            StatusCode::BAD_REQUEST,
            json!({"error": "name"}),
        ),
        (
            "alice",
            Method::PUT,
            format!("/room/{group}/password"),
            vec![("password", "x")],
            StatusCode::BAD_REQUEST,
            json!({"error": "type"}),
        ),
        (
            "alice",
            Method::POST,
            format!("/room/{group}/notify"),
            vec![("level", "0")],
            StatusCode::BAD_REQUEST,
            json!({"error": "level"}),
        ),
        (
            "alice",
            Method::PUT,
            format!("/room/{group}"),
            vec![("roomName", &too_long)],
            StatusCode::BAD_REQUEST,
            json!({"error": "value"}),
        ),
        (
            "bob",
            Method::PUT,
            format!("/room/{group}"),
            vec![("roomName", "x")],
            StatusCode::NOT_FOUND,
            json!([]),
        ),
    ];
    for (user, method, path, form, status, data) in cases {
        let answer = w.v4(user, method.clone(), &path, &form).await;
        assert_eq!((answer.status, answer.data()), (status, data), "{method} {path}");
    }
    // The same refusal through v1 keeps `data: []`.
    let v1 = w
        .send(
            "alice",
            Method::POST,
            &format!("{V1}/room"),
            &[("roomType", "1"), ("invite", "nobody")],
        )
        .await;
    assert_eq!((v1.status, v1.data()), (StatusCode::NOT_FOUND, json!([])));
    // 255 characters are a valid v4 name (chat-3/public.feature), 201 over v1's 200.
    let long = w
        .v4(
            "alice",
            Method::POST,
            "/room",
            &[("roomType", "3"), ("roomName", &"n".repeat(255))],
        )
        .await;
    assert_eq!(long.status, StatusCode::CREATED);
}

#[tokio::test]
async fn one_to_one_adds_only_the_creator_until_the_other_joins() {
    // conversation-3/one-to-one.feature, Talk 21.1.
    let w = world().await;
    let room = w.create("alice", &[("roomType", "1"), ("invite", "bob")]).await;
    let t = token(&room);
    assert_eq!(room["name"], "bob");
    assert_eq!(room["displayName"], "Bob B");
    assert_eq!(room["canDeleteConversation"], false);
    assert_eq!(
        w.v4("bob", Method::GET, &format!("/room/{t}"), &[]).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(w.v4("bob", Method::GET, "/room", &[]).await.data(), json!([]));
    let again = w
        .v4("alice", Method::POST, "/room", &[("roomType", "1"), ("invite", "bob")])
        .await;
    assert_eq!((again.status, token(&again.data())), (StatusCode::OK, t.clone()));
    let joined = w
        .v4("bob", Method::POST, "/room", &[("roomType", "1"), ("invite", "alice")])
        .await;
    assert_eq!((joined.status, token(&joined.data())), (StatusCode::OK, t.clone()));
    let list = w.participants("alice", &t).await;
    assert_eq!(list.len(), 2);
    assert!(list.iter().all(|p| p["participantType"] == 1));
    // Through v1 the same room shows both users; a v1 one-to-one has both from the start.
    let v1 = w
        .send(
            "carol",
            Method::POST,
            &format!("{V1}/room"),
            &[("roomType", "1"), ("invite", "dave")],
        )
        .await;
    let v1_token = token(&v1.data());
    assert_eq!(w.participants("dave", &v1_token).await.len(), 2);
    let refused = w.v4("alice", Method::DELETE, &format!("/room/{t}"), &[]).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn group_invitations_add_the_group_attendee_and_its_members() {
    let w = world().await;
    let room = w.create("alice", &[("roomType", "2"), ("invite", "team")]).await;
    let t = token(&room);
    assert_eq!(room["name"], "team");
    let list = w.participants("alice", &t).await;
    let actors: Vec<(String, String, i64)> = list
        .iter()
        .map(|p| {
            (
                p["actorType"].as_str().unwrap().to_string(),
                p["actorId"].as_str().unwrap().to_string(),
                p["participantType"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        actors,
        [
            ("users".into(), "alice".into(), 1),
            ("users".into(), "bob".into(), 3),
            ("users".into(), "carol".into(), 3),
            ("groups".into(), "team".into(), 3),
        ]
    );
    let keys: Vec<&str> = list[0].as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "roomToken",
            "inCall",
            "lastPing",
            "sessionIds",
            "participantType",
            "attendeeId",
            "actorId",
            "actorType",
            "displayName",
            "permissions",
            "attendeePermissions",
            "attendeePin",
            "phoneNumber",
            "callId"
        ]
    );
    let mut ids: Vec<i64> = list.iter().map(|p| p["attendeeId"].as_i64().unwrap()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 4, "attendee ids are distinct");
    assert_eq!(
        w.participants("bob", &t).await,
        list,
        "attendee ids are stable across reads and readers"
    );
    let unknown = w
        .v4(
            "alice",
            Method::POST,
            &format!("/room/{t}/participants"),
            &[("newParticipant", "nogroup"), ("source", "groups")],
        )
        .await;
    assert_eq!(
        (unknown.status, unknown.data()),
        (StatusCode::NOT_FOUND, json!({"error": "new-participant"}))
    );
    let added = w
        .v4(
            "alice",
            Method::POST,
            &format!("/room/{t}/participants"),
            &[("newParticipant", "dave")],
        )
        .await;
    assert_eq!((added.status, added.data()), (StatusCode::OK, json!([])));
    assert_eq!(w.participants("dave", &t).await.len(), 5);
}

#[tokio::test]
async fn attendees_moderators_and_permissions_by_attendee_id() {
    // conversation-4/remove-participant.feature and promotion-demotion.feature, by attendeeId.
    let w = world().await;
    let t = token(&w.create("alice", &[("roomType", "2"), ("invite", "team")]).await);
    let list = w.participants("alice", &t).await;
    let (alice, bob, carol, team) = (
        attendee(&list, "users", "alice"),
        attendee(&list, "users", "bob"),
        attendee(&list, "users", "carol"),
        attendee(&list, "groups", "team"),
    );
    let id = |n: i64| n.to_string();
    let by_user = w
        .v4(
            "bob",
            Method::POST,
            &format!("/room/{t}/moderators"),
            &[("attendeeId", &id(carol))],
        )
        .await;
    assert_eq!(by_user.status, StatusCode::FORBIDDEN);
    let promoted = w
        .v4(
            "alice",
            Method::POST,
            &format!("/room/{t}/moderators"),
            &[("attendeeId", &id(bob))],
        )
        .await;
    assert_eq!((promoted.status, promoted.data()), (StatusCode::OK, Value::Null));
    let self_demote = w
        .v4(
            "bob",
            Method::DELETE,
            &format!("/room/{t}/moderators"),
            &[("attendeeId", &id(bob))],
        )
        .await;
    assert_eq!(self_demote.status, StatusCode::FORBIDDEN);
    let group = w
        .v4(
            "alice",
            Method::POST,
            &format!("/room/{t}/moderators"),
            &[("attendeeId", &id(team))],
        )
        .await;
    assert_eq!(group.status, StatusCode::BAD_REQUEST);
    let unknown = w
        .v4(
            "alice",
            Method::POST,
            &format!("/room/{t}/moderators"),
            &[("attendeeId", "12345")],
        )
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);

    let permissions = w
        .v4(
            "alice",
            Method::PUT,
            &format!("/room/{t}/attendees/permissions"),
            &[("attendeeId", &id(carol)), ("method", "set"), ("permissions", "128")],
        )
        .await;
    assert_eq!(permissions.status, StatusCode::OK, "{}", permissions.body);
    assert_eq!(permissions.data()[0]["attendeePermissions"], 129);
    assert_eq!(permissions.data()[0]["permissions"], 129);
    let removed_bits = w
        .v4(
            "alice",
            Method::PUT,
            &format!("/room/{t}/attendees/permissions"),
            &[("attendeeId", &id(carol)), ("method", "remove"), ("permissions", "128")],
        )
        .await;
    assert_eq!(removed_bits.data()[0]["permissions"], 1);
    let moderator = w
        .v4(
            "alice",
            Method::PUT,
            &format!("/room/{t}/attendees/permissions"),
            &[("attendeeId", &id(bob)), ("method", "set"), ("permissions", "128")],
        )
        .await;
    assert_eq!(
        (moderator.status, moderator.data()),
        (StatusCode::FORBIDDEN, json!({"error": "moderator"}))
    );
    let method = w
        .v4(
            "alice",
            Method::PUT,
            &format!("/room/{t}/attendees/permissions"),
            &[("attendeeId", &id(carol)), ("method", "toggle"), ("permissions", "128")],
        )
        .await;
    assert_eq!(method.data(), json!({"error": "method"}));

    let owner = w
        .v4(
            "bob",
            Method::DELETE,
            &format!("/room/{t}/attendees"),
            &[("attendeeId", &id(alice))],
        )
        .await;
    assert_eq!(
        (owner.status, owner.data()),
        (StatusCode::FORBIDDEN, json!({"error": "owner"}))
    );
    let removed = w
        .v4(
            "bob",
            Method::DELETE,
            &format!("/room/{t}/attendees"),
            &[("attendeeId", &id(carol))],
        )
        .await;
    assert_eq!((removed.status, removed.data()), (StatusCode::OK, Value::Null));
    assert_eq!(
        w.v4("carol", Method::GET, &format!("/room/{t}"), &[]).await.status,
        StatusCode::NOT_FOUND
    );
    let group_gone = w
        .v4(
            "alice",
            Method::DELETE,
            &format!("/room/{t}/attendees"),
            &[("attendeeId", &id(team))],
        )
        .await;
    assert_eq!(group_gone.status, StatusCode::OK);
    let after = w.participants("alice", &t).await;
    assert!(after.iter().all(|p| p["actorType"] == "users"));
    let missing = w
        .v4(
            "alice",
            Method::DELETE,
            &format!("/room/{t}/attendees"),
            &[("attendeeId", &id(carol))],
        )
        .await;
    assert_eq!(
        (missing.status, missing.data()),
        (StatusCode::NOT_FOUND, json!({"error": "participant"}))
    );
    let left = w
        .v4("bob", Method::DELETE, &format!("/room/{t}/participants/self"), &[])
        .await;
    assert_eq!((left.status, left.data()), (StatusCode::OK, Value::Null));
    w.env.assert_invariants().await;
}

#[tokio::test]
async fn guests_join_v4_rooms_and_see_the_v4_object() {
    // conversation-3/join-leave.feature with a guest.
    let w = world().await;
    let t = token(&w.create("alice", &[("roomType", "3"), ("roomName", "Open")]).await);
    let joined = w
        .client
        .call(Method::POST, &format!("{V4}/room/{t}/participants/active"))
        .ocs()
        .json()
        .send()
        .await;
    assert_eq!(joined.status, StatusCode::OK, "{}", joined.body);
    let guest = joined.data();
    assert_eq!(guest["participantType"], 4);
    assert_eq!(guest["actorType"], "guests");
    assert_eq!(guest["permissions"], 246);
    assert_eq!(guest["canLeaveConversation"], false);
    assert_ne!(guest["sessionId"], "0");
    let cookie = joined
        .header("set-cookie")
        .and_then(|c| c.split(';').next())
        .expect("a guest cookie")
        .to_string();
    let listed = w
        .client
        .call(Method::GET, &format!("{V4}/room/{t}/participants"))
        .ocs()
        .json()
        .header("cookie", &cookie)
        .send()
        .await;
    assert_eq!(listed.status, StatusCode::FORBIDDEN, "plain guests may not list");
    let list = w.participants("alice", &t).await;
    let session_ids = &list.iter().find(|p| p["actorType"] == "guests").unwrap()["sessionIds"];
    assert_eq!(session_ids, &json!([guest["sessionId"]]));
    let left = w
        .client
        .call(Method::DELETE, &format!("{V4}/room/{t}/participants/active"))
        .ocs()
        .json()
        .header("cookie", &cookie)
        .send()
        .await;
    assert_eq!((left.status, left.data()), (StatusCode::OK, Value::Null));
    // Making the room private removes guests; through v4 guest moderators too (v4 §6.8).
    let private = w.v4("alice", Method::DELETE, &format!("/room/{t}/public"), &[]).await;
    assert_eq!(private.data()["type"], 2);
}

#[tokio::test]
async fn a_room_made_through_v1_is_seen_through_v4_and_back() {
    let w = world().await;
    let v1 = w
        .send(
            "alice",
            Method::POST,
            &format!("{V1}/room"),
            &[("roomType", "2"), ("roomName", "Old")],
        )
        .await;
    let t = token(&v1.data());
    let seen = w.v4("alice", Method::GET, &format!("/room/{t}"), &[]).await;
    assert_eq!(seen.data()["displayName"], "Old");
    w.v4(
        "alice",
        Method::PUT,
        &format!("/room/{t}/description"),
        &[("description", "New")],
    )
    .await;
    let back = w.send("alice", Method::GET, &format!("{V1}/room/{t}"), &[]).await;
    assert_eq!(back.data()["lastMessage"]["systemMessage"], "description_set");
    assert_eq!(back.data()["lastMessage"]["message"], "You set the description");
    let v1_list = w.send("alice", Method::GET, &format!("{V1}/room"), &[]).await;
    let v4_list = w.v4("alice", Method::GET, "/room", &[]).await;
    assert_eq!(v1_list.data()[0]["token"], v4_list.data()[0]["token"]);
    // v1's own routes do not exist under v4 and v4's do not under v1.
    let guests = w
        .v4("alice", Method::DELETE, &format!("/room/{t}/participants/guests"), &[])
        .await;
    assert_eq!(guests.status, StatusCode::NOT_FOUND);
    let description = w
        .send(
            "alice",
            Method::PUT,
            &format!("{V1}/room/{t}/description"),
            &[("description", "x")],
        )
        .await;
    assert_eq!(description.status, StatusCode::NOT_FOUND);
}
