//! Racing requests, many times over, with the table's invariants checked after every round:
//! no lost update, no orphan, no duplicate. `RACE_ROUNDS` sets the rounds per race (default 10).

use hyper::{Method, StatusCode};
use talk::domain::{Participant, ParticipantType, RoomToken, User, UserId};
use talk_tests::TestEnv;
use talk_tests::http::{Answer, BASE, Client};

fn rounds() -> usize {
    std::env::var("RACE_ROUNDS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(10)
}

struct World {
    env: TestEnv,
    client: Client,
    secrets: Vec<(String, String)>,
}

impl World {
    async fn new(users: &[&str]) -> Self {
        let env = TestEnv::new().await;
        let mut secrets = Vec::new();
        for uid in users {
            secrets.push((uid.to_string(), env.add_user(uid, uid).await));
        }
        let client = Client::serve(&env).await;
        Self { env, client, secrets }
    }

    async fn call(&self, user: Option<&str>, method: Method, path: &str, form: &[(&str, &str)]) -> Answer {
        let call = self.client.call(method, &format!("{BASE}{path}")).json();
        let call = match user {
            Some(id) => call.user(id, &self.secrets.iter().find(|(u, _)| u == id).unwrap().1),
            None => call.ocs(),
        };
        if form.is_empty() {
            call.send().await
        } else {
            call.form(form).send().await
        }
    }

    async fn room(&self, room_type: &str, members: &[(&str, ParticipantType)]) -> String {
        let answer = self
            .call(
                Some("alice"),
                Method::POST,
                "/room",
                &[("roomType", room_type), ("roomName", "Race")],
            )
            .await;
        let token = answer.data()["token"].as_str().unwrap().to_string();
        for (id, kind) in members {
            let user = User {
                id: UserId::parse(*id).unwrap(),
                display_name: id.to_string(),
            };
            let row = Participant::user(&user, *kind);
            self.env
                .store()
                .add_participant_if_absent(&RoomToken::parse(&token).unwrap(), &row)
                .await
                .unwrap();
        }
        token
    }

    async fn gone(&self, token: &str) -> bool {
        let pk = format!("ROOM#{token}");
        self.env
            .store()
            .scan_keys()
            .await
            .unwrap()
            .iter()
            .all(|(p, _)| *p != pk)
    }
}

#[tokio::test]
async fn one_to_one_created_from_both_sides_at_once() {
    let users: Vec<String> = (0..rounds()).flat_map(|i| [format!("a{i}"), format!("b{i}")]).collect();
    let ids: Vec<&str> = users.iter().map(String::as_str).collect();
    let w = World::new(&ids).await;
    for round in 0..rounds() {
        let (a, b) = (format!("a{round}"), format!("b{round}"));
        let (form_a, form_b) = (
            [("roomType", "1"), ("invite", b.as_str())],
            [("roomType", "1"), ("invite", a.as_str())],
        );
        let (first, second) = tokio::join!(
            w.call(Some(&a), Method::POST, "/room", &form_a),
            w.call(Some(&b), Method::POST, "/room", &form_b)
        );
        let mut statuses = [first.status, second.status];
        statuses.sort();
        assert_eq!(statuses, [StatusCode::OK, StatusCode::CREATED], "round {round}");
        assert_eq!(first.data()["token"], second.data()["token"], "round {round}");
        w.env.assert_invariants().await;
    }
}

#[tokio::test]
async fn rename_against_delete() {
    let w = World::new(&["alice", "dave"]).await;
    for round in 0..rounds() {
        let token = w.room("2", &[("dave", ParticipantType::Moderator)]).await;
        let path = format!("/room/{token}");
        let name = [("roomName", "New")];
        let (renamed, deleted) = tokio::join!(
            w.call(Some("dave"), Method::PUT, &path, &name),
            w.call(Some("alice"), Method::DELETE, &path, &[])
        );
        assert_eq!(deleted.status, StatusCode::OK, "round {round}");
        assert!(
            matches!(renamed.status, StatusCode::OK | StatusCode::NOT_FOUND),
            "round {round}"
        );
        assert!(w.gone(&token).await, "round {round}: the room came back");
        w.env.assert_invariants().await;
    }
}

#[tokio::test]
async fn guest_join_against_make_private() {
    let w = World::new(&["alice"]).await;
    for round in 0..rounds() {
        let token = w.room("3", &[]).await;
        let path = format!("/room/{token}");
        let (join_path, public_path) = (format!("{path}/participants/active"), format!("{path}/public"));
        let (joined, closed) = tokio::join!(
            w.call(None, Method::POST, &join_path, &[]),
            w.call(Some("alice"), Method::DELETE, &public_path, &[])
        );
        assert_eq!(closed.status, StatusCode::OK, "round {round}");
        assert!(
            matches!(joined.status, StatusCode::OK | StatusCode::NOT_FOUND),
            "round {round}: {}",
            joined.body
        );
        w.env.assert_invariants().await;
    }
}

#[tokio::test]
async fn promote_against_remove() {
    let w = World::new(&["alice", "bob", "dave"]).await;
    for round in 0..rounds() {
        let token = w
            .room(
                "2",
                &[("bob", ParticipantType::User), ("dave", ParticipantType::Moderator)],
            )
            .await;
        let (moderators, participants) = (
            format!("/room/{token}/moderators"),
            format!("/room/{token}/participants"),
        );
        let target = [("participant", "bob")];
        let (promoted, removed) = tokio::join!(
            w.call(Some("alice"), Method::POST, &moderators, &target),
            w.call(Some("dave"), Method::DELETE, &participants, &target),
        );
        assert_eq!(removed.status, StatusCode::OK, "round {round}: {}", removed.body);
        assert!(
            matches!(promoted.status, StatusCode::OK | StatusCode::NOT_FOUND),
            "round {round}"
        );
        let room = w
            .env
            .store()
            .load_room(&RoomToken::parse(&token).unwrap())
            .await
            .unwrap()
            .unwrap();
        assert!(
            room.participants.iter().all(|p| p.actor_id != "bob"),
            "round {round}: a removed user came back"
        );
        w.env.assert_invariants().await;
    }
}

#[tokio::test]
async fn leave_against_delete() {
    let w = World::new(&["alice", "bob"]).await;
    for round in 0..rounds() {
        let token = w.room("2", &[("bob", ParticipantType::User)]).await;
        let (leave_path, room_path) = (format!("/room/{token}/participants/self"), format!("/room/{token}"));
        let (left, deleted) = tokio::join!(
            w.call(Some("bob"), Method::DELETE, &leave_path, &[]),
            w.call(Some("alice"), Method::DELETE, &room_path, &[])
        );
        assert_eq!(deleted.status, StatusCode::OK, "round {round}");
        assert!(
            matches!(left.status, StatusCode::OK | StatusCode::NOT_FOUND),
            "round {round}"
        );
        assert!(w.gone(&token).await, "round {round}");
        w.env.assert_invariants().await;
    }
}

#[tokio::test]
async fn fifty_guests_join_at_once() {
    let w = World::new(&["alice"]).await;
    let token = w.room("3", &[]).await;
    let path = format!("/room/{token}/participants/active");
    let w = &w;
    let answers = futures::future::join_all((0..50).map(|_| w.call(None, Method::POST, &path, &[]))).await;
    assert!(answers.iter().all(|a| a.status == StatusCode::OK));
    let sessions: std::collections::HashSet<String> = answers
        .iter()
        .map(|a| a.data()["sessionId"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(sessions.len(), 50);
    assert_eq!(
        w.call(Some("alice"), Method::GET, &format!("/room/{token}"), &[])
            .await
            .data()["numGuests"],
        50
    );
    w.env.assert_invariants().await;
}

/// Re-opening a one-to-one room (`POST /room` type 1) while the other user's last leave
/// deletes it: the answer's token works for the caller, and no row is left without its room.
#[tokio::test]
async fn reopen_one_to_one_against_the_last_leave() {
    let users: Vec<String> = (0..rounds()).flat_map(|i| [format!("a{i}"), format!("b{i}")]).collect();
    let ids: Vec<&str> = users.iter().map(String::as_str).collect();
    let w = World::new(&ids).await;
    for round in 0..rounds() {
        let (a, b) = (format!("a{round}"), format!("b{round}"));
        let created = w
            .call(Some(&a), Method::POST, "/room", &[("roomType", "1"), ("invite", &b)])
            .await;
        let token = created.data()["token"].as_str().unwrap().to_string();
        let leave = format!("/room/{token}/participants/self");
        assert_eq!(
            w.call(Some(&b), Method::DELETE, &leave, &[]).await.status,
            StatusCode::OK
        );
        let reopen = [("roomType", "1"), ("invite", a.as_str())];
        let (left, reopened) = tokio::join!(
            w.call(Some(&a), Method::DELETE, &leave, &[]),
            w.call(Some(&b), Method::POST, "/room", &reopen)
        );
        assert_eq!(left.status, StatusCode::OK, "round {round}: {}", left.body);
        assert!(
            matches!(reopened.status, StatusCode::OK | StatusCode::CREATED),
            "round {round}: {} {}",
            reopened.status,
            reopened.body
        );
        let token = reopened.data()["token"].as_str().unwrap().to_string();
        let seen = w.call(Some(&b), Method::GET, &format!("/room/{token}"), &[]).await;
        assert_eq!(seen.status, StatusCode::OK, "round {round}: the answered room is gone");
        w.env.assert_invariants().await;
    }
}

/// A guest ending their session while a moderator promotes them: the ended session never comes
/// back (as a moderator or otherwise).
#[tokio::test]
async fn guest_session_leave_against_promotion() {
    let w = World::new(&["alice"]).await;
    for round in 0..rounds() {
        let token = w.room("3", &[]).await;
        let path = format!("/room/{token}");
        let joined = w
            .call(None, Method::POST, &format!("{path}/participants/active"), &[])
            .await;
        let session = joined.data()["sessionId"].as_str().unwrap().to_string();
        let cookie = joined.headers["set-cookie"]
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_string();
        let leave = w
            .client
            .call(Method::DELETE, &format!("{BASE}{path}/participants/active"))
            .ocs()
            .json()
            .header("cookie", &cookie);
        let (moderators, target) = (format!("{path}/moderators"), [("sessionId", session.as_str())]);
        let (left, promoted) = tokio::join!(leave.send(), w.call(Some("alice"), Method::POST, &moderators, &target));
        assert_eq!(left.status, StatusCode::OK, "round {round}");
        assert!(
            matches!(promoted.status, StatusCode::OK | StatusCode::NOT_FOUND),
            "round {round}: {}",
            promoted.body
        );
        let room = w
            .env
            .store()
            .load_room(&RoomToken::parse(&token).unwrap())
            .await
            .unwrap()
            .unwrap();
        assert!(
            room.participants
                .iter()
                .chain(&room.stale)
                .all(|p| p.session_id != session),
            "round {round}: the ended session came back"
        );
        w.env.assert_invariants().await;
    }
}
