//! Every API Gateway event fixture in `events/<function>/` is parsed by `lambda_http` exactly
//! as in Lambda, handed to that function's `handle` against the local DynamoDB (a fresh table
//! seeded with [`seed_fixture_world`]), and its answer checked against the table below.

use std::collections::BTreeSet;

use lambda_http::Body;
use serde_json::Value;
use talk_tests::{TestEnv, fixture_files, run_fixture, seed_fixture_world, workspace_root};

type Check = fn(&str);

fn json(body: &str) -> Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"))
}

fn statuscode(expected: i64) -> impl Fn(&str) {
    move |body| assert_eq!(json(body)["ocs"]["meta"]["statuscode"], expected, "{body}")
}

/// A successful change: `data: []`.
fn done(body: &str) {
    assert_eq!(json(body)["ocs"]["data"], serde_json::json!([]), "{body}");
    assert_eq!(json(body)["ocs"]["meta"]["statuscode"], 200, "{body}");
}

fn data(body: &str) -> Value {
    json(body)["ocs"]["data"].clone()
}

/// A v4 controller refusal: `data: {"error": reason}`.
fn reason(body: &str, expected: &str) {
    assert_eq!(data(body), serde_json::json!({"error": expected}), "{body}");
}

/// A v4 removal: `data: null`.
fn null(body: &str) {
    assert_eq!(data(body), Value::Null, "{body}");
}

/// A v4 room object with `key` equal to `value`.
fn room_v4(body: &str, key: &str, value: &str) {
    let room = data(body);
    assert_eq!(room[key], value, "{body}");
    assert!(room["attendeeId"].as_i64().is_some_and(|id| id > 0), "{body}");
}

/// (fixture, HTTP status, check of the body).
const CASES: &[(&str, u16, Check)] = &[
    ("rooms/get-room-as-guest.json", 200, |body| {
        let room = &json(body)["ocs"]["data"];
        assert_eq!(
            (room["participantType"].as_i64(), room["name"].as_str()),
            (Some(4), Some("Fixture public"))
        );
    }),
    ("participants/list-participants.json", 200, |body| {
        let rows = json(body)["ocs"]["data"].clone();
        let ids: Vec<&str> = rows
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["userId"].as_str().unwrap())
            .collect();
        assert_eq!(ids, ["alice", "bob"]);
    }),
    ("participants/list-participants-non-participant.json", 404, |body| {
        statuscode(404)(body)
    }),
    ("participants/add-participant.json", 200, done),
    ("participants/add-participant-plain-user.json", 403, |body| {
        statuscode(403)(body)
    }),
    ("participants/add-participant-unknown-user.json", 404, |body| {
        statuscode(404)(body)
    }),
    ("participants/remove-participant.json", 200, done),
    ("participants/remove-guest.json", 200, done),
    ("participants/remove-guest-unknown-session.json", 404, |body| {
        statuscode(404)(body)
    }),
    (
        "participants/remove-participant-self-last-moderator.json",
        400,
        |body| statuscode(400)(body),
    ),
    ("participants/leave-room.json", 200, done),
    ("participants/leave-room-last-moderator.json", 400, |body| {
        statuscode(400)(body)
    }),
    ("participants/join-room-member.json", 200, |body| {
        let room = &json(body)["ocs"]["data"];
        assert_eq!(room["sessionId"].as_str().map(str::len), Some(255));
        assert_eq!(room["participantType"], 3);
    }),
    ("participants/join-public-room-user.json", 200, |body| {
        assert_eq!(json(body)["ocs"]["data"]["participantType"], 5)
    }),
    ("participants/join-public-room-guest.json", 200, |body| {
        assert_eq!(json(body)["ocs"]["data"]["participantType"], 4)
    }),
    ("participants/join-private-room-guest.json", 404, |body| {
        statuscode(404)(body)
    }),
    ("participants/leave-session-guest.json", 200, done),
    ("participants/promote-moderator.json", 200, done),
    ("participants/promote-moderator-one-to-one.json", 400, |body| {
        statuscode(400)(body)
    }),
    ("participants/demote-moderator-self.json", 403, |body| {
        statuscode(403)(body)
    }),
    ("rooms/list-rooms.json", 200, |body| {
        let rooms = json(body)["ocs"]["data"].clone();
        let tokens: BTreeSet<&str> = rooms
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["token"].as_str().unwrap())
            .collect();
        assert_eq!(tokens, BTreeSet::from(["fixtdirect", "fixtgroup", "fixtpublic"]));
    }),
    ("rooms/list-rooms-xml.json", 200, |body| {
        assert!(body.starts_with("<?xml version=\"1.0\"?>\n<ocs>"), "{body}");
        assert!(body.contains("<token>fixtgroup</token>"), "{body}");
    }),
    ("rooms/list-rooms-no-credentials.json", 401, |body| {
        statuscode(997)(body)
    }),
    ("rooms/list-rooms-wrong-password.json", 401, |body| {
        statuscode(997)(body)
    }),
    ("rooms/list-rooms-no-ocs-header.json", 412, |body| {
        assert_eq!(json(body)["message"], "CSRF check failed")
    }),
    ("rooms/create-group-room.json", 201, |body| {
        let room = &json(body)["ocs"]["data"];
        assert_eq!(
            (room["type"].as_i64(), room["name"].as_str()),
            (Some(2), Some("Fixture created"))
        );
    }),
    ("rooms/create-public-room-json.json", 201, |body| {
        assert_eq!(json(body)["ocs"]["data"]["type"], 3)
    }),
    ("rooms/create-room-base64-form.json", 201, |body| {
        assert_eq!(json(body)["ocs"]["data"]["name"], "Encoded")
    }),
    ("rooms/create-one-to-one.json", 201, |body| {
        let room = &json(body)["ocs"]["data"];
        assert_eq!((room["type"].as_i64(), room["name"].as_str()), (Some(1), Some("carol")));
        assert_eq!(room["displayName"], "Carol Fixture");
    }),
    ("rooms/create-one-to-one-existing.json", 200, |body| {
        assert_eq!(json(body)["ocs"]["data"]["token"], "fixtdirect")
    }),
    ("rooms/create-room-from-group.json", 201, |body| {
        let participants = &json(body)["ocs"]["data"]["participants"];
        assert_eq!(participants["carol"]["type"], 1);
        assert_eq!(participants["alice"]["type"], 3);
        assert_eq!(participants["bob"]["type"], 3);
    }),
    ("rooms/create-room-bad-type.json", 400, |body| statuscode(400)(body)),
    ("rooms/create-room-missing-type.json", 400, |body| statuscode(400)(body)),
    ("rooms/create-room-empty-name.json", 400, |body| statuscode(400)(body)),
    ("rooms/create-room-malformed-json.json", 400, |body| {
        statuscode(400)(body)
    }),
    ("rooms/create-one-to-one-unknown-user.json", 404, |body| {
        statuscode(404)(body)
    }),
    ("rooms/create-one-to-one-self.json", 403, |body| statuscode(403)(body)),
    ("rooms/create-room-unknown-group.json", 404, |body| {
        statuscode(404)(body)
    }),
    ("rooms/create-room-no-credentials.json", 401, |body| {
        statuscode(997)(body)
    }),
    ("rooms/get-room.json", 200, |body| {
        let room = &json(body)["ocs"]["data"];
        assert_eq!(
            (room["name"].as_str(), room["participantType"].as_i64()),
            (Some("Fixture group"), Some(3))
        );
        assert_eq!(room["lastMessage"]["message"], "{actor} created the conversation");
    }),
    ("rooms/get-room-non-participant.json", 404, |body| statuscode(404)(body)),
    ("rooms/get-room-unknown.json", 404, |body| statuscode(404)(body)),
    ("rooms/get-public-room-anonymous.json", 200, |body| {
        let room = &json(body)["ocs"]["data"];
        assert_eq!(
            (room["name"].as_str(), room["participantType"].as_i64()),
            (Some(""), Some(4))
        );
    }),
    ("rooms/get-room-bad-token.json", 404, |body| {
        assert!(
            json(body)["ocs"]["meta"]["message"]
                .as_str()
                .unwrap()
                .starts_with("Invalid query"),
            "{body}"
        )
    }),
    ("rooms/get-room-no-ocs-header.json", 412, |body| {
        assert_eq!(json(body)["message"], "CSRF check failed")
    }),
    ("rooms/rename-room.json", 200, done),
    ("rooms/rename-room-plain-user.json", 403, |body| statuscode(403)(body)),
    ("rooms/rename-room-one-to-one.json", 400, |body| statuscode(400)(body)),
    ("rooms/rename-room-empty-name.json", 400, |body| statuscode(400)(body)),
    ("rooms/rename-room-query-parameter.json", 200, done),
    ("rooms/delete-room.json", 200, done),
    ("rooms/delete-room-non-participant.json", 404, |body| {
        statuscode(404)(body)
    }),
    ("rooms/delete-room-one-to-one.json", 400, |body| statuscode(400)(body)),
    ("rooms/set-read-only.json", 200, done),
    ("rooms/set-read-only-bad-state.json", 400, |body| statuscode(400)(body)),
    ("rooms/set-read-only-anonymous.json", 401, |body| statuscode(997)(body)),
    ("public/make-public.json", 200, done),
    ("public/make-private.json", 200, done),
    ("public/make-public-plain-user.json", 403, |body| statuscode(403)(body)),
    ("public/make-public-anonymous.json", 401, |body| statuscode(997)(body)),
    ("public/make-public-one-to-one.json", 400, |body| statuscode(400)(body)),
    ("password/set-password.json", 200, done),
    ("password/remove-password.json", 200, done),
    ("password/set-password-not-public.json", 403, |body| {
        statuscode(403)(body)
    }),
    ("password/set-password-missing.json", 400, |body| statuscode(400)(body)),
    ("password/set-password-anonymous.json", 404, |body| {
        statuscode(404)(body)
    }),
    ("favorite/add-favorite.json", 200, done),
    ("favorite/remove-favorite.json", 200, done),
    ("favorite/add-favorite-non-participant.json", 404, |body| {
        statuscode(404)(body)
    }),
    ("favorite/add-favorite-anonymous.json", 401, |body| {
        statuscode(997)(body)
    }),
    ("notify/set-notification-level.json", 200, done),
    ("notify/set-notification-level-invalid.json", 400, |body| {
        statuscode(400)(body)
    }),
    ("notify/set-notification-level-missing.json", 400, |body| {
        statuscode(400)(body)
    }),
    ("notify/set-notification-level-non-participant.json", 404, |body| {
        statuscode(404)(body)
    }),
    // API v4 (v4 spec): setters answer the room object, removals `null`, refusals by
    // controllers `{"error": reason}`.
    ("rooms/v4-list-rooms.json", 200, |body| {
        let rooms = data(body);
        assert_eq!(rooms.as_array().map(Vec::len), Some(3), "{body}");
        assert!(data(body)[0].get("participants").is_none());
    }),
    ("rooms/v4-list-rooms-modified-since.json", 200, |body| {
        assert_eq!(data(body), serde_json::json!([]))
    }),
    ("rooms/v4-create-group-room.json", 201, |body| {
        room_v4(body, "name", "V4 fixture")
    }),
    ("rooms/v4-create-room-from-group.json", 201, |body| {
        room_v4(body, "name", "engineering")
    }),
    ("rooms/v4-create-one-to-one.json", 201, |body| {
        room_v4(body, "name", "carol")
    }),
    ("rooms/v4-create-one-to-one-unknown-user.json", 404, |body| {
        reason(body, "invite")
    }),
    ("rooms/v4-create-room-empty-name.json", 400, |body| reason(body, "name")),
    ("rooms/v4-get-room.json", 200, |body| {
        room_v4(body, "token", "fixtgroup")
    }),
    ("rooms/v4-get-room-non-participant.json", 404, |body| {
        statuscode(404)(body)
    }),
    ("rooms/v4-rename-room.json", 200, |body| {
        room_v4(body, "name", "Renamed")
    }),
    ("rooms/v4-rename-room-one-to-one.json", 400, |body| reason(body, "type")),
    ("rooms/v4-delete-room.json", 200, null),
    ("rooms/v4-delete-room-plain-user.json", 403, |body| {
        statuscode(403)(body)
    }),
    ("rooms/v4-set-description.json", 200, |body| {
        room_v4(body, "description", "Fixture plans")
    }),
    ("rooms/v4-set-description-too-long.json", 400, |body| {
        reason(body, "value")
    }),
    ("rooms/v4-set-read-only.json", 200, |body| {
        assert_eq!(data(body)["readOnly"], 1)
    }),
    ("rooms/v4-set-read-only-invalid.json", 400, |body| reason(body, "value")),
    ("public/v4-make-public.json", 200, |body| {
        assert_eq!(data(body)["type"], 3)
    }),
    ("public/v4-make-private.json", 200, |body| {
        assert_eq!(data(body)["type"], 2)
    }),
    ("public/v4-make-public-one-to-one.json", 400, |body| {
        reason(body, "type")
    }),
    ("password/v4-set-password.json", 200, |body| {
        assert_eq!(data(body)["hasPassword"], true)
    }),
    ("password/v4-set-password-not-public.json", 400, |body| {
        reason(body, "type")
    }),
    ("favorite/v4-add-favorite.json", 200, |body| {
        assert_eq!(data(body)["isFavorite"], true)
    }),
    ("favorite/v4-remove-favorite.json", 200, |body| {
        assert_eq!(data(body)["isFavorite"], false)
    }),
    ("notify/v4-set-notification-level.json", 200, |body| {
        assert_eq!(data(body)["notificationLevel"], 1)
    }),
    ("notify/v4-set-notification-level-invalid.json", 400, |body| {
        reason(body, "level")
    }),
    ("participants/v4-list-participants.json", 200, |body| {
        let list = data(body);
        let actors: Vec<&str> = list
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["actorId"].as_str().unwrap())
            .collect();
        assert_eq!(actors, ["alice", "bob"]);
        assert!(data(body)[0]["attendeeId"].as_i64().unwrap() > 0);
    }),
    ("participants/v4-add-participant.json", 200, done),
    ("participants/v4-add-participant-bad-source.json", 400, |body| {
        reason(body, "source")
    }),
    ("participants/v4-leave-room.json", 200, null),
    ("participants/v4-remove-attendee.json", 200, null),
    ("participants/v4-remove-attendee-unknown.json", 404, |body| {
        reason(body, "participant")
    }),
    ("participants/v4-join-room.json", 200, |body| {
        assert_eq!(data(body)["sessionId"].as_str().map(str::len), Some(255));
        assert_eq!(data(body)["actorId"], "alice");
    }),
    ("participants/v4-join-public-room-guest.json", 200, |body| {
        assert_eq!(
            (data(body)["participantType"].as_i64(), data(body)["actorType"].as_str()),
            (Some(4), Some("guests"))
        )
    }),
    ("participants/v4-leave-session.json", 200, null),
    ("participants/v4-promote-moderator.json", 200, null),
    ("participants/v4-demote-moderator-not-moderator.json", 400, |body| {
        statuscode(400)(body)
    }),
    ("participants/v4-set-attendee-permissions.json", 200, |body| {
        assert_eq!(data(body)[0]["actorId"], "bob");
        assert_eq!(data(body)[0]["permissions"], 129);
    }),
    ("participants/v4-set-attendee-permissions-moderator.json", 403, |body| {
        reason(body, "moderator")
    }),
    ("participants/v4-set-default-permissions.json", 200, |body| {
        assert_eq!(data(body)["defaultPermissions"], 129)
    }),
    // The chat API (chat spec), on the fixture world's chat message in `fixtpublic`.
    ("chat/receive-history.json", 200, |body| {
        let messages = data(body);
        assert_eq!(messages[0]["message"], "Fixture message", "{body}");
        assert_eq!(messages[1]["systemMessage"], "conversation_created");
    }),
    ("chat/receive-future.json", 200, |body| {
        assert_eq!(data(body)[0]["message"], "Fixture message", "{body}")
    }),
    ("chat/receive-nothing-new.json", 304, |body| assert_eq!(body, "")),
    ("chat/receive-non-participant.json", 404, |body| statuscode(404)(body)),
    ("chat/receive-missing-look-into-future.json", 400, |body| {
        reason(body, "lookIntoFuture")
    }),
    ("chat/send-message.json", 201, |body| {
        assert_eq!(data(body)["message"], "Hello {mention-user1}", "{body}");
        assert_eq!(data(body)["referenceId"], "fixture-ref");
    }),
    ("chat/send-message-guest.json", 201, |body| {
        assert_eq!(data(body)["actorType"], "guests", "{body}");
        assert_eq!(data(body)["actorDisplayName"], "Fixture guest");
    }),
    ("chat/send-message-empty.json", 400, |body| reason(body, "message")),
    ("chat/send-message-too-long.json", 413, |body| reason(body, "message")),
    ("chat/send-message-reply.json", 201, |body| {
        assert_eq!(data(body)["parent"]["message"], "Fixture message", "{body}")
    }),
    ("chat/send-message-non-participant.json", 404, |body| {
        statuscode(404)(body)
    }),
    ("chat/delete-message.json", 200, |body| {
        assert_eq!(data(body)["systemMessage"], "message_deleted", "{body}");
        assert_eq!(data(body)["parent"]["deleted"], true);
    }),
    ("chat/delete-message-unknown.json", 404, |body| reason(body, "message")),
    ("chat/edit-message.json", 200, |body| {
        assert_eq!(data(body)["parent"]["message"], "Edited fixture message", "{body}")
    }),
    ("chat/set-read-marker.json", 200, |body| {
        assert_eq!(data(body)["lastReadMessage"], 1, "{body}")
    }),
    ("chat/mark-unread.json", 200, |body| {
        assert_eq!(data(body)["unreadMessages"], 1, "{body}")
    }),
    ("chat/message-context.json", 200, |body| {
        assert_eq!(data(body).as_array().map(Vec::len), Some(2), "{body}")
    }),
    ("chat/mention-suggestions.json", 200, |body| {
        assert_eq!(data(body)[0]["id"], "bob", "{body}")
    }),
    ("chat/clear-history.json", 200, |body| {
        assert_eq!(data(body)["systemMessage"], "history_cleared", "{body}")
    }),
    ("chat/clear-history-plain-user.json", 403, |body| statuscode(403)(body)),
    ("chat/react.json", 201, |body| {
        assert_eq!(data(body)["👍"][0]["actorId"], "alice", "{body}")
    }),
    ("chat/react-invalid.json", 400, |body| reason(body, "reaction")),
    ("chat/unreact-missing.json", 404, |body| statuscode(404)(body)),
    ("chat/list-reactions.json", 200, |body| {
        assert_eq!(data(body), serde_json::json!({}), "{body}")
    }),
];

#[test]
fn every_fixture_has_an_expectation_and_every_expectation_a_fixture() {
    let listed: BTreeSet<String> = CASES.iter().map(|(file, _, _)| file.to_string()).collect();
    assert_eq!(fixture_files(), listed);
}

#[tokio::test]
async fn every_fixture_gets_its_expected_answer() {
    for (file, status, check) in CASES {
        let (_env, response) = run_fixture(file).await;
        let body = match response.body() {
            Body::Text(text) => text.clone(),
            Body::Empty => String::new(),
            other => panic!("{file}: unexpected body {other:?}"),
        };
        assert_eq!(response.status().as_u16(), *status, "{file}: {body}");
        check(&body);
    }
}

#[tokio::test]
async fn guest_cookies_are_secure_in_lambda() {
    let env = TestEnv::new().await;
    seed_fixture_world(&env).await;
    let text =
        std::fs::read_to_string(workspace_root().join("events/participants/join-public-room-guest.json")).unwrap();
    let function = talkctl::functions::function("participants").unwrap();
    let response = function
        .handle(&env.app, lambda_http::request::from_str(&text).unwrap())
        .await;
    let cookie = response.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.starts_with("talk_guest_fixtpublic="), "{cookie}");
    for attribute in ["; Path=/", "; HttpOnly", "; SameSite=Lax", "; Secure"] {
        assert!(cookie.contains(attribute), "{attribute} missing from {cookie}");
    }
    let secret = cookie.split(';').next().unwrap().split_once('=').unwrap().1;
    assert!(secret.len() >= 32, "the secret has at least 128 bits: {secret}");
    let stored = env.store().scan_keys().await.unwrap();
    assert!(
        stored.iter().all(|(_, sk)| !sk.contains(secret)),
        "only the hash of the secret is stored"
    );
}
