//! What real Talk clients rely on beyond the room routes (spec §1–3, §10): capabilities and
//! the behaviour behind every advertised feature, the OCS v1 envelope, the Talk hash, "no
//! route" answers, and parameters and formats as clients send them.

use hyper::{Method, StatusCode};
use serde_json::json;
use talk::capabilities::{FEATURES, talk_hash};
use talk_tests::TestEnv;
use talk_tests::http::{Answer, BASE, Client};

const V4: &str = "/ocs/v2.php/apps/spreed/api/v4";
const CHAT: &str = "/ocs/v2.php/apps/spreed/api/v1/chat";
const REACTION: &str = "/ocs/v2.php/apps/spreed/api/v1/reaction";

struct World {
    client: Client,
    alice: String,
    _env: TestEnv,
}

async fn world() -> World {
    let env = TestEnv::new().await;
    let alice = env.add_user("alice", "Alice A").await;
    env.add_user("bob", "Bob B").await;
    let client = Client::serve(&env).await;
    World {
        client,
        alice,
        _env: env,
    }
}

impl World {
    async fn alice(&self, method: Method, path: &str, form: &[(&str, &str)]) -> Answer {
        let call = self.client.call(method, path).user("alice", &self.alice).json();
        if form.is_empty() {
            call.send().await
        } else {
            call.form(form).send().await
        }
    }

    async fn room(&self, form: &[(&str, &str)]) -> String {
        let answer = self.alice(Method::POST, &format!("{BASE}/room"), form).await;
        assert!(answer.status.is_success(), "{}", answer.body);
        answer.data()["token"].as_str().unwrap().to_string()
    }

    async fn say(&self, token: &str, text: &str) -> serde_json::Value {
        let sent = self
            .alice(Method::POST, &format!("{CHAT}/{token}"), &[("message", text)])
            .await;
        assert_eq!(sent.status, StatusCode::CREATED, "{}", sent.body);
        sent.data()
    }

    async fn get_v4(&self, token: &str) -> serde_json::Value {
        self.alice(Method::GET, &format!("{V4}/room/{token}"), &[]).await.data()
    }

    async fn get(&self, token: &str) -> serde_json::Value {
        self.alice(Method::GET, &format!("{BASE}/room/{token}"), &[])
            .await
            .data()
    }
}

#[tokio::test]
async fn capabilities_are_public_in_both_envelopes() {
    let w = world().await;
    for version in ["v1", "v2"] {
        let answer = w
            .client
            .call(Method::GET, &format!("/ocs/{version}.php/cloud/capabilities"))
            .ocs()
            .json()
            .send()
            .await;
        assert_eq!(answer.status, StatusCode::OK, "{version}: {}", answer.body);
        assert_eq!(answer.statuscode(), if version == "v1" { 100 } else { 200 });
        let data = answer.data();
        assert_eq!(data["capabilities"]["spreed"]["features"], json!(FEATURES));
        assert_eq!(data["capabilities"]["spreed"]["config"]["chat"]["max-length"], 32000);
        assert_eq!(data["version"]["edition"], "");
    }
    let xml = w
        .client
        .call(Method::GET, "/ocs/v2.php/cloud/capabilities")
        .ocs()
        .send()
        .await;
    assert!(xml.body.contains("<element>favorites</element>"), "{}", xml.body);
}

/// Each advertised feature, checked against the behaviour it promises. A feature without a
/// check here fails the test: nothing is advertised before it works.
#[tokio::test]
async fn every_advertised_feature_works() {
    let w = world().await;
    for feature in FEATURES {
        let token = w.room(&[("roomType", "2"), ("roomName", "Feature")]).await;
        let path = format!("{BASE}/room/{token}");
        match *feature {
            "favorites" => {
                assert_eq!(
                    w.alice(Method::POST, &format!("{path}/favorite"), &[]).await.status,
                    StatusCode::OK
                );
                assert_eq!(w.get(&token).await["isFavorite"], true);
            }
            "notification-levels" => {
                assert_eq!(
                    w.alice(Method::POST, &format!("{path}/notify"), &[("level", "3")])
                        .await
                        .status,
                    StatusCode::OK
                );
                assert_eq!(w.get(&token).await["notificationLevel"], 3);
            }
            "read-only-rooms" => {
                assert_eq!(
                    w.alice(Method::PUT, &format!("{path}/read-only"), &[("state", "1")])
                        .await
                        .status,
                    StatusCode::OK
                );
                assert_eq!(w.get(&token).await["readOnly"], 1);
            }
            "locked-one-to-one-rooms" => {
                let pair = w.room(&[("roomType", "1"), ("invite", "bob")]).await;
                let pair_path = format!("{BASE}/room/{pair}");
                assert_eq!(
                    w.alice(Method::PUT, &pair_path, &[("roomName", "x")]).await.status,
                    StatusCode::BAD_REQUEST
                );
                let add = w
                    .alice(
                        Method::POST,
                        &format!("{pair_path}/participants"),
                        &[("newParticipant", "bob")],
                    )
                    .await;
                assert_eq!(add.status, StatusCode::BAD_REQUEST);
            }
            "empty-group-room" => {
                let room = w.get(&token).await;
                assert_eq!(
                    (room["type"].clone(), room["participants"].as_object().unwrap().len()),
                    (json!(2), 1)
                );
            }
            "last-room-activity" => {
                let room = w.get(&token).await;
                assert!(room["lastActivity"].as_i64().unwrap() > 0);
                assert_eq!(room["lastActivity"], room["lastMessage"]["timestamp"]);
            }
            "system-messages" => assert_eq!(w.get(&token).await["lastMessage"]["messageType"], "system"),
            "multi-room-users" => {
                let other = w.room(&[("roomType", "2"), ("roomName", "Other")]).await;
                let first = w
                    .alice(Method::POST, &format!("{path}/participants/active"), &[])
                    .await
                    .data()["sessionId"]
                    .clone();
                let second = w
                    .alice(Method::POST, &format!("{BASE}/room/{other}/participants/active"), &[])
                    .await
                    .data()["sessionId"]
                    .clone();
                assert_eq!(
                    w.get(&token).await["sessionId"],
                    first,
                    "joining another room keeps this session"
                );
                assert_eq!(w.get(&other).await["sessionId"], second);
                assert_ne!(first, second);
            }
            // No route of this API starts a call or sets a lobby, so these fields cannot change:
            // what is checked is that each is present with the only value it can take here.
            "start-call-flag" => field_has_its_only_value(&w.get(&token).await, "canStartCall", json!(true)),
            "in-call-flags" => field_has_its_only_value(&w.get(&token).await, "participantFlags", json!(0)),
            "mention-flag" => {
                // A mention by the caller raises no flag of their own; tests/tests/http_chat.rs
                // checks the mentioned user's.
                w.say(&token, "@alice hello me").await;
                assert_eq!(w.get(&token).await["unreadMention"], false);
            }
            "conversation-v4" => {
                let v4 = w.alice(Method::GET, &format!("{V4}/room/{token}"), &[]).await;
                assert_eq!((v4.status, v4.data()["token"].clone()), (StatusCode::OK, json!(token)));
                assert!(v4.data()["attendeeId"].as_i64().unwrap() > 0);
            }
            "direct-mention-flag" => {
                field_has_its_only_value(&w.get_v4(&token).await, "unreadMentionDirect", json!(false))
            }
            "room-description" => {
                let set = w
                    .alice(
                        Method::PUT,
                        &format!("{V4}/room/{token}/description"),
                        &[("description", "About")],
                    )
                    .await;
                assert_eq!(set.status, StatusCode::OK);
                assert_eq!(w.get_v4(&token).await["description"], "About");
            }
            "no-ping" => {
                // Sessions are kept alive by the requests that carry them: there is no ping route.
                let ping = w.alice(Method::POST, &format!("{V4}/room/{token}/ping"), &[]).await;
                assert_eq!(ping.status, StatusCode::NOT_FOUND);
            }
            "publishing-permissions" | "chat-permission" => {
                let me = w.get_v4(&token).await["attendeeId"].clone();
                let bob = w
                    .alice(
                        Method::POST,
                        &format!("{path}/participants"),
                        &[("newParticipant", "bob")],
                    )
                    .await;
                assert_eq!(bob.status, StatusCode::OK);
                let list = w
                    .alice(Method::GET, &format!("{V4}/room/{token}/participants"), &[])
                    .await
                    .data();
                let bob =
                    list.as_array().unwrap().iter().find(|p| p["actorId"] == "bob").unwrap()["attendeeId"].to_string();
                let set = w
                    .alice(
                        Method::PUT,
                        &format!("{V4}/room/{token}/attendees/permissions"),
                        &[("attendeeId", &bob), ("method", "set"), ("permissions", "128")],
                    )
                    .await;
                assert_eq!(set.data()[0]["permissions"], 129, "{}", set.body);
                assert_ne!(me.to_string(), bob);
            }
            "conversation-permissions" => {
                let set = w
                    .alice(
                        Method::PUT,
                        &format!("{V4}/room/{token}/permissions/default"),
                        &[("permissions", "128")],
                    )
                    .await;
                assert_eq!(set.data()["defaultPermissions"], 129, "{}", set.body);
            }
            "chat-v2" | "markdown-messages" => {
                let sent = w.say(&token, "hello").await;
                assert_eq!(
                    (sent["messageType"].clone(), sent["markdown"].clone()),
                    (json!("comment"), json!(true))
                );
            }
            "chat-read-marker" | "chat-read-last" => {
                let id = w.say(&token, "read me").await["id"].clone();
                let read = w.alice(Method::POST, &format!("{CHAT}/{token}/read"), &[]).await;
                assert_eq!(read.data()["lastReadMessage"], id);
                let set = w
                    .alice(
                        Method::POST,
                        &format!("{CHAT}/{token}/read"),
                        &[("lastReadMessage", "0")],
                    )
                    .await;
                assert_eq!(set.data()["lastReadMessage"], -2);
            }
            "chat-unread" => {
                w.say(&token, "one").await;
                let unread = w.alice(Method::DELETE, &format!("{CHAT}/{token}/read"), &[]).await;
                assert_eq!(unread.data()["unreadMessages"], 1, "{}", unread.body);
            }
            "chat-replies" => {
                let id = w.say(&token, "question").await["id"].to_string();
                let reply = w
                    .alice(
                        Method::POST,
                        &format!("{CHAT}/{token}"),
                        &[("message", "answer"), ("replyTo", &id)],
                    )
                    .await;
                assert_eq!(reply.data()["parent"]["message"], "question");
            }
            "chat-reference-id" => {
                let sent = w
                    .alice(
                        Method::POST,
                        &format!("{CHAT}/{token}"),
                        &[("message", "x"), ("referenceId", "ref-1")],
                    )
                    .await;
                assert_eq!(sent.data()["referenceId"], "ref-1");
            }
            "delete-messages" | "delete-messages-unlimited" => {
                let id = w.say(&token, "oops").await["id"].to_string();
                let deleted = w.alice(Method::DELETE, &format!("{CHAT}/{token}/{id}"), &[]).await;
                assert_eq!(deleted.data()["systemMessage"], "message_deleted");
            }
            "edit-messages" => {
                let id = w.say(&token, "typo").await["id"].to_string();
                let edited = w
                    .alice(Method::PUT, &format!("{CHAT}/{token}/{id}"), &[("message", "fixed")])
                    .await;
                assert_eq!(edited.data()["parent"]["message"], "fixed");
            }
            "chat-get-context" => {
                let id = w.say(&token, "here").await["id"].to_string();
                let context = w.alice(Method::GET, &format!("{CHAT}/{token}/{id}/context"), &[]).await;
                assert!(
                    context.data().as_array().unwrap().iter().any(|m| m["id"]
                        .as_i64()
                        .map(|n| n.to_string())
                        .as_deref()
                        == Some(id.as_str()))
                );
            }
            "clear-history" => {
                let cleared = w.alice(Method::DELETE, &format!("{CHAT}/{token}"), &[]).await;
                assert_eq!(cleared.data()["systemMessage"], "history_cleared");
            }
            "reactions" => {
                let id = w.say(&token, "like me").await["id"].to_string();
                let reacted = w
                    .alice(Method::POST, &format!("{REACTION}/{token}/{id}"), &[("reaction", "👍")])
                    .await;
                assert_eq!(reacted.status, StatusCode::CREATED);
            }
            "silent-send" => {
                let sent = w
                    .alice(
                        Method::POST,
                        &format!("{CHAT}/{token}"),
                        &[("message", "psst"), ("silent", "1")],
                    )
                    .await;
                assert_eq!(sent.data()["silent"], true);
            }
            "guest-display-names" => {
                w.alice(Method::POST, &format!("{path}/public"), &[]).await;
                let joined = w
                    .client
                    .call(Method::POST, &format!("{path}/participants/active"))
                    .ocs()
                    .json()
                    .send()
                    .await;
                let cookie = joined
                    .header("set-cookie")
                    .unwrap()
                    .split(';')
                    .next()
                    .unwrap()
                    .to_string();
                let sent = w
                    .client
                    .call(Method::POST, &format!("{CHAT}/{token}"))
                    .ocs()
                    .json()
                    .header("cookie", &cookie)
                    .form(&[("message", "hi"), ("actorDisplayName", "Guest name")])
                    .send()
                    .await;
                assert_eq!(sent.data()["actorDisplayName"], "Guest name");
            }
            other => panic!("feature {other} is advertised but has no check of its behaviour"),
        }
    }
}

/// A room object field that no route can change is present with its one possible value.
fn field_has_its_only_value(room: &serde_json::Value, field: &str, value: serde_json::Value) {
    assert_eq!(room.get(field), Some(&value), "{field} in {room}");
}

#[tokio::test]
async fn the_v1_envelope_answers_200_except_401() {
    let w = world().await;
    let v1 = "/ocs/v1.php/apps/spreed/api/v1";
    let created = w
        .alice(
            Method::POST,
            &format!("{v1}/room"),
            &[("roomType", "2"), ("roomName", "V1")],
        )
        .await;
    assert_eq!((created.status, created.statuscode()), (StatusCode::OK, 100));
    assert_eq!(created.json()["ocs"]["meta"]["totalitems"], "");
    assert_eq!(created.data()["name"], "V1");
    let missing = w.alice(Method::GET, &format!("{v1}/room/zzzzzzzz"), &[]).await;
    assert_eq!((missing.status, missing.statuscode()), (StatusCode::OK, 404));
    assert_eq!(missing.json()["ocs"]["meta"]["status"], "failure");
    let anonymous = w
        .client
        .call(Method::GET, &format!("{v1}/room"))
        .ocs()
        .json()
        .send()
        .await;
    assert_eq!(
        (anonymous.status, anonymous.statuscode()),
        (StatusCode::UNAUTHORIZED, 997)
    );
}

#[tokio::test]
async fn room_answers_carry_the_talk_hash() {
    let w = world().await;
    let token = w.room(&[("roomType", "3"), ("roomName", "Hash")]).await;
    for path in [format!("{BASE}/room"), format!("{BASE}/room/{token}")] {
        let answer = w.alice(Method::GET, &path, &[]).await;
        assert_eq!(answer.headers["x-nextcloud-talk-hash"], talk_hash(), "{path}");
    }
}

#[tokio::test]
async fn no_route_is_the_ocs_invalid_query_and_wrong_methods_are_405() {
    let w = world().await;
    for path in [
        format!("{BASE}/room/ABCDEFGH/favorite"),
        format!("{BASE}/room/ab/participants"),
        format!("{BASE}/room/abcdefgh/unknown"),
        format!("{BASE}/unknown"),
        "/ocs/v2.php/apps/spreed/api/v3/room".to_string(),
        "/ocs/v2.php/apps/other/api/v1/room".to_string(),
        "/index.php".to_string(),
    ] {
        let answer = w.alice(Method::GET, &format!("{path}?format=json"), &[]).await;
        assert_eq!(
            (answer.status, answer.statuscode()),
            (StatusCode::NOT_FOUND, 404),
            "{path}: {}",
            answer.body
        );
        assert!(
            answer.json()["ocs"]["meta"]["message"]
                .as_str()
                .unwrap()
                .starts_with("Invalid query"),
            "{path}"
        );
    }
    for (method, path) in [
        (Method::PATCH, format!("{BASE}/room/abcdefgh/favorite")),
        (Method::GET, format!("{BASE}/room/abcdefgh/notify")),
        (Method::PUT, format!("{BASE}/room/abcdefgh/moderators")),
        (Method::POST, "/ocs/v2.php/cloud/capabilities".to_string()),
    ] {
        let answer = w.alice(method.clone(), &path, &[]).await;
        assert_eq!(answer.status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
        assert!(answer.body.is_empty());
    }
}

#[tokio::test]
async fn parameters_and_formats_as_clients_send_them() {
    let w = world().await;
    let token = w
        .room(&[("roomType", "2"), ("invite", ""), ("roomName", "Empty invite")])
        .await;
    assert_eq!(
        w.get(&token).await["name"],
        "Empty invite",
        "an empty invite means none"
    );
    let path = format!("{BASE}/room/{token}");

    let query_only = w
        .client
        .call(Method::PUT, &format!("{path}?roomName=From%20query"))
        .user("alice", &w.alice)
        .json()
        .send()
        .await;
    assert_eq!(
        query_only.status,
        StatusCode::OK,
        "parameters in the query string of a PUT without body"
    );
    assert_eq!(w.get(&token).await["name"], "From query");

    for (method, suffix, form) in [
        (Method::POST, "/favorite", vec![("format", "json")]),
        (Method::PUT, "", vec![("roomName", "Form format"), ("format", "json")]),
        (Method::DELETE, "/favorite", vec![("format", "json")]),
    ] {
        let answer = w
            .client
            .call(method.clone(), &format!("{path}{suffix}"))
            .user("alice", &w.alice)
            .form(&form)
            .send()
            .await;
        assert_eq!(
            answer.headers["content-type"], "application/json; charset=utf-8",
            "{method} {suffix}"
        );
        assert_eq!(answer.statuscode(), 200);
    }

    let strings = w
        .client
        .call(Method::POST, &format!("{path}/notify"))
        .user("alice", &w.alice)
        .json()
        .json_body(json!({"level": "2"}))
        .send()
        .await;
    assert_eq!(strings.status, StatusCode::OK, "a JSON body with numbers as strings");
    assert_eq!(w.get(&token).await["notificationLevel"], 2);
    let numbers = w
        .client
        .call(Method::PUT, &format!("{path}/read-only"))
        .user("alice", &w.alice)
        .json()
        .json_body(json!({"state": 1}))
        .send()
        .await;
    assert_eq!(numbers.status, StatusCode::OK);
}
