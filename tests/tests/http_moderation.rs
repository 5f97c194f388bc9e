//! End-to-end tests of spec §6.4–6.10 (rename, delete, read-only, public, password, favorite,
//! notify) and their system messages (§9), through the local API server.

use hyper::{Method, StatusCode};
use serde_json::{Value, json};
use talk::domain::{ActorType, Participant, ParticipantType, RoomAggregate, RoomToken, User, UserId};
use talk_tests::TestEnv;
use talk_tests::http::{Answer, BASE, Client, Step};

/// The callers of the permission matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Owner,
    Moderator,
    PlainUser,
    Stranger,
    Anonymous,
}

const EVERYONE: [Who; 5] = [
    Who::Owner,
    Who::Moderator,
    Who::PlainUser,
    Who::Stranger,
    Who::Anonymous,
];

struct World {
    env: TestEnv,
    client: Client,
    secrets: Vec<(&'static str, String)>,
}

async fn world() -> World {
    let (env, client, secrets) = talk_tests::serve_with_users(&[
        ("alice", "Alice A"),
        ("dave", "Dave D"),
        ("bob", "Bob B"),
        ("carol", "Carol C"),
    ])
    .await;
    World { env, client, secrets }
}

fn uid(who: Who) -> Option<&'static str> {
    match who {
        Who::Owner => Some("alice"),
        Who::Moderator => Some("dave"),
        Who::PlainUser => Some("bob"),
        Who::Stranger => Some("carol"),
        Who::Anonymous => None,
    }
}

fn user(id: &str) -> User {
    User {
        id: UserId::parse(id).unwrap(),
        display_name: format!("{id} (row)"),
    }
}

impl World {
    async fn call(&self, who: Who, method: Method, path: &str, form: &[(&str, &str)]) -> Answer {
        let call = self.client.call(method, &format!("{BASE}{path}")).json();
        let call = match uid(who) {
            Some(id) => call.user(id, &self.secrets.iter().find(|(u, _)| *u == id).unwrap().1),
            None => call.ocs(),
        };
        if form.is_empty() {
            call.send().await
        } else {
            call.form(form).send().await
        }
    }

    /// A room created by alice with dave as moderator and bob as plain user (set in the store).
    async fn room(&self, room_type: &str, name: &str) -> RoomToken {
        let answer = self
            .call(
                Who::Owner,
                Method::POST,
                "/room",
                &[("roomType", room_type), ("roomName", name)],
            )
            .await;
        assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
        let token = RoomToken::parse(answer.data()["token"].as_str().unwrap()).unwrap();
        for (id, kind) in [("dave", ParticipantType::Moderator), ("bob", ParticipantType::User)] {
            assert!(
                self.env
                    .store()
                    .add_participant_if_absent(&token, &Participant::user(&user(id), kind))
                    .await
                    .unwrap()
            );
        }
        token
    }

    async fn one_to_one(&self) -> RoomToken {
        let answer = self
            .call(
                Who::Owner,
                Method::POST,
                "/room",
                &[("roomType", "1"), ("invite", "bob")],
            )
            .await;
        RoomToken::parse(answer.data()["token"].as_str().unwrap()).unwrap()
    }

    /// The room and its messages as stored.
    async fn snapshot(&self, token: &RoomToken) -> (Option<RoomAggregate>, Vec<String>) {
        let room = self.env.store().load_room(token).await.unwrap();
        let messages = self
            .env
            .store()
            .messages(token)
            .await
            .unwrap()
            .into_iter()
            .map(|m| m.key().to_string())
            .collect();
        (room, messages)
    }

    async fn messages(&self, token: &RoomToken) -> Vec<String> {
        self.snapshot(token).await.1
    }

    async fn get(&self, who: Who, token: &RoomToken) -> Answer {
        self.call(who, Method::GET, &format!("/room/{token}"), &[]).await
    }
}

/// An endpoint of the matrix: how to call it, on which kind of room, and who gets what.
struct Endpoint {
    name: &'static str,
    method: Method,
    suffix: &'static str,
    form: &'static [(&'static str, &'static str)],
    room_type: &'static str,
    expect: fn(Who) -> StatusCode,
}

fn moderators_only_guests_may_call(who: Who) -> StatusCode {
    match who {
        Who::Owner | Who::Moderator => StatusCode::OK,
        Who::PlainUser => StatusCode::FORBIDDEN,
        Who::Stranger | Who::Anonymous => StatusCode::NOT_FOUND,
    }
}

fn moderators_only_users_only(who: Who) -> StatusCode {
    match who {
        Who::Anonymous => StatusCode::UNAUTHORIZED,
        other => moderators_only_guests_may_call(other),
    }
}

fn any_user_participant(who: Who) -> StatusCode {
    match who {
        Who::Owner | Who::Moderator | Who::PlainUser => StatusCode::OK,
        Who::Stranger => StatusCode::NOT_FOUND,
        Who::Anonymous => StatusCode::UNAUTHORIZED,
    }
}

const ENDPOINTS: &[Endpoint] = &[
    Endpoint {
        name: "rename",
        method: Method::PUT,
        suffix: "",
        form: &[("roomName", "Renamed")],
        room_type: "2",
        expect: moderators_only_guests_may_call,
    },
    Endpoint {
        name: "delete",
        method: Method::DELETE,
        suffix: "",
        form: &[],
        room_type: "2",
        expect: moderators_only_guests_may_call,
    },
    Endpoint {
        name: "read-only",
        method: Method::PUT,
        suffix: "/read-only",
        form: &[("state", "1")],
        room_type: "2",
        expect: moderators_only_users_only,
    },
    Endpoint {
        name: "make public",
        method: Method::POST,
        suffix: "/public",
        form: &[],
        room_type: "2",
        expect: moderators_only_users_only,
    },
    Endpoint {
        name: "make private",
        method: Method::DELETE,
        suffix: "/public",
        form: &[],
        room_type: "3",
        expect: moderators_only_users_only,
    },
    Endpoint {
        name: "password",
        method: Method::PUT,
        suffix: "/password",
        form: &[("password", "secret")],
        room_type: "3",
        expect: moderators_only_guests_may_call,
    },
    Endpoint {
        name: "favorite",
        method: Method::POST,
        suffix: "/favorite",
        form: &[],
        room_type: "2",
        expect: any_user_participant,
    },
    Endpoint {
        name: "unfavorite",
        method: Method::DELETE,
        suffix: "/favorite",
        form: &[],
        room_type: "2",
        expect: any_user_participant,
    },
    Endpoint {
        name: "notify",
        method: Method::POST,
        suffix: "/notify",
        form: &[("level", "3")],
        room_type: "2",
        expect: any_user_participant,
    },
];

#[tokio::test]
async fn permission_matrix_and_refusals_change_nothing() {
    let w = world().await;
    let mut checked = 0;
    for endpoint in ENDPOINTS {
        for who in EVERYONE {
            let token = w.room(endpoint.room_type, "Matrix").await;
            let before = w.snapshot(&token).await;
            let answer = w
                .call(
                    who,
                    endpoint.method.clone(),
                    &format!("/room/{token}{}", endpoint.suffix),
                    endpoint.form,
                )
                .await;
            let expected = (endpoint.expect)(who);
            assert_eq!(answer.status, expected, "{} by {who:?}: {}", endpoint.name, answer.body);
            if expected == StatusCode::UNAUTHORIZED {
                assert_eq!(answer.statuscode(), 997);
            } else {
                assert_eq!(answer.statuscode(), i64::from(expected.as_u16()));
            }
            assert_eq!(answer.data(), json!([]));
            if expected != StatusCode::OK {
                assert_eq!(
                    w.snapshot(&token).await,
                    before,
                    "{} by {who:?} changed the room",
                    endpoint.name
                );
            }
            checked += 1;
        }
    }
    println!("permission matrix: {checked} cases");
    assert_eq!(checked, ENDPOINTS.len() * EVERYONE.len());
    w.env.assert_invariants().await;
}

#[tokio::test]
async fn successful_changes_are_visible_to_participants() {
    let w = world().await;
    let token = w.room("3", "Visible").await;
    let path = format!("/room/{token}");
    for (who, method, suffix, form) in [
        (Who::Moderator, Method::PUT, "", &[("roomName", "  Seen  ")][..]),
        (Who::Owner, Method::PUT, "/read-only", &[("state", "1")][..]),
        (Who::Owner, Method::PUT, "/password", &[("password", " pw ")][..]),
        (Who::PlainUser, Method::POST, "/favorite", &[][..]),
        (Who::PlainUser, Method::POST, "/notify", &[("level", "1")][..]),
    ] {
        let answer = w.call(who, method, &format!("{path}{suffix}"), form).await;
        assert_eq!(answer.status, StatusCode::OK, "{suffix}: {}", answer.body);
    }
    let bob_view = w.get(Who::PlainUser, &token).await.data();
    assert_eq!(bob_view["name"], "Seen");
    assert_eq!(bob_view["readOnly"], 1);
    assert_eq!(bob_view["hasPassword"], true);
    assert_eq!(bob_view["isFavorite"], true);
    assert_eq!(bob_view["notificationLevel"], 1);
    let alice_view = w.get(Who::Owner, &token).await.data();
    assert_eq!(alice_view["isFavorite"], false, "favorites are per participant");
    assert_eq!(alice_view["notificationLevel"], 2);
    let stored = w.env.store().load_room(&token).await.unwrap().unwrap();
    let hash = stored.room.password_hash.unwrap();
    assert!(hash.starts_with("$argon2id$") && !hash.contains("pw"), "{hash}");
    assert!(
        talk::domain::secrets::room_password_matches(" pw ", &hash),
        "the password is not trimmed"
    );

    assert_eq!(
        w.call(Who::PlainUser, Method::DELETE, &format!("{path}/favorite"), &[])
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(w.get(Who::PlainUser, &token).await.data()["isFavorite"], false);
}

#[tokio::test]
async fn one_to_one_rooms_refuse_rename_delete_public_and_read_only() {
    let w = world().await;
    let token = w.one_to_one().await;
    let path = format!("/room/{token}");
    let before = w.snapshot(&token).await;
    for (method, suffix, form) in [
        (Method::PUT, "", &[("roomName", "x")][..]),
        (Method::DELETE, "", &[][..]),
        (Method::POST, "/public", &[][..]),
        (Method::DELETE, "/public", &[][..]),
        (Method::PUT, "/read-only", &[("state", "1")][..]),
    ] {
        let answer = w
            .call(Who::Owner, method.clone(), &format!("{path}{suffix}"), form)
            .await;
        assert_eq!(
            answer.status,
            StatusCode::BAD_REQUEST,
            "{method} {suffix}: {}",
            answer.body
        );
    }
    let same_state = w
        .call(Who::Owner, Method::PUT, &format!("{path}/read-only"), &[("state", "0")])
        .await;
    assert_eq!(
        same_state.status,
        StatusCode::OK,
        "an unchanged state answers 200 before the one-to-one check"
    );
    let password = w
        .call(
            Who::Owner,
            Method::PUT,
            &format!("{path}/password"),
            &[("password", "x")],
        )
        .await;
    assert_eq!(password.status, StatusCode::FORBIDDEN);
    assert_eq!(w.snapshot(&token).await, before);
}

#[tokio::test]
async fn bad_parameters_are_400_and_change_nothing() {
    let w = world().await;
    let token = w.room("2", "Params").await;
    let path = format!("/room/{token}");
    let long = "a".repeat(201);
    let before = w.snapshot(&token).await;
    for (method, suffix, form) in [
        (Method::PUT, "", vec![("roomName", "")]),
        (Method::PUT, "", vec![("roomName", " \t ")]),
        (Method::PUT, "", vec![("roomName", long.as_str())]),
        (Method::PUT, "", vec![]),
        (Method::PUT, "/read-only", vec![("state", "2")]),
        (Method::PUT, "/read-only", vec![("state", "-1")]),
        (Method::PUT, "/read-only", vec![("state", "yes")]),
        (Method::PUT, "/read-only", vec![]),
        (Method::POST, "/notify", vec![("level", "0")]),
        (Method::POST, "/notify", vec![("level", "4")]),
        (Method::POST, "/notify", vec![]),
        (Method::PUT, "/password", vec![]),
    ] {
        let answer = w
            .call(Who::Owner, method.clone(), &format!("{path}{suffix}"), &form)
            .await;
        assert_eq!(
            answer.status,
            StatusCode::BAD_REQUEST,
            "{method} {suffix} {form:?}: {}",
            answer.body
        );
        assert_eq!(answer.statuscode(), 400);
    }
    assert_eq!(w.snapshot(&token).await, before);
    let non_public_password = w
        .call(
            Who::Owner,
            Method::PUT,
            &format!("{path}/password"),
            &[("password", "x")],
        )
        .await;
    assert_eq!(non_public_password.status, StatusCode::FORBIDDEN);
    assert_eq!(w.snapshot(&token).await, before);

    let multibyte = "名".repeat(200);
    let renamed = w
        .call(Who::Owner, Method::PUT, &path, &[("roomName", multibyte.as_str())])
        .await;
    assert_eq!(
        renamed.status,
        StatusCode::OK,
        "200 multibyte characters are a valid name"
    );
    assert_eq!(w.get(Who::Owner, &token).await.data()["name"], multibyte.as_str());
}

#[tokio::test]
async fn repeated_changes_are_idempotent_and_post_no_new_message() {
    let w = world().await;
    let token = w.room("2", "Same").await;
    let path = format!("/room/{token}");
    let start = w.messages(&token).await.len();
    for _ in 0..2 {
        assert_eq!(
            w.call(Who::Owner, Method::PUT, &path, &[("roomName", "Same")])
                .await
                .status,
            StatusCode::OK
        );
    }
    assert_eq!(
        w.messages(&token).await.len(),
        start,
        "renaming to the same name posts nothing"
    );
    for _ in 0..2 {
        assert_eq!(
            w.call(Who::Owner, Method::POST, &format!("{path}/public"), &[])
                .await
                .status,
            StatusCode::OK
        );
        assert_eq!(
            w.call(Who::Owner, Method::POST, &format!("{path}/favorite"), &[])
                .await
                .status,
            StatusCode::OK
        );
        assert_eq!(
            w.call(Who::Owner, Method::PUT, &format!("{path}/read-only"), &[("state", "0")])
                .await
                .status,
            StatusCode::OK
        );
    }
    assert_eq!(w.messages(&token).await[start..], ["guests_allowed".to_string()]);
    assert_eq!(w.get(Who::Owner, &token).await.data()["isFavorite"], true);
    for _ in 0..2 {
        assert_eq!(
            w.call(Who::Owner, Method::DELETE, &format!("{path}/public"), &[])
                .await
                .status,
            StatusCode::OK
        );
    }
    assert_eq!(
        w.messages(&token).await[start..],
        ["guests_allowed".to_string(), "guests_disallowed".to_string()]
    );
}

#[tokio::test]
async fn system_messages_record_every_change_in_order() {
    let w = world().await;
    let token = w.room("2", "Story").await;
    let path = format!("/room/{token}");
    for (method, suffix, form) in [
        (Method::PUT, "", vec![("roomName", "Story 2")]),
        (Method::POST, "/public", vec![]),
        (Method::PUT, "/password", vec![("password", "pw")]),
        (Method::PUT, "/password", vec![("password", "")]),
        (Method::DELETE, "/public", vec![]),
        (Method::PUT, "/read-only", vec![("state", "1")]),
        (Method::PUT, "/read-only", vec![("state", "0")]),
    ] {
        let answer = w
            .call(Who::Owner, method.clone(), &format!("{path}{suffix}"), &form)
            .await;
        assert_eq!(answer.status, StatusCode::OK, "{method} {suffix}: {}", answer.body);
    }
    let stored = w.env.store().messages(&token).await.unwrap();
    let keys: Vec<&str> = stored.iter().map(|m| m.key()).collect();
    assert_eq!(
        keys,
        [
            "conversation_created",
            "conversation_renamed",
            "guests_allowed",
            "password_set",
            "password_removed",
            "guests_disallowed",
            "read_only",
            "read_only_off"
        ]
    );
    let ids: Vec<i64> = stored.iter().map(|m| m.id).collect();
    let first = ids[0];
    assert_eq!(
        ids,
        (first..first + 8).collect::<Vec<_>>(),
        "message ids increase one by one"
    );
    assert_eq!(stored[1].renamed(), Some(("Story", "Story 2")));

    let own = w.get(Who::Owner, &token).await.data();
    assert_eq!(own["lastMessage"]["id"], first + 7);
    assert_eq!(own["lastMessage"]["systemMessage"], "read_only_off");
    assert_eq!(own["lastMessage"]["message"], "You unlocked the conversation");
    assert_eq!(own["lastActivity"], own["lastMessage"]["timestamp"]);
    let other = w.get(Who::PlainUser, &token).await.data();
    assert_eq!(other["lastMessage"]["message"], "{actor} unlocked the conversation");
    assert_eq!(
        other["lastMessage"]["messageParameters"]["actor"],
        json!({"type": "user", "id": "alice", "name": "Alice A"})
    );
    assert_eq!(other["lastMessage"]["actorType"], "users");
}

#[tokio::test]
async fn making_a_room_private_removes_guests_and_self_joined_users_only() {
    let w = world().await;
    let token = w.room("3", "Open").await;
    let guest = |id: &str, kind| Participant {
        actor_type: ActorType::Guests,
        actor_id: id.to_string(),
        display_name: format!("Guest {id}"),
        ..Participant::user(&user("x"), kind)
    };
    let store = w.env.store();
    store
        .add_participant_if_absent(&token, &guest("aaaa", ParticipantType::Guest))
        .await
        .unwrap();
    store
        .add_participant_if_absent(&token, &guest("bbbb", ParticipantType::GuestModerator))
        .await
        .unwrap();
    store
        .add_participant_if_absent(
            &token,
            &Participant::user(&user("carol"), ParticipantType::UserSelfJoined),
        )
        .await
        .unwrap();
    let answer = w
        .call(Who::Moderator, Method::DELETE, &format!("/room/{token}/public"), &[])
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let room = store.load_room(&token).await.unwrap().unwrap();
    let mut left: Vec<(String, i64)> = room
        .participants
        .iter()
        .map(|p| (p.actor_id.clone(), p.participant_type.code()))
        .collect();
    left.sort();
    assert_eq!(
        left,
        [
            ("alice".to_string(), 1),
            ("bbbb".to_string(), 6),
            ("bob".to_string(), 3),
            ("dave".to_string(), 2)
        ]
    );
    assert_eq!(room.room.room_type.code(), 2);
    assert_eq!(
        w.get(Who::Stranger, &token).await.status,
        StatusCode::NOT_FOUND,
        "carol is gone and the room is private"
    );
}

#[tokio::test]
async fn delete_leaves_no_item_of_the_room() {
    let w = world().await;
    let token = w.room("3", "Doomed").await;
    let path = format!("/room/{token}");
    w.call(Who::Owner, Method::PUT, &path, &[("roomName", "Doomed 2")])
        .await;
    w.call(
        Who::Owner,
        Method::PUT,
        &format!("{path}/password"),
        &[("password", "x")],
    )
    .await;
    let keep = w.room("2", "Survivor").await;
    let answer = w.call(Who::Moderator, Method::DELETE, &path, &[]).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let pk = format!("ROOM#{token}");
    let keys = w.env.store().scan_keys().await.unwrap();
    assert!(keys.iter().all(|(p, _)| *p != pk), "{keys:?}");
    assert!(
        keys.iter().any(|(p, _)| *p == format!("ROOM#{keep}")),
        "other rooms stay"
    );
    for who in [Who::Owner, Who::PlainUser, Who::Anonymous] {
        assert_eq!(w.get(who, &token).await.status, StatusCode::NOT_FOUND);
    }
    let rename_after = w.call(Who::Owner, Method::PUT, &path, &[("roomName", "Back")]).await;
    assert_eq!(rename_after.status, StatusCode::NOT_FOUND);
    let tokens: Vec<Value> = w
        .call(Who::PlainUser, Method::GET, "/room", &[])
        .await
        .data()
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["token"].clone())
        .collect();
    assert_eq!(tokens, [json!(keep.as_str())]);
}

#[tokio::test]
async fn ten_concurrent_renames_each_post_exactly_one_message() {
    let w = world().await;
    let token = w.room("2", "Start").await;
    let path = format!("/room/{token}");
    let names: Vec<String> = (0..10).map(|i| format!("Name {i}")).collect();
    let w = &w;
    let answers = futures::future::join_all(names.iter().map(|name| {
        let path = path.clone();
        async move {
            w.call(Who::Owner, Method::PUT, &path, &[("roomName", name.as_str())])
                .await
        }
    }))
    .await;
    assert!(
        answers.iter().all(|a| a.status == StatusCode::OK),
        "{:?}",
        answers.iter().map(|a| &a.body).collect::<Vec<_>>()
    );
    let room = w.env.store().load_room(&token).await.unwrap().unwrap();
    assert!(names.contains(&room.room.name), "{}", room.room.name);
    let messages = w.env.store().messages(&token).await.unwrap();
    let renames: Vec<_> = messages.iter().filter(|m| m.key() == "conversation_renamed").collect();
    assert_eq!(renames.len(), 10, "every rename was a real change");
    // The renames form one chain: each starts from the name the previous one set.
    let mut current = "Start".to_string();
    for rename in &renames {
        let (old, new) = rename.renamed().unwrap();
        assert_eq!(old, current);
        current = new.to_string();
    }
    assert_eq!(current, room.room.name);
    assert_eq!(room.room.last_message_id, messages[0].id + messages.len() as i64 - 1);
    w.env.assert_invariants().await;
}

#[tokio::test]
async fn rename_racing_delete_never_resurrects_the_room() {
    let w = world().await;
    for round in 0..8 {
        let token = w.room("2", "Race").await;
        let path = format!("/room/{token}");
        let rename = w.call(Who::Owner, Method::PUT, &path, &[("roomName", "Renamed")]);
        let delete = w.call(Who::Moderator, Method::DELETE, &path, &[]);
        let (renamed, deleted) = tokio::join!(rename, delete);
        assert_eq!(deleted.status, StatusCode::OK, "round {round}: {}", deleted.body);
        assert!(
            matches!(renamed.status, StatusCode::OK | StatusCode::NOT_FOUND),
            "round {round}: {}",
            renamed.body
        );
        let pk = format!("ROOM#{token}");
        let keys = w.env.store().scan_keys().await.unwrap();
        assert!(keys.iter().all(|(p, _)| *p != pk), "round {round}: {keys:?}");
    }
}

#[tokio::test]
async fn changes_stay_within_the_round_trip_budget() {
    let w = world().await;
    let calls = w.env.store().calls();
    let public = w.room("3", "Budget").await;
    let group = w.room("2", "Budget").await;
    let cases: Vec<Step> = vec![
        (
            "rename",
            Method::PUT,
            format!("/room/{group}"),
            vec![("roomName", "B2")],
        ),
        (
            "read-only",
            Method::PUT,
            format!("/room/{group}/read-only"),
            vec![("state", "1")],
        ),
        (
            "password",
            Method::PUT,
            format!("/room/{public}/password"),
            vec![("password", "x")],
        ),
        ("make private", Method::DELETE, format!("/room/{public}/public"), vec![]),
        ("make public", Method::POST, format!("/room/{public}/public"), vec![]),
        ("favorite", Method::POST, format!("/room/{group}/favorite"), vec![]),
        (
            "notify",
            Method::POST,
            format!("/room/{group}/notify"),
            vec![("level", "2")],
        ),
        ("delete", Method::DELETE, format!("/room/{group}"), vec![]),
        (
            "refused rename",
            Method::PUT,
            format!("/room/{public}"),
            vec![("roomName", "x")],
        ),
    ];
    for (label, method, path, form) in cases {
        calls.reset();
        let who = if label.starts_with("refused") {
            Who::PlainUser
        } else {
            Who::Owner
        };
        let answer = w.call(who, method, &path, &form).await;
        assert!(
            answer.status == StatusCode::OK || label.starts_with("refused"),
            "{label}: {}",
            answer.body
        );
        let stats = calls.snapshot();
        println!(
            "{label}: {} calls, {} read rounds, {} write rounds",
            stats.calls(),
            stats.read_rounds,
            stats.write_rounds
        );
        assert!(stats.read_rounds <= 2 && stats.write_rounds <= 3, "{label}: {stats:?}");
    }
}
