//! End-to-end tests of spec §7 (participants, sessions, guests with cookies, room passwords,
//! moderators, leaving) through the local API server, with real cookies.

use std::collections::HashSet;

use hyper::{Method, StatusCode};
use serde_json::{Value, json};
use talk_tests::TestEnv;
use talk_tests::http::{Answer, BASE, Client};

/// Who calls: a user by id, a guest with the cookie they were given, or nobody.
#[derive(Debug, Clone)]
enum As {
    User(&'static str),
    Guest(String),
    Nobody,
}

struct World {
    env: TestEnv,
    client: Client,
    secrets: Vec<(&'static str, String)>,
}

async fn world() -> World {
    let (env, client, secrets) = talk_tests::serve_with_users(&[
        ("alice", "Alice A"),
        ("bob", "Bob B"),
        ("carol", "Carol C"),
        ("dave", "Dave D"),
    ])
    .await;
    World { env, client, secrets }
}

/// The `name=value` of a `Set-Cookie` answer.
fn cookie_of(answer: &Answer) -> String {
    let header = answer
        .headers
        .get("set-cookie")
        .expect("a guest join sets a cookie")
        .to_str()
        .unwrap();
    header.split(';').next().unwrap().to_string()
}

impl World {
    async fn call(&self, who: &As, method: Method, path: &str, form: &[(&str, &str)]) -> Answer {
        let call = self.client.call(method, &format!("{BASE}{path}")).json();
        let call = match who {
            As::User(id) => call.user(id, &self.secrets.iter().find(|(u, _)| u == id).unwrap().1),
            As::Guest(cookie) => call.ocs().header("cookie", cookie),
            As::Nobody => call.ocs(),
        };
        if form.is_empty() {
            call.send().await
        } else {
            call.form(form).send().await
        }
    }

    /// The status of a call by a user with an owned form (for small closures in tests).
    async fn status(
        &self,
        who: &'static str,
        method: Method,
        path: &str,
        form: Vec<(&'static str, &'static str)>,
    ) -> StatusCode {
        self.call(&As::User(who), method, path, &form).await.status
    }

    async fn create(&self, owner: &'static str, form: &[(&str, &str)]) -> String {
        let answer = self.call(&As::User(owner), Method::POST, "/room", form).await;
        assert!(answer.status.is_success(), "{}", answer.body);
        answer.data()["token"].as_str().unwrap().to_string()
    }

    /// A room of `room_type` by alice with bob added through the API.
    async fn room_with_bob(&self, room_type: &str) -> String {
        if room_type == "1" {
            self.create("alice", &[("roomType", "1"), ("invite", "bob")]).await
        } else {
            let token = self
                .create("alice", &[("roomType", room_type), ("roomName", "Room")])
                .await;
            let added = self
                .call(
                    &As::User("alice"),
                    Method::POST,
                    &format!("/room/{token}/participants"),
                    &[("newParticipant", "bob")],
                )
                .await;
            assert_eq!(added.status, StatusCode::OK, "{}", added.body);
            token
        }
    }

    async fn join(&self, who: &As, token: &str, password: Option<&str>) -> Answer {
        let form: Vec<(&str, &str)> = password.map(|p| vec![("password", p)]).unwrap_or_default();
        self.call(who, Method::POST, &format!("/room/{token}/participants/active"), &form)
            .await
    }

    /// Joins as a new guest and returns their cookie.
    async fn guest_joins(&self, token: &str, password: Option<&str>) -> As {
        let answer = self.join(&As::Nobody, token, password).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
        As::Guest(cookie_of(&answer))
    }

    async fn get(&self, who: &As, token: &str) -> Answer {
        self.call(who, Method::GET, &format!("/room/{token}"), &[]).await
    }

    async fn participants(&self, token: &str) -> Vec<(String, i64)> {
        let room = self
            .env
            .store()
            .load_room(&talk::domain::RoomToken::parse(token).unwrap())
            .await
            .unwrap();
        let mut rows: Vec<(String, i64)> = room
            .map(|r| {
                r.participants
                    .iter()
                    .map(|p| (p.actor_id.clone(), p.participant_type.code()))
                    .collect()
            })
            .unwrap_or_default();
        rows.sort();
        rows
    }
}

#[tokio::test]
async fn join_and_leave_matrix() {
    let w = world().await;
    for (room_type, outsiders_get_in) in [("1", false), ("2", false), ("3", true)] {
        let token = w.room_with_bob(room_type).await;
        let member = w.join(&As::User("bob"), &token, None).await;
        assert_eq!(member.status, StatusCode::OK, "type {room_type}: {}", member.body);
        let session = member.data()["sessionId"].as_str().unwrap().to_string();
        assert_eq!(session.len(), 255);
        assert!(session.bytes().all(|b| b.is_ascii_alphanumeric()));
        assert_ne!(member.data()["lastPing"], 0);

        let stranger = w.join(&As::User("carol"), &token, None).await;
        let guest = w.join(&As::Nobody, &token, None).await;
        let expected = if outsiders_get_in {
            StatusCode::OK
        } else {
            StatusCode::NOT_FOUND
        };
        assert_eq!(
            (stranger.status, guest.status),
            (expected, expected),
            "type {room_type}"
        );
        if !outsiders_get_in {
            assert!(guest.headers.get("set-cookie").is_none());
            continue;
        }
        assert_eq!(stranger.data()["participantType"], 5);
        assert_eq!(guest.data()["participantType"], 4);
        let set_cookie = guest.headers["set-cookie"].to_str().unwrap().to_string();
        assert!(set_cookie.starts_with(&format!("talk_guest_{token}=")), "{set_cookie}");
        assert!(
            set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Lax"),
            "{set_cookie}"
        );
        assert!(
            !set_cookie.contains("Secure"),
            "no Secure on the local plain-HTTP server: {set_cookie}"
        );
        let guest_as = As::Guest(cookie_of(&guest));
        assert_eq!(w.get(&guest_as, &token).await.data()["participantType"], 4);
        assert_eq!(w.get(&As::User("alice"), &token).await.data()["numGuests"], 1);

        for who in [As::User("bob"), As::User("carol"), guest_as.clone()] {
            let left = w
                .call(&who, Method::DELETE, &format!("/room/{token}/participants/active"), &[])
                .await;
            assert_eq!((left.status, left.data()), (StatusCode::OK, json!([])), "{who:?}");
        }
        let bob = w.get(&As::User("bob"), &token).await.data();
        assert_eq!(
            (bob["participantType"].clone(), bob["sessionId"].clone()),
            (json!(3), json!("0")),
            "members stay"
        );
        assert_eq!(
            w.get(&As::User("carol"), &token).await.data()["name"],
            "",
            "self-joined users are gone"
        );
        assert_eq!(w.get(&guest_as, &token).await.data()["name"], "", "guests are gone");
        assert_eq!(w.participants(&token).await.len(), 2);
    }
    let nowhere = w
        .call(&As::Nobody, Method::DELETE, "/room/zzzzzzzz/participants/active", &[])
        .await;
    assert_eq!(nowhere.status, StatusCode::OK, "leaving a session always answers 200");
}

#[tokio::test]
async fn room_passwords_keep_out_outsiders_but_not_members() {
    let w = world().await;
    let token = w.room_with_bob("3").await;
    let set = w
        .call(
            &As::User("alice"),
            Method::PUT,
            &format!("/room/{token}/password"),
            &[("password", "letmein")],
        )
        .await;
    assert_eq!(set.status, StatusCode::OK);
    for who in [As::User("carol"), As::Nobody] {
        assert_eq!(
            w.join(&who, &token, None).await.status,
            StatusCode::FORBIDDEN,
            "{who:?} without password"
        );
        assert_eq!(
            w.join(&who, &token, Some("wrong")).await.status,
            StatusCode::FORBIDDEN,
            "{who:?} wrong password"
        );
        assert_eq!(
            w.join(&who, &token, Some("letmein")).await.status,
            StatusCode::OK,
            "{who:?} right password"
        );
    }
    assert_eq!(
        w.join(&As::User("bob"), &token, None).await.status,
        StatusCode::OK,
        "members never need it"
    );
    w.call(
        &As::User("alice"),
        Method::PUT,
        &format!("/room/{token}/password"),
        &[("password", "")],
    )
    .await;
    assert_eq!(
        w.join(&As::User("dave"), &token, None).await.status,
        StatusCode::OK,
        "no password: everyone may join"
    );
    assert_eq!(w.join(&As::Nobody, &token, None).await.status, StatusCode::OK);
}

#[tokio::test]
async fn guests_act_by_their_cookie_and_guest_moderators_moderate() {
    let w = world().await;
    let token = w.room_with_bob("3").await;
    let guest = w.guest_joins(&token, None).await;
    let plain_guest = w.guest_joins(&token, None).await;
    let session = w.get(&guest, &token).await.data()["sessionId"]
        .as_str()
        .unwrap()
        .to_string();
    let promoted = w
        .call(
            &As::User("alice"),
            Method::POST,
            &format!("/room/{token}/moderators"),
            &[("sessionId", &session)],
        )
        .await;
    assert_eq!(promoted.status, StatusCode::OK, "{}", promoted.body);
    assert_eq!(w.get(&guest, &token).await.data()["participantType"], 6);

    let renamed = w
        .call(
            &guest,
            Method::PUT,
            &format!("/room/{token}"),
            &[("roomName", "Guest named")],
        )
        .await;
    assert_eq!(renamed.status, StatusCode::OK, "{}", renamed.body);
    let room = w.get(&As::User("alice"), &token).await.data();
    assert_eq!(room["name"], "Guest named");
    assert_eq!(room["lastMessage"]["actorType"], "guests");
    assert_eq!(room["lastMessage"]["messageParameters"]["actor"]["type"], "guest");
    let password = w
        .call(
            &guest,
            Method::PUT,
            &format!("/room/{token}/password"),
            &[("password", "pw")],
        )
        .await;
    assert_eq!(password.status, StatusCode::OK);

    let path = format!("/room/{token}");
    assert_eq!(
        w.call(&plain_guest, Method::PUT, &path, &[("roomName", "x")])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        w.call(
            &plain_guest,
            Method::PUT,
            &format!("{path}/password"),
            &[("password", "x")]
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    for (method, suffix, form) in [
        (Method::POST, "/favorite", vec![]),
        (Method::POST, "/notify", vec![("level", "1")]),
    ] {
        let answer = w.call(&plain_guest, method, &format!("{path}{suffix}"), &form).await;
        assert_eq!(
            (answer.status, answer.statuscode()),
            (StatusCode::UNAUTHORIZED, 997),
            "{suffix}"
        );
    }
    assert_eq!(
        w.call(&plain_guest, Method::POST, &format!("{path}/public"), &[])
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        w.call(&plain_guest, Method::GET, &format!("{path}/participants"), &[])
            .await
            .status,
        StatusCode::FORBIDDEN
    );

    let stolen = As::Guest(format!(
        "talk_guest_{token}=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    ));
    let seen = w.get(&stolen, &token).await.data();
    assert_eq!(
        (seen["participantType"].clone(), seen["name"].clone()),
        (json!(4), json!("")),
        "a random cookie is nobody"
    );
    assert_eq!(
        w.call(&stolen, Method::PUT, &path, &[("roomName", "x")]).await.status,
        StatusCode::NOT_FOUND
    );
    let other_room = As::Guest(match &guest {
        As::Guest(c) => c.replace(&token, "zzzzzzzz"),
        _ => unreachable!(),
    });
    assert_eq!(
        w.call(&other_room, Method::PUT, &path, &[("roomName", "x")])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn leaving_a_conversation() {
    let w = world().await;
    let token = w.room_with_bob("2").await;
    let self_path = format!("/room/{token}/participants/self");
    let leave = |who| w.status(who, Method::DELETE, &self_path, vec![]);
    assert_eq!(
        leave("alice").await,
        StatusCode::BAD_REQUEST,
        "the last moderator may not leave others behind"
    );
    assert_eq!(leave("carol").await, StatusCode::NOT_FOUND);
    let bob_left = leave("bob").await;
    assert_eq!(bob_left, StatusCode::OK);
    let last = w.get(&As::User("alice"), &token).await.data()["lastMessage"].clone();
    assert_eq!(
        (last["systemMessage"].clone(), last["message"].clone()),
        (json!("user_removed"), json!("{actor} left the conversation"))
    );
    assert_eq!(w.get(&As::User("bob"), &token).await.status, StatusCode::NOT_FOUND);
    assert_eq!(leave("alice").await, StatusCode::OK, "alone, the owner may leave");
    assert_eq!(w.get(&As::User("alice"), &token).await.status, StatusCode::NOT_FOUND);
    let keys = w.env.store().scan_keys().await.unwrap();
    assert!(
        keys.iter().all(|(pk, _)| *pk != format!("ROOM#{token}")),
        "the room is deleted: {keys:?}"
    );
    let anonymous = w
        .call(&As::Nobody, Method::DELETE, "/room/zzzzzzzz/participants/self", &[])
        .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn leaving_a_one_to_one_room_and_creating_it_again() {
    let w = world().await;
    let token = w.room_with_bob("1").await;
    let left = w
        .call(
            &As::User("alice"),
            Method::DELETE,
            &format!("/room/{token}/participants/self"),
            &[],
        )
        .await;
    assert_eq!(left.status, StatusCode::OK);
    assert_eq!(w.get(&As::User("alice"), &token).await.status, StatusCode::NOT_FOUND);
    let bob_view = w.get(&As::User("bob"), &token).await.data();
    assert_eq!(
        (bob_view["name"].clone(), bob_view["displayName"].clone()),
        (json!("alice"), json!("Alice A"))
    );
    let again = w
        .call(
            &As::User("alice"),
            Method::POST,
            "/room",
            &[("roomType", "1"), ("invite", "bob")],
        )
        .await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.data()["token"], token.as_str());
    assert_eq!(
        w.participants(&token).await,
        [("alice".to_string(), 1), ("bob".to_string(), 1)]
    );
    for who in ["alice", "bob"] {
        w.call(
            &As::User(who),
            Method::DELETE,
            &format!("/room/{token}/participants/self"),
            &[],
        )
        .await;
    }
    let keys = w.env.store().scan_keys().await.unwrap();
    assert!(
        keys.iter()
            .all(|(pk, _)| *pk != format!("ROOM#{token}") && !pk.starts_with("PAIR#")),
        "{keys:?}"
    );
    let fresh = w
        .call(
            &As::User("bob"),
            Method::POST,
            "/room",
            &[("roomType", "1"), ("invite", "alice")],
        )
        .await;
    assert_eq!(
        fresh.status,
        StatusCode::CREATED,
        "once both left, the pair gets a new room"
    );
    w.env.assert_invariants().await;
}

#[tokio::test]
async fn promotion_and_demotion_rules() {
    let w = world().await;
    let token = w.room_with_bob("2").await;
    let path = format!("/room/{token}/moderators");
    let mods = |who, method, target| w.status(who, method, &path, vec![("participant", target)]);
    assert_eq!(
        mods("bob", Method::POST, "bob").await,
        StatusCode::FORBIDDEN,
        "plain users may not promote"
    );
    assert_eq!(
        mods("carol", Method::POST, "bob").await,
        StatusCode::NOT_FOUND,
        "strangers learn nothing"
    );
    assert_eq!(
        mods("alice", Method::POST, "carol").await,
        StatusCode::NOT_FOUND,
        "the target must be a participant"
    );
    assert_eq!(mods("alice", Method::POST, "bob").await, StatusCode::OK);
    assert_eq!(w.get(&As::User("bob"), &token).await.data()["participantType"], 2);
    let last = w.get(&As::User("bob"), &token).await.data()["lastMessage"].clone();
    assert_eq!(
        (last["systemMessage"].clone(), last["message"].clone()),
        (json!("moderator_promoted"), json!("{actor} promoted you to moderator"))
    );
    assert_eq!(
        mods("alice", Method::POST, "bob").await,
        StatusCode::BAD_REQUEST,
        "already a moderator"
    );
    assert_eq!(
        mods("bob", Method::DELETE, "bob").await,
        StatusCode::FORBIDDEN,
        "demoting yourself"
    );
    assert_eq!(
        mods("bob", Method::DELETE, "alice").await,
        StatusCode::BAD_REQUEST,
        "owners are not demoted"
    );
    assert_eq!(mods("alice", Method::DELETE, "bob").await, StatusCode::OK);
    assert_eq!(w.get(&As::User("bob"), &token).await.data()["participantType"], 3);
    let missing = w.call(&As::User("alice"), Method::POST, &path, &[]).await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST);
    let pair = w.room_with_bob("1").await;
    let one_to_one = w
        .call(
            &As::User("alice"),
            Method::POST,
            &format!("/room/{pair}/moderators"),
            &[("participant", "bob")],
        )
        .await;
    assert_eq!(one_to_one.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn adding_and_removing_participants() {
    let w = world().await;
    let token = w.room_with_bob("2").await;
    let path = format!("/room/{token}/participants");
    let add = |who, target| w.status(who, Method::POST, &path, vec![("newParticipant", target)]);
    let remove = |who, target| w.status(who, Method::DELETE, &path, vec![("participant", target)]);
    assert_eq!(add("bob", "carol").await, StatusCode::FORBIDDEN);
    assert_eq!(add("carol", "carol").await, StatusCode::NOT_FOUND);
    assert_eq!(add("alice", "nobody").await, StatusCode::NOT_FOUND);
    assert_eq!(add("alice", "carol").await, StatusCode::OK);
    let messages = w
        .env
        .store()
        .messages(&talk::domain::RoomToken::parse(&token).unwrap())
        .await
        .unwrap()
        .len();
    assert_eq!(add("alice", "carol").await, StatusCode::OK, "already a participant");
    assert_eq!(
        w.env
            .store()
            .messages(&talk::domain::RoomToken::parse(&token).unwrap())
            .await
            .unwrap()
            .len(),
        messages
    );
    assert_eq!(
        w.get(&As::User("carol"), &token).await.data()["lastMessage"]["message"],
        "{actor} added you"
    );
    let plain = w
        .call(&As::Nobody, Method::POST, &path, &[("newParticipant", "dave")])
        .await;
    assert_eq!(plain.status, StatusCode::UNAUTHORIZED);

    assert_eq!(remove("bob", "carol").await, StatusCode::FORBIDDEN);
    assert_eq!(remove("dave", "carol").await, StatusCode::NOT_FOUND);
    w.call(
        &As::User("alice"),
        Method::POST,
        &format!("/room/{token}/moderators"),
        &[("participant", "bob")],
    )
    .await;
    assert_eq!(
        remove("bob", "alice").await,
        StatusCode::FORBIDDEN,
        "owners cannot be removed"
    );
    assert_eq!(remove("bob", "dave").await, StatusCode::NOT_FOUND);
    assert_eq!(remove("bob", "carol").await, StatusCode::OK);
    assert_eq!(w.get(&As::User("carol"), &token).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        w.participants(&token).await,
        [("alice".to_string(), 1), ("bob".to_string(), 2)]
    );
    let pair = w.room_with_bob("1").await;
    let one_to_one = w
        .call(
            &As::User("alice"),
            Method::POST,
            &format!("/room/{pair}/participants"),
            &[("newParticipant", "carol")],
        )
        .await;
    assert_eq!(one_to_one.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn participant_list_shows_users_then_guests() {
    let w = world().await;
    let token = w.room_with_bob("3").await;
    let guest = w.guest_joins(&token, None).await;
    w.join(&As::User("carol"), &token, None).await;
    let list = w
        .call(
            &As::User("bob"),
            Method::GET,
            &format!("/room/{token}/participants"),
            &[],
        )
        .await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    let rows = list.data();
    let ids: Vec<&str> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["userId"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["alice", "bob", "carol", ""]);
    let keys: Vec<&str> = rows[0].as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "userId",
            "displayName",
            "participantType",
            "lastPing",
            "sessionId",
            "inCall"
        ]
    );
    assert_eq!(rows[3]["participantType"], 4);
    assert_eq!(
        w.call(&guest, Method::GET, &format!("/room/{token}/participants"), &[])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        w.call(
            &As::User("dave"),
            Method::GET,
            &format!("/room/{token}/participants"),
            &[]
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn making_a_room_private_sends_guests_and_self_joined_users_away() {
    let w = world().await;
    let token = w.room_with_bob("3").await;
    let guest = w.guest_joins(&token, None).await;
    w.join(&As::User("carol"), &token, None).await;
    assert_eq!(
        w.call(
            &As::User("alice"),
            Method::DELETE,
            &format!("/room/{token}/public"),
            &[]
        )
        .await
        .status,
        StatusCode::OK
    );
    assert_eq!(
        w.participants(&token).await,
        [("alice".to_string(), 1), ("bob".to_string(), 3)]
    );
    assert_eq!(w.get(&guest, &token).await.status, StatusCode::NOT_FOUND);
    assert_eq!(w.get(&As::User("carol"), &token).await.status, StatusCode::NOT_FOUND);
    assert_eq!(w.join(&As::Nobody, &token, None).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn twenty_guests_join_at_once() {
    let w = world().await;
    let token = w.room_with_bob("3").await;
    let w = &w;
    let answers = futures::future::join_all((0..20).map(|_| {
        let token = token.clone();
        async move { w.join(&As::Nobody, &token, None).await }
    }))
    .await;
    assert!(
        answers.iter().all(|a| a.status == StatusCode::OK),
        "{:?}",
        answers.iter().map(|a| &a.body).collect::<Vec<_>>()
    );
    let sessions: HashSet<String> = answers
        .iter()
        .map(|a| a.data()["sessionId"].as_str().unwrap().to_string())
        .collect();
    let cookies: HashSet<String> = answers.iter().map(cookie_of).collect();
    assert_eq!((sessions.len(), cookies.len()), (20, 20));
    assert_eq!(w.get(&As::User("alice"), &token).await.data()["numGuests"], 20);
    let guests: Vec<Value> = w
        .call(
            &As::User("alice"),
            Method::GET,
            &format!("/room/{token}/participants"),
            &[],
        )
        .await
        .data()
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["userId"] == "")
        .cloned()
        .collect();
    assert_eq!(guests.len(), 20);
    w.env.assert_invariants().await;
}

#[tokio::test]
async fn participant_endpoints_stay_within_the_round_trip_budget() {
    let w = world().await;
    let calls = w.env.store().calls();
    let token = w.room_with_bob("3").await;
    let path = format!("/room/{token}");
    let mut measured = Vec::new();
    for (label, who, method, suffix, form) in [
        (
            "join as member",
            As::User("bob"),
            Method::POST,
            "/participants/active",
            vec![],
        ),
        (
            "join as outsider",
            As::User("carol"),
            Method::POST,
            "/participants/active",
            vec![],
        ),
        (
            "join as guest",
            As::Nobody,
            Method::POST,
            "/participants/active",
            vec![],
        ),
        ("list", As::User("alice"), Method::GET, "/participants", vec![]),
        (
            "add",
            As::User("alice"),
            Method::POST,
            "/participants",
            vec![("newParticipant", "dave")],
        ),
        (
            "promote",
            As::User("alice"),
            Method::POST,
            "/moderators",
            vec![("participant", "dave")],
        ),
        (
            "demote",
            As::User("alice"),
            Method::DELETE,
            "/moderators",
            vec![("participant", "dave")],
        ),
        (
            "remove",
            As::User("alice"),
            Method::DELETE,
            "/participants",
            vec![("participant", "dave")],
        ),
        (
            "leave session",
            As::User("carol"),
            Method::DELETE,
            "/participants/active",
            vec![],
        ),
        ("leave", As::User("bob"), Method::DELETE, "/participants/self", vec![]),
    ] {
        calls.reset();
        let answer = w.call(&who, method, &format!("{path}{suffix}"), &form).await;
        assert_eq!(answer.status, StatusCode::OK, "{label}: {}", answer.body);
        let stats = calls.snapshot();
        println!(
            "{label}: {} calls, {} read rounds, {} write rounds",
            stats.calls(),
            stats.read_rounds,
            stats.write_rounds
        );
        assert!(stats.read_rounds <= 2 && stats.write_rounds <= 3, "{label}: {stats:?}");
        measured.push(label);
    }
    assert_eq!(measured.len(), 10);
}

/// Talk 8's `DELETE /participants/guests`: moderators remove one guest by session id; others
/// are refused, and an unknown session is 404.
#[tokio::test]
async fn moderators_remove_a_guest_by_session_id() {
    let w = world().await;
    let token = w.room_with_bob("3").await;
    let guest = w.guest_joins(&token, None).await;
    let other = w.guest_joins(&token, None).await;
    let session = w.get(&guest, &token).await.data()["sessionId"]
        .as_str()
        .unwrap()
        .to_string();
    let path = format!("/room/{token}/participants/guests");
    let by_plain_user = w
        .call(&As::User("bob"), Method::DELETE, &path, &[("participant", &session)])
        .await;
    assert_eq!(by_plain_user.status, StatusCode::FORBIDDEN);
    let unknown = w
        .call(&As::User("alice"), Method::DELETE, &path, &[("participant", "nobody")])
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let missing = w.call(&As::User("alice"), Method::DELETE, &path, &[]).await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST);
    let removed = w
        .call(&As::User("alice"), Method::DELETE, &path, &[("participant", &session)])
        .await;
    assert_eq!(removed.status, StatusCode::OK, "{}", removed.body);
    let list = w
        .call(&guest, Method::GET, &format!("/room/{token}/participants"), &[])
        .await;
    assert_eq!(
        list.status,
        StatusCode::NOT_FOUND,
        "the removed guest is no participant"
    );
    let seen = w.call(&other, Method::GET, &format!("/room/{token}"), &[]).await;
    assert_eq!(seen.data()["participantType"], 4, "the other guest stays");
    assert_eq!(
        w.call(&As::User("alice"), Method::GET, &format!("/room/{token}"), &[])
            .await
            .data()["numGuests"],
        1
    );
    w.env.assert_invariants().await;
}

/// A guest who joined before the room's current password enters it again to rejoin.
#[tokio::test]
async fn a_guest_rejoins_with_the_new_password_only() {
    let w = world().await;
    let token = w.room_with_bob("3").await;
    let guest = w.guest_joins(&token, None).await;
    let set = w
        .call(
            &As::User("alice"),
            Method::PUT,
            &format!("/room/{token}/password"),
            &[("password", "new-secret")],
        )
        .await;
    assert_eq!(set.status, StatusCode::OK);
    assert_eq!(w.join(&guest, &token, None).await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        w.join(&guest, &token, Some("wrong")).await.status,
        StatusCode::FORBIDDEN
    );
    let rejoined = w.join(&guest, &token, Some("new-secret")).await;
    assert_eq!(rejoined.status, StatusCode::OK, "{}", rejoined.body);
    assert_eq!(
        w.join(&guest, &token, None).await.status,
        StatusCode::OK,
        "once given, it is not asked again"
    );
    let bob = w.join(&As::User("bob"), &token, None).await;
    assert_eq!(bob.status, StatusCode::OK, "invited users are not asked for it");
}
