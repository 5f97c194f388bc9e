//! Removing an account removes the user from every room, as Talk does (spec §8.2 "Deleted
//! user"): a new account with the same id inherits nothing, and no app password created
//! during the removal survives it.

use hyper::{Method, StatusCode};
use talk::domain::accounts::{self, DELETED_USER};
use talk::domain::secrets::new_app_password;
use talk::domain::{RoomToken, UserId, now};
use talk_tests::http::{Answer, BASE};
use talk_tests::serve_with_users;

#[tokio::test]
async fn a_removed_user_leaves_every_room_and_a_new_account_of_the_same_id_inherits_nothing() {
    let (env, client, secrets) = serve_with_users(&[("alice", "Alice"), ("bob", "Bob"), ("carol", "Carol")]).await;
    let secret = |id: &str| secrets.iter().find(|(u, _)| *u == id).unwrap().1.clone();
    let call = |id: &str, method: Method, path: &str, form: &[(&str, &str)]| {
        let request = client
            .call(method, &format!("{BASE}{path}"))
            .user(id, &secret(id))
            .json();
        let form: Vec<(String, String)> = form.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        async move {
            let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            if pairs.is_empty() {
                request.send().await
            } else {
                request.form(&pairs).send().await
            }
        }
    };
    let token = |answer: &Answer| answer.data()["token"].as_str().unwrap().to_string();
    let team = token(
        &call(
            "alice",
            Method::POST,
            "/room",
            &[("roomType", "2"), ("roomName", "Team")],
        )
        .await,
    );
    call(
        "alice",
        Method::POST,
        &format!("/room/{team}/participants"),
        &[("newParticipant", "bob")],
    )
    .await;
    let direct = token(&call("alice", Method::POST, "/room", &[("roomType", "1"), ("invite", "bob")]).await);
    let bobs = token(
        &call(
            "bob",
            Method::POST,
            "/room",
            &[("roomType", "2"), ("roomName", "Bob's")],
        )
        .await,
    );
    call(
        "bob",
        Method::POST,
        &format!("/room/{bobs}/participants"),
        &[("newParticipant", "carol")],
    )
    .await;
    let solo = token(&call("bob", Method::POST, "/room", &[("roomType", "3"), ("roomName", "Solo")]).await);

    accounts::remove_user(env.store(), &UserId::parse("bob").unwrap())
        .await
        .unwrap();
    env.assert_invariants().await;

    let seen = call("alice", Method::GET, &format!("/room/{direct}"), &[]).await;
    assert_eq!(seen.status, StatusCode::OK, "the one-to-one room stays for alice");
    assert_eq!(seen.data()["displayName"], "Deleted user (bob)");
    let team_room = call("alice", Method::GET, &format!("/room/{team}"), &[]).await.data();
    assert!(team_room["participants"].get("bob").is_none(), "{team_room}");
    assert_eq!(team_room["lastMessage"]["systemMessage"], "user_removed");
    assert_eq!(team_room["lastMessage"]["actorDisplayName"], DELETED_USER);
    let stored = env.store().messages(&RoomToken::parse(&team).unwrap()).await.unwrap();
    assert!(
        stored
            .iter()
            .filter(|m| m.actor_id == "bob")
            .all(|m| m.actor_display_name == DELETED_USER)
    );
    let carol = call("carol", Method::GET, &format!("/room/{bobs}"), &[]).await.data();
    assert_eq!(carol["participantType"], 2, "the remaining user moderates bob's room");
    assert!(
        env.store()
            .load_room(&RoomToken::parse(&solo).unwrap())
            .await
            .unwrap()
            .is_none()
    );

    // A new account named bob.
    let bob = talk::domain::User {
        id: UserId::parse("bob").unwrap(),
        display_name: "New Bob".into(),
    };
    env.store().add_user(&bob).await.unwrap();
    let new_secret = new_app_password();
    env.store()
        .add_app_password(&bob.id, "new", &new_secret, now())
        .await
        .unwrap();
    let as_new_bob = |method: Method, path: String| {
        client
            .call(method, &format!("{BASE}{path}"))
            .user("bob", &new_secret)
            .json()
    };
    let listed = as_new_bob(Method::GET, "/room".into()).send().await;
    assert_eq!(listed.data(), serde_json::json!([]), "the new bob is in no room");
    for room in [&team, &direct, &bobs] {
        let answer = as_new_bob(Method::GET, format!("/room/{room}")).send().await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{room}");
    }
    let fresh = as_new_bob(Method::POST, "/room".into())
        .form(&[("roomType", "1"), ("invite", "alice")])
        .send()
        .await;
    assert_eq!(
        fresh.status,
        StatusCode::CREATED,
        "a new one-to-one room: {}",
        fresh.body
    );
    assert_ne!(token(&fresh), direct);
    env.assert_invariants().await;
}

#[tokio::test]
async fn no_app_password_created_during_a_removal_survives_it() {
    let (env, _client, _secrets) = serve_with_users(&[]).await;
    for round in 0..10u64 {
        let id = UserId::parse(format!("racer{round}")).unwrap();
        env.add_user(id.as_str(), "Racer").await;
        let store = env.store();
        let create = async {
            tokio::time::sleep(std::time::Duration::from_millis(round * 6)).await;
            store.add_app_password(&id, "late", &new_app_password(), now()).await
        };
        let (removed, _created) = tokio::join!(accounts::remove_user(store, &id), create);
        removed.unwrap();
        let left = store.scan_keys().await.unwrap();
        let prefix = format!("USER#{id}");
        assert!(
            left.iter().all(|(pk, _)| *pk != prefix),
            "round {round}: an item of the removed account survived"
        );
    }
    env.assert_invariants().await;
}
