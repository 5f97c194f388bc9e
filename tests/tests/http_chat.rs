//! The chat API end to end through the local server (chat spec §3–§8, §12): sending and
//! receiving, long polling, replies, mentions and their markers, unread counts in v1 and v4
//! room objects, deleting, editing, read markers, context, clearing the history, reactions,
//! guests, refusals, and concurrent senders.

use std::time::{Duration, Instant};

use hyper::{Method, StatusCode};
use serde_json::{Value, json};
use talk_tests::TestEnv;
use talk_tests::http::{Answer, Client};

const CHAT: &str = "/ocs/v2.php/apps/spreed/api/v1/chat";
const REACTION: &str = "/ocs/v2.php/apps/spreed/api/v1/reaction";
const V4: &str = "/ocs/v2.php/apps/spreed/api/v4";
const V1: &str = "/ocs/v2.php/apps/spreed/api/v1";

struct World {
    client: Client,
    secrets: Vec<(&'static str, String)>,
    env: TestEnv,
}

async fn world() -> World {
    let (env, client, secrets) =
        talk_tests::serve_with_users(&[("alice", "Alice A"), ("bob", "Bob B"), ("carol", "Carol C")]).await;
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

    async fn send_as(&self, user: &str, method: Method, path: &str, form: &[(&str, &str)]) -> Answer {
        let call = self.client.call(method, path).user(user, self.secret(user)).json();
        if form.is_empty() {
            call.send().await
        } else {
            call.form(form).send().await
        }
    }

    /// A group room of alice with bob in it; its token.
    async fn room(&self, room_type: &str) -> String {
        let created = self
            .send_as(
                "alice",
                Method::POST,
                &format!("{V4}/room"),
                &[("roomType", room_type), ("roomName", "Chat")],
            )
            .await;
        let token = created.data()["token"].as_str().unwrap().to_string();
        let added = self
            .send_as(
                "alice",
                Method::POST,
                &format!("{V4}/room/{token}/participants"),
                &[("newParticipant", "bob")],
            )
            .await;
        assert_eq!(added.status, StatusCode::OK, "{}", added.body);
        token
    }

    async fn post(&self, user: &str, token: &str, form: &[(&str, &str)]) -> Answer {
        self.send_as(user, Method::POST, &format!("{CHAT}/{token}"), form).await
    }

    async fn say(&self, user: &str, token: &str, text: &str) -> Value {
        let answer = self.post(user, token, &[("message", text)]).await;
        assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
        answer.data()
    }

    async fn history(&self, user: &str, token: &str, query: &str) -> Answer {
        self.send_as(
            user,
            Method::GET,
            &format!("{CHAT}/{token}?lookIntoFuture=0&{query}"),
            &[],
        )
        .await
    }

    async fn room_v4(&self, user: &str, token: &str) -> Value {
        self.send_as(user, Method::GET, &format!("{V4}/room/{token}"), &[])
            .await
            .data()
    }
}

fn texts(messages: &Value) -> Vec<String> {
    messages
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["messageType"] == "comment")
        .map(|m| m["message"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn send_and_receive_history_and_future() {
    let w = world().await;
    let t = w.room("2").await;
    let sent = w.say("alice", &t, "  hello @bob  ").await;
    assert_eq!(sent["message"], "hello {mention-user1}");
    assert_eq!(
        serde_json::to_string(&sent["messageParameters"]).unwrap(),
        r#"{"mention-user1":{"type":"user","id":"bob","name":"Bob B","mention-id":"bob"}}"#
    );
    assert_eq!(sent["actorDisplayName"], "Alice A");
    assert_eq!(sent["reactions"], json!({}));
    w.say("bob", &t, "hi").await;
    let history = w.history("alice", &t, "").await;
    assert_eq!(history.status, StatusCode::OK);
    assert_eq!(texts(&history.data()), ["hi", "hello {mention-user1}"]);
    let oldest = history.data().as_array().unwrap().last().unwrap()["id"].clone();
    assert_eq!(history.header("x-chat-last-given"), Some(oldest.to_string().as_str()));
    let ids: Vec<i64> = history
        .data()
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_i64().unwrap())
        .collect();
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "history is newest first: {ids:?}");
    assert!(ids.iter().all(|id| *id < 1 << 53));

    let future = w
        .send_as(
            "alice",
            Method::GET,
            &format!("{CHAT}/{t}?lookIntoFuture=1&lastKnownMessageId={}", sent["id"]),
            &[],
        )
        .await;
    assert_eq!(texts(&future.data()), ["hi"]);
    let from_start = w
        .send_as(
            "alice",
            Method::GET,
            &format!("{CHAT}/{t}?lookIntoFuture=1&limit=2"),
            &[],
        )
        .await;
    assert_eq!(
        from_start.data().as_array().unwrap()[0]["systemMessage"],
        "conversation_created"
    );
    let older = w
        .history("alice", &t, &format!("lastKnownMessageId={}", sent["id"]))
        .await;
    assert_eq!(older.status, StatusCode::OK);
    assert!(texts(&older.data()).is_empty(), "only system messages are older");
    let none = w
        .history("alice", &t, &format!("lastKnownMessageId={}", ids.last().unwrap()))
        .await;
    assert_eq!((none.status, none.body.as_str()), (StatusCode::NOT_MODIFIED, ""));
}

#[tokio::test]
async fn a_long_poll_waits_for_the_next_message_and_then_answers() {
    let w = world().await;
    let t = w.room("2").await;
    let newest = w.say("alice", &t, "first").await["id"].as_i64().unwrap();
    let started = Instant::now();
    let path = format!("{CHAT}/{t}?lookIntoFuture=1&timeout=20&lastKnownMessageId={newest}");
    let poll = w.send_as("bob", Method::GET, &path, &[]);
    let send = async {
        tokio::time::sleep(Duration::from_millis(1500)).await;
        w.say("alice", &t, "second").await
    };
    let (polled, _) = tokio::join!(poll, send);
    assert_eq!(texts(&polled.data()), ["second"]);
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(1500) && waited < Duration::from_secs(10),
        "{waited:?}"
    );
    let idle = w
        .send_as(
            "bob",
            Method::GET,
            &format!(
                "{CHAT}/{t}?lookIntoFuture=1&timeout=1&lastKnownMessageId={}",
                newest + 100
            ),
            &[],
        )
        .await;
    assert_eq!(idle.status, StatusCode::NOT_MODIFIED);
}

#[tokio::test]
async fn unread_counts_mentions_and_read_markers_in_v1_and_v4_objects() {
    let w = world().await;
    let t = w.room("2").await;
    let bob = w.room_v4("bob", &t).await;
    assert_eq!(
        (bob["unreadMessages"].clone(), bob["unreadMention"].clone()),
        (json!(0), json!(false))
    );
    w.say("alice", &t, "one").await;
    let mention = w.say("alice", &t, "two @bob").await;
    let bob = w.room_v4("bob", &t).await;
    assert_eq!(bob["unreadMessages"], 2);
    assert_eq!(bob["unreadMention"], true);
    assert_eq!(bob["unreadMentionDirect"], true);
    let v1 = w
        .send_as("bob", Method::GET, &format!("{V1}/room/{t}"), &[])
        .await
        .data();
    assert_eq!(
        (v1["unreadMessages"].clone(), v1["unreadMention"].clone()),
        (json!(2), json!(true))
    );
    assert_eq!(v1["lastMessage"]["messageType"], "comment");
    let alice = w.room_v4("alice", &t).await;
    assert_eq!(alice["unreadMessages"], 0, "sending reads");
    assert_eq!(alice["lastMessage"]["id"], mention["id"]);

    let read = w
        .send_as(
            "bob",
            Method::POST,
            &format!("{CHAT}/{t}/read"),
            &[("lastReadMessage", &mention["id"].to_string())],
        )
        .await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.body);
    assert_eq!(read.data()["unreadMessages"], 0);
    assert_eq!(read.data()["unreadMention"], false);
    let unread = w.send_as("bob", Method::DELETE, &format!("{CHAT}/{t}/read"), &[]).await;
    assert_eq!(unread.data()["unreadMessages"], 1, "{}", unread.body);
    let all_unread = w
        .send_as(
            "bob",
            Method::POST,
            &format!("{CHAT}/{t}/read"),
            &[("lastReadMessage", "0")],
        )
        .await;
    assert_eq!(all_unread.data()["lastReadMessage"], -2);
    let latest = w.send_as("bob", Method::POST, &format!("{CHAT}/{t}/read"), &[]).await;
    assert_eq!(latest.data()["lastReadMessage"], mention["id"]);
    // The room list reads no message to count: the counters come with the rows it reads.
    let list = w.send_as("bob", Method::GET, &format!("{V4}/room"), &[]).await;
    assert_eq!(list.data()[0]["unreadMessages"], 0);
}

#[tokio::test]
async fn replies_delete_edit_and_context() {
    let w = world().await;
    let t = w.room("2").await;
    let question = w.say("alice", &t, "question").await;
    let qid = question["id"].to_string();
    let reply = w.post("bob", &t, &[("message", "answer"), ("replyTo", &qid)]).await;
    assert_eq!(reply.status, StatusCode::CREATED);
    assert_eq!(reply.data()["parent"]["message"], "question");
    assert!(reply.data()["parent"].get("parent").is_none());
    let system = w
        .history("alice", &t, "")
        .await
        .data()
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["systemMessage"] == "conversation_created")
        .unwrap()["id"]
        .to_string();
    let bad = w.post("bob", &t, &[("message", "x"), ("replyTo", &system)]).await;
    assert_eq!(
        (bad.status, bad.data()),
        (StatusCode::BAD_REQUEST, json!({"error": "reply-to"}))
    );

    let edited = w
        .send_as(
            "alice",
            Method::PUT,
            &format!("{CHAT}/{t}/{qid}"),
            &[("message", "better question")],
        )
        .await;
    assert_eq!(edited.status, StatusCode::OK, "{}", edited.body);
    assert_eq!(edited.data()["systemMessage"], "message_edited");
    assert_eq!(edited.data()["parent"]["message"], "better question");
    assert_eq!(edited.data()["parent"]["lastEditActorId"], "alice");
    let foreign = w
        .send_as("bob", Method::DELETE, &format!("{CHAT}/{t}/{qid}"), &[])
        .await;
    assert_eq!(
        (foreign.status, foreign.data()),
        (StatusCode::FORBIDDEN, json!({"error": "permission"}))
    );
    let deleted = w
        .send_as("alice", Method::DELETE, &format!("{CHAT}/{t}/{qid}"), &[])
        .await;
    assert_eq!(deleted.status, StatusCode::OK);
    assert_eq!(deleted.data()["systemMessage"], "message_deleted");
    assert_eq!(deleted.data()["message"], "You deleted a message");
    assert_eq!(deleted.data()["parent"]["message"], "Message deleted by you");
    assert_eq!(deleted.data()["parent"]["deleted"], true);
    let again = w
        .send_as("alice", Method::DELETE, &format!("{CHAT}/{t}/{qid}"), &[])
        .await;
    assert_eq!(again.status, StatusCode::METHOD_NOT_ALLOWED);
    let missing = w
        .send_as("alice", Method::DELETE, &format!("{CHAT}/{t}/999"), &[])
        .await;
    assert_eq!(
        (missing.status, missing.data()),
        (StatusCode::NOT_FOUND, json!({"error": "message"}))
    );

    let context = w
        .send_as("bob", Method::GET, &format!("{CHAT}/{t}/{qid}/context?limit=2"), &[])
        .await;
    assert_eq!(context.status, StatusCode::OK);
    let ids: Vec<i64> = context
        .data()
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_i64().unwrap())
        .collect();
    assert!(ids.contains(&question["id"].as_i64().unwrap()));
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "context is oldest first: {ids:?}");
}

#[tokio::test]
async fn refusals_and_limits() {
    let w = world().await;
    let t = w.room("2").await;
    let empty = w.post("alice", &t, &[("message", "   ")]).await;
    assert_eq!(
        (empty.status, empty.data()),
        (StatusCode::BAD_REQUEST, json!({"error": "message"}))
    );
    let long = "x".repeat(32001);
    let too_long = w.post("alice", &t, &[("message", &long)]).await;
    assert_eq!(
        (too_long.status, too_long.data()),
        (StatusCode::PAYLOAD_TOO_LARGE, json!({"error": "message"}))
    );
    let exact = "y".repeat(32000);
    assert_eq!(
        w.post("alice", &t, &[("message", &exact)]).await.status,
        StatusCode::CREATED
    );
    let missing = w.post("alice", &t, &[]).await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST);
    let stranger = w.post("carol", &t, &[("message", "hi")]).await;
    assert_eq!(stranger.status, StatusCode::NOT_FOUND);
    let no_future = w.send_as("alice", Method::GET, &format!("{CHAT}/{t}"), &[]).await;
    assert_eq!(no_future.status, StatusCode::BAD_REQUEST);
    w.send_as(
        "alice",
        Method::PUT,
        &format!("{V4}/room/{t}/read-only"),
        &[("state", "1")],
    )
    .await;
    let locked = w.post("bob", &t, &[("message", "hi")]).await;
    assert_eq!(locked.status, StatusCode::FORBIDDEN);
    assert_eq!(
        w.history("bob", &t, "").await.status,
        StatusCode::OK,
        "reading a locked room works"
    );
    w.send_as(
        "alice",
        Method::PUT,
        &format!("{V4}/room/{t}/read-only"),
        &[("state", "0")],
    )
    .await;
    let list = w
        .send_as("alice", Method::GET, &format!("{V4}/room/{t}/participants"), &[])
        .await
        .data();
    let bob = list.as_array().unwrap().iter().find(|p| p["actorId"] == "bob").unwrap()["attendeeId"].to_string();
    w.send_as(
        "alice",
        Method::PUT,
        &format!("{V4}/room/{t}/attendees/permissions"),
        &[("attendeeId", &bob), ("method", "remove"), ("permissions", "128")],
    )
    .await;
    let muted = w.post("bob", &t, &[("message", "hi")]).await;
    assert_eq!(muted.status, StatusCode::FORBIDDEN, "no chat permission");
    assert_eq!(w.history("bob", &t, "").await.status, StatusCode::OK);
    w.env.assert_invariants().await;
}

#[tokio::test]
async fn reactions_add_list_and_withdraw() {
    let w = world().await;
    let t = w.room("2").await;
    let id = w.say("alice", &t, "react to me").await["id"].to_string();
    let path = format!("{REACTION}/{t}/{id}");
    let added = w.send_as("bob", Method::POST, &path, &[("reaction", "👍")]).await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.body);
    assert_eq!(added.data()["👍"][0]["actorId"], "bob");
    assert_eq!(added.data()["👍"][0]["actorDisplayName"], "Bob B");
    let twice = w.send_as("bob", Method::POST, &path, &[("reaction", "👍")]).await;
    assert_eq!(twice.status, StatusCode::OK);
    let odd = w.send_as("bob", Method::POST, &path, &[("reaction", "☝️️")]).await;
    assert_eq!(odd.status, StatusCode::CREATED);
    let invalid = w.send_as("bob", Method::POST, &path, &[("reaction", "ab")]).await;
    assert_eq!(invalid.status, StatusCode::BAD_REQUEST);
    let history = w.history("bob", &t, "").await.data();
    let message = history
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"].as_i64().map(|n| n.to_string()).as_deref() == Some(id.as_str()))
        .unwrap();
    assert_eq!(message["reactions"], json!({"☝️️": 1, "👍": 1}));
    assert_eq!(message["reactionsSelf"], json!(["👍", "☝️️"]));
    let listed = w
        .send_as("alice", Method::GET, &format!("{path}?reaction=👍"), &[])
        .await;
    assert_eq!(listed.data().as_object().unwrap().len(), 1);
    let removed = w.send_as("bob", Method::DELETE, &path, &[("reaction", "👍")]).await;
    assert_eq!(removed.status, StatusCode::OK);
    assert!(removed.data().get("👍").is_none());
    let gone = w.send_as("bob", Method::DELETE, &path, &[("reaction", "👍")]).await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    w.send_as("bob", Method::DELETE, &path, &[("reaction", "☝️️")]).await;
    assert_eq!(w.send_as("bob", Method::GET, &path, &[]).await.data(), json!({}));
    let rows: Vec<String> = w
        .history("bob", &t, "")
        .await
        .data()
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["systemMessage"].as_str().unwrap().to_string())
        .collect();
    assert!(
        rows.contains(&"reaction_revoked".to_string()) && rows.contains(&"reaction_deleted".to_string()),
        "{rows:?}"
    );
    assert_eq!(
        w.room_v4("alice", &t).await["lastMessage"]["message"],
        "react to me",
        "reactions are not the last message"
    );
}

#[tokio::test]
async fn guests_chat_with_a_name_and_one_to_one_invitees_join_on_the_first_message() {
    let w = world().await;
    let t = w.room("3").await;
    let joined = w
        .client
        .call(Method::POST, &format!("{V4}/room/{t}/participants/active"))
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
        .call(Method::POST, &format!("{CHAT}/{t}"))
        .ocs()
        .json()
        .header("cookie", &cookie)
        .form(&[("message", "hello from a guest"), ("actorDisplayName", "Visitor")])
        .send()
        .await;
    assert_eq!(sent.status, StatusCode::CREATED, "{}", sent.body);
    assert_eq!(
        (
            sent.data()["actorType"].clone(),
            sent.data()["actorDisplayName"].clone()
        ),
        (json!("guests"), json!("Visitor"))
    );
    let guest_delete = w
        .client
        .call(Method::DELETE, &format!("{CHAT}/{t}/{}", sent.data()["id"]))
        .ocs()
        .json()
        .header("cookie", &cookie)
        .send()
        .await;
    assert_eq!(guest_delete.status, StatusCode::NOT_FOUND, "guests cannot delete");
    let mentions = w
        .send_as("alice", Method::GET, &format!("{CHAT}/{t}/mentions?search="), &[])
        .await
        .data();
    let sources: Vec<&str> = mentions
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["source"].as_str().unwrap())
        .collect();
    assert_eq!(sources, ["users", "guests", "calls"]);

    let direct = w
        .send_as(
            "alice",
            Method::POST,
            &format!("{V4}/room"),
            &[("roomType", "1"), ("invite", "carol")],
        )
        .await;
    let d = direct.data()["token"].as_str().unwrap().to_string();
    assert_eq!(
        w.send_as("carol", Method::GET, &format!("{V4}/room/{d}"), &[])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    w.say("alice", &d, "are you there?").await;
    let carol = w.room_v4("carol", &d).await;
    assert_eq!(
        (carol["participantType"].clone(), carol["unreadMessages"].clone()),
        (json!(1), json!(1))
    );
}

#[tokio::test]
async fn clearing_the_history_leaves_one_unread_marker() {
    let w = world().await;
    let t = w.room("2").await;
    w.say("alice", &t, "old").await;
    let refused = w.send_as("bob", Method::DELETE, &format!("{CHAT}/{t}"), &[]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let cleared = w.send_as("alice", Method::DELETE, &format!("{CHAT}/{t}"), &[]).await;
    assert_eq!(cleared.status, StatusCode::OK, "{}", cleared.body);
    assert_eq!(cleared.data()["systemMessage"], "history_cleared");
    let history = w.history("bob", &t, "").await.data();
    assert_eq!(history.as_array().unwrap().len(), 1, "{history}");
    let bob = w.room_v4("bob", &t).await;
    assert_eq!(
        (bob["unreadMessages"].clone(), bob["lastReadMessage"].clone()),
        (json!(1), json!(-2))
    );
}

#[tokio::test]
async fn twenty_concurrent_senders_get_distinct_increasing_ids() {
    let w = world().await;
    let t = w.room("2").await;
    let sends = (0..20).map(|i| {
        let (w, t) = (&w, &t);
        async move {
            let user = if i % 2 == 0 { "alice" } else { "bob" };
            w.say(user, t, &format!("message {i}")).await["id"].as_i64().unwrap()
        }
    });
    let mut ids = futures::future::join_all(sends).await;
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 20);
    let history = w.history("alice", &t, "limit=50").await.data();
    assert_eq!(texts(&history).len(), 20);
    let newest = history.as_array().unwrap()[0]["id"].as_i64().unwrap();
    assert_eq!(newest, *ids.last().unwrap());
    assert_eq!(w.room_v4("alice", &t).await["lastMessage"]["id"], newest);
    for user in ["alice", "bob"] {
        let own_last = history
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["actorId"] == user && m["messageType"] == "comment")
            .unwrap()["id"]
            .as_i64()
            .unwrap();
        let marker = w.room_v4(user, &t).await["lastReadMessage"].as_i64().unwrap();
        assert!(marker >= own_last, "{user}'s read marker kept: {marker} < {own_last}");
    }
    w.env.assert_invariants().await;
}

#[tokio::test]
async fn races_with_deletions_leave_consistent_data() {
    let w = world().await;
    for round in 0..3 {
        // A send racing the room's deletion: either the message lands first or the room is gone.
        let t = w.room("2").await;
        let room = format!("{V4}/room/{t}");
        let (sent, deleted) = tokio::join!(
            w.post("bob", &t, &[("message", "last words")]),
            w.send_as("alice", Method::DELETE, &room, &[])
        );
        assert!(
            matches!(sent.status.as_u16(), 201 | 404),
            "round {round}: {}",
            sent.body
        );
        assert_eq!(deleted.status, StatusCode::OK);

        // An edit and a reaction racing the message's deletion.
        let t = w.room("2").await;
        let id = w.say("alice", &t, "contested").await["id"].to_string();
        let (message, reaction) = (format!("{CHAT}/{t}/{id}"), format!("{REACTION}/{t}/{id}"));
        let (edited, reacted, removed) = tokio::join!(
            w.send_as("alice", Method::PUT, &message, &[("message", "edited")]),
            w.send_as("bob", Method::POST, &reaction, &[("reaction", "👍")]),
            w.send_as("alice", Method::DELETE, &message, &[])
        );
        assert_eq!(removed.status, StatusCode::OK, "{}", removed.body);
        assert!(matches!(edited.status.as_u16(), 200 | 405), "{}", edited.body);
        assert!(matches!(reacted.status.as_u16(), 201 | 400), "{}", reacted.body);
        let history = w.history("bob", &t, "").await.data();
        let shown = history
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["id"].as_i64().map(|n| n.to_string()).as_deref() == Some(id.as_str()))
            .unwrap();
        assert_eq!(shown["messageType"], "comment_deleted");
        assert_eq!(shown["reactions"], json!({}));
    }
    w.env.assert_invariants().await;
}
