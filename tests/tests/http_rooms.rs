//! End-to-end tests of spec §6.1–6.3 through the local API server, as a Talk client calls it:
//! Basic auth, the OCS header, form and JSON bodies, JSON and XML answers.

use hyper::{Method, StatusCode};
use serde_json::{Value, json};
use talk_tests::TestEnv;
use talk_tests::http::{Answer, BASE, Client};

struct World {
    env: TestEnv,
    client: Client,
    alice: String,
    bob: String,
    carol: String,
}

async fn world() -> World {
    let env = TestEnv::new().await;
    let alice = env.add_user("alice", "Alice A").await;
    let bob = env.add_user("bob", "Bob B").await;
    let carol = env.add_user("carol", "Carol C").await;
    let client = Client::serve(&env).await;
    World {
        env,
        client,
        alice,
        bob,
        carol,
    }
}

impl World {
    fn secret(&self, user: &str) -> &str {
        match user {
            "alice" => &self.alice,
            "bob" => &self.bob,
            "carol" => &self.carol,
            other => panic!("no secret for {other}"),
        }
    }

    async fn list(&self, user: &str) -> Answer {
        self.client
            .call(Method::GET, &format!("{BASE}/room"))
            .user(user, self.secret(user))
            .json()
            .send()
            .await
    }

    async fn create(&self, user: &str, form: &[(&str, &str)]) -> Answer {
        self.client
            .call(Method::POST, &format!("{BASE}/room"))
            .user(user, self.secret(user))
            .json()
            .form(form)
            .send()
            .await
    }

    async fn get(&self, user: &str, token: &str) -> Answer {
        self.client
            .call(Method::GET, &format!("{BASE}/room/{token}"))
            .user(user, self.secret(user))
            .json()
            .send()
            .await
    }
}

fn token_of(answer: &Answer) -> String {
    answer.data()["token"]
        .as_str()
        .expect("the room has a token")
        .to_string()
}

#[tokio::test]
async fn list_is_empty_for_a_new_user_and_shows_every_room_joined() {
    let w = world().await;
    let empty = w.list("alice").await;
    assert_eq!(empty.status, StatusCode::OK);
    assert_eq!(
        empty.json()["ocs"]["meta"],
        json!({"status": "ok", "statuscode": 200, "message": "OK"})
    );
    assert_eq!(empty.data(), json!([]));
    assert!(empty.headers.contains_key("x-nextcloud-talk-modified-before"));

    let group = token_of(&w.create("alice", &[("roomType", "2"), ("roomName", "Team")]).await);
    let public = token_of(&w.create("alice", &[("roomType", "3"), ("roomName", "Open")]).await);
    let direct = token_of(&w.create("bob", &[("roomType", "1"), ("invite", "alice")]).await);
    let _others = token_of(&w.create("carol", &[("roomType", "2"), ("roomName", "Carol's")]).await);

    let listed = w.list("alice").await.data();
    let mut tokens: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["token"].as_str().unwrap())
        .collect();
    tokens.sort_unstable();
    let mut expected = vec![group.as_str(), public.as_str(), direct.as_str()];
    expected.sort_unstable();
    assert_eq!(tokens, expected);
    let direct_room = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["token"] == direct.as_str())
        .unwrap();
    assert_eq!(direct_room["name"], "bob");
    assert_eq!(direct_room["displayName"], "Bob B");
    assert_eq!(
        direct_room["lastMessage"]["message"],
        "{actor} created the conversation"
    );
}

#[tokio::test]
async fn create_group_and_public_rooms_with_trimmed_names() {
    let w = world().await;
    let group = w.create("alice", &[("roomType", "2"), ("roomName", "  Team \t")]).await;
    assert_eq!(group.status, StatusCode::CREATED);
    assert_eq!(group.statuscode(), 201);
    let room = group.data();
    assert_eq!(room["type"], 2);
    assert_eq!(room["name"], "Team");
    assert_eq!(room["displayName"], "Team");
    assert_eq!(room["participantType"], 1);
    assert_eq!(
        room["participants"],
        json!({"alice": {"name": "Alice A", "type": 1, "call": 0, "sessionId": "0"}})
    );
    assert_eq!(room["lastMessage"]["systemMessage"], "conversation_created");
    assert_eq!(room["lastMessage"]["message"], "You created the conversation");
    assert_eq!(room["token"].as_str().unwrap().len(), 8);

    let public = w.create("alice", &[("roomType", "3"), ("roomName", "Open")]).await;
    assert_eq!(public.status, StatusCode::CREATED);
    assert_eq!(public.data()["type"], 3);
    assert_ne!(public.data()["id"], room["id"]);
}

#[tokio::test]
async fn create_accepts_a_json_body_and_a_200_character_multibyte_name() {
    let w = world().await;
    let name = "ü".repeat(199) + "😀";
    let answer = w
        .client
        .call(Method::POST, &format!("{BASE}/room"))
        .user("alice", &w.alice)
        .json()
        .json_body(json!({"roomType": "3", "roomName": name}))
        .send()
        .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
    assert_eq!(answer.data()["name"], name.as_str());
}

#[tokio::test]
async fn create_refuses_bad_parameters_with_400() {
    let w = world().await;
    let long = "a".repeat(201);
    let cases: Vec<Vec<(&str, &str)>> = vec![
        vec![("roomType", "0")],
        vec![("roomType", "4"), ("roomName", "x")],
        vec![("roomType", "x")],
        vec![("roomName", "no type")],
        vec![("roomType", "2")],
        vec![("roomType", "2"), ("roomName", "   ")],
        vec![("roomType", "3"), ("roomName", "")],
        vec![("roomType", "3"), ("roomName", &long)],
    ];
    for form in cases {
        let answer = w.create("alice", &form).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{form:?}: {}", answer.body);
        assert_eq!(answer.statuscode(), 400);
        assert_eq!(answer.json()["ocs"]["meta"]["status"], "failure");
        assert_eq!(answer.data(), json!([]));
    }
    assert_eq!(
        w.list("alice").await.data(),
        json!([]),
        "no refused creation left a room"
    );
}

#[tokio::test]
async fn one_to_one_needs_an_existing_other_user() {
    let w = world().await;
    for (form, status) in [
        (vec![("roomType", "1"), ("invite", "nobody")], StatusCode::NOT_FOUND),
        (vec![("roomType", "1"), ("invite", "")], StatusCode::NOT_FOUND),
        (vec![("roomType", "1")], StatusCode::NOT_FOUND),
        (vec![("roomType", "1"), ("invite", "bad/id")], StatusCode::NOT_FOUND),
        (vec![("roomType", "1"), ("invite", "alice")], StatusCode::FORBIDDEN),
    ] {
        let answer = w.create("alice", &form).await;
        assert_eq!(answer.status, status, "{form:?}: {}", answer.body);
        assert_eq!(answer.statuscode(), i64::from(status.as_u16()));
    }
    assert_eq!(w.list("alice").await.data(), json!([]));
}

#[tokio::test]
async fn one_to_one_is_created_once_per_pair_from_either_side() {
    let w = world().await;
    let first = w
        .create(
            "alice",
            &[("roomType", "1"), ("invite", "bob"), ("roomName", "ignored")],
        )
        .await;
    assert_eq!(first.status, StatusCode::CREATED);
    let room = first.data();
    assert_eq!(room["type"], 1);
    assert_eq!(room["name"], "bob");
    assert_eq!(room["displayName"], "Bob B");
    assert_eq!(room["participantType"], 1);
    assert_eq!(room["notificationLevel"], 1);
    assert_eq!(room["participants"]["bob"]["type"], 1);

    let again = w.create("alice", &[("roomType", "1"), ("invite", "bob")]).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.data()["token"], room["token"]);
    let reverse = w.create("bob", &[("roomType", "1"), ("invite", "alice")]).await;
    assert_eq!(reverse.status, StatusCode::OK);
    assert_eq!(reverse.data()["token"], room["token"]);
    assert_eq!(reverse.data()["name"], "alice");
    assert_eq!(reverse.data()["displayName"], "Alice A");
    assert_eq!(w.list("bob").await.data().as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn twenty_concurrent_one_to_one_creations_make_exactly_one_room() {
    let w = world().await;
    let w = &w;
    let answers = futures::future::join_all((0..20).map(|i| {
        let (user, invite) = if i % 2 == 0 { ("alice", "bob") } else { ("bob", "alice") };
        async move { w.create(user, &[("roomType", "1"), ("invite", invite)]).await }
    }))
    .await;
    let created = answers.iter().filter(|a| a.status == StatusCode::CREATED).count();
    let found = answers.iter().filter(|a| a.status == StatusCode::OK).count();
    assert_eq!(
        (created, found),
        (1, 19),
        "{:?}",
        answers.iter().map(|a| a.status).collect::<Vec<_>>()
    );
    let tokens: std::collections::HashSet<String> = answers.iter().map(token_of).collect();
    assert_eq!(tokens.len(), 1);

    let keys = w.env.store().scan_keys().await.unwrap();
    let rooms = keys.iter().filter(|(_, sk)| sk == "ROOM").count();
    let locks = keys.iter().filter(|(pk, _)| pk.starts_with("PAIR#")).count();
    assert_eq!((rooms, locks), (1, 1), "{keys:?}");
    for user in ["alice", "bob"] {
        assert_eq!(w.list(user).await.data().as_array().unwrap().len(), 1);
    }
    w.env.assert_invariants().await;
}

#[tokio::test]
async fn inviting_a_group_adds_its_other_members_as_users() {
    let w = world().await;
    w.env.add_group("team", &["alice", "bob", "carol"]).await;
    let answer = w
        .create(
            "alice",
            &[("roomType", "2"), ("invite", "team"), ("roomName", "ignored")],
        )
        .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
    let room = answer.data();
    assert_eq!(room["name"], "team");
    assert_eq!(
        room["participants"],
        json!({
            "alice": {"name": "Alice A", "type": 1, "call": 0, "sessionId": "0"},
            "bob": {"name": "Bob B", "type": 3, "call": 0, "sessionId": "0"},
            "carol": {"name": "Carol C", "type": 3, "call": 0, "sessionId": "0"},
        })
    );
    assert_eq!(room["lastMessage"]["systemMessage"], "user_added");
    let token = room["token"].as_str().unwrap();
    let seen_by_bob = w.get("bob", token).await;
    assert_eq!(seen_by_bob.status, StatusCode::OK);
    assert_eq!(seen_by_bob.data()["participantType"], 3);
    let seen_by_carol = w.get("carol", token).await.data();
    assert_eq!(seen_by_carol["lastMessage"]["message"], "{actor} added you");
    assert_eq!(seen_by_carol["lastMessage"]["messageParameters"]["user"]["id"], "carol");
    let seen_by_alice = w.get("alice", token).await.data();
    assert_eq!(seen_by_alice["lastMessage"]["message"], "You added {user}");
}

#[tokio::test]
async fn the_creator_need_not_be_a_group_member_and_unknown_groups_are_404() {
    let w = world().await;
    w.env.add_group("others", &["bob"]).await;
    let answer = w.create("alice", &[("roomType", "2"), ("invite", "others")]).await;
    assert_eq!(answer.status, StatusCode::CREATED);
    let participants = answer.data()["participants"].clone();
    assert_eq!(participants["alice"]["type"], 1);
    assert_eq!(participants["bob"]["type"], 3);

    let missing = w.create("alice", &[("roomType", "2"), ("invite", "nogroup")]).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(w.list("alice").await.data().as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn get_room_shows_participants_their_room_and_hides_it_from_others() {
    let w = world().await;
    let token = token_of(&w.create("alice", &[("roomType", "2"), ("roomName", "Team")]).await);
    let own = w.get("alice", &token).await;
    assert_eq!(own.status, StatusCode::OK);
    assert_eq!(own.data()["name"], "Team");
    assert_eq!(own.data()["participantType"], 1);

    let stranger = w.get("bob", &token).await;
    assert_eq!(stranger.status, StatusCode::NOT_FOUND);
    assert_eq!(stranger.statuscode(), 404);
    assert_eq!(stranger.data(), json!([]));

    let unknown = w.get("alice", "zzzzzzzz").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(
        unknown.body, stranger.body,
        "a stranger cannot tell an existing room from none"
    );
}

#[tokio::test]
async fn public_rooms_show_outsiders_the_non_participant_view() {
    let w = world().await;
    let token = token_of(
        &w.create("alice", &[("roomType", "3"), ("roomName", "Secret plans")])
            .await,
    );
    let anonymous = w
        .client
        .call(Method::GET, &format!("{BASE}/room/{token}"))
        .ocs()
        .json()
        .send()
        .await;
    let user = w.get("carol", &token).await;
    let wrong_password = w
        .client
        .call(Method::GET, &format!("{BASE}/room/{token}"))
        .user("carol", "wrong")
        .json()
        .send()
        .await;
    for answer in [&anonymous, &user, &wrong_password] {
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
        let room = answer.data();
        assert_eq!(room["token"], token.as_str());
        assert_eq!(room["name"], "");
        assert_eq!(room["displayName"], "");
        assert_eq!(room["participantType"], 4);
        assert_eq!(room["participants"], json!([]));
        assert_eq!(room["lastMessage"], json!([]));
    }
    let private = token_of(&w.create("alice", &[("roomType", "2"), ("roomName", "Private")]).await);
    let hidden = w
        .client
        .call(Method::GET, &format!("{BASE}/room/{private}"))
        .ocs()
        .json()
        .send()
        .await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn authentication_and_csrf_come_in_the_spec_order() {
    let w = world().await;
    let url = format!("{BASE}/room");
    let none = w.client.call(Method::GET, &url).ocs().json().send().await;
    assert_eq!(none.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        none.json()["ocs"]["meta"],
        json!({"status": "failure", "statuscode": 997, "message": "Current user is not logged in"})
    );
    assert_eq!(none.data(), json!([]));

    let wrong = w
        .client
        .call(Method::GET, &url)
        .user("alice", "not-the-password")
        .json()
        .send()
        .await;
    assert_eq!((wrong.status, wrong.statuscode()), (StatusCode::UNAUTHORIZED, 997));
    let unknown = w
        .client
        .call(Method::GET, &url)
        .user("mallory", "whatever")
        .json()
        .send()
        .await;
    assert_eq!((unknown.status, unknown.statuscode()), (StatusCode::UNAUTHORIZED, 997));
    let other_users_password = w
        .client
        .call(Method::GET, &url)
        .user("alice", &w.bob)
        .json()
        .send()
        .await;
    assert_eq!(other_users_password.status, StatusCode::UNAUTHORIZED);

    let no_header = w
        .client
        .call(Method::GET, &url)
        .header("authorization", &talk_tests::basic("alice", &w.alice))
        .json()
        .send()
        .await;
    assert_eq!(no_header.status, StatusCode::PRECONDITION_FAILED);
    assert_eq!(no_header.json(), json!({"message": "CSRF check failed"}));

    let no_header_no_auth = w
        .client
        .call(Method::POST, &url)
        .form(&[("roomType", "2"), ("roomName", "x")])
        .send()
        .await;
    assert_eq!(
        no_header_no_auth.status,
        StatusCode::UNAUTHORIZED,
        "authentication is checked before the CSRF header"
    );
    let bad_params_no_auth = w
        .client
        .call(Method::POST, &url)
        .ocs()
        .json()
        .form(&[("roomType", "9")])
        .send()
        .await;
    assert_eq!(
        bad_params_no_auth.status,
        StatusCode::UNAUTHORIZED,
        "authentication is checked before parameters"
    );
}

#[tokio::test]
async fn answers_are_xml_by_default_and_json_on_request() {
    let w = world().await;
    let url = format!("{BASE}/room");
    let xml = w.client.call(Method::GET, &url).user("alice", &w.alice).send().await;
    assert_eq!(xml.status, StatusCode::OK);
    assert_eq!(xml.headers["content-type"], "application/xml; charset=utf-8");
    assert!(
        xml.body
            .starts_with("<?xml version=\"1.0\"?>\n<ocs>\n <meta>\n  <status>ok</status>"),
        "{}",
        xml.body
    );
    assert!(xml.body.contains("<data/>"), "{}", xml.body);

    let by_query = w
        .client
        .call(Method::GET, &format!("{url}?format=json"))
        .user("alice", &w.alice)
        .send()
        .await;
    assert_eq!(by_query.headers["content-type"], "application/json; charset=utf-8");
    assert_eq!(by_query.data(), json!([]));

    let by_accept = w
        .client
        .call(Method::GET, &url)
        .user("alice", &w.alice)
        .header("accept", "application/json, text/plain, */*")
        .send()
        .await;
    assert_eq!(by_accept.headers["content-type"], "application/json; charset=utf-8");

    let by_form = w
        .client
        .call(Method::POST, &url)
        .user("alice", &w.alice)
        .form(&[("roomType", "2"), ("roomName", "F"), ("format", "json")])
        .send()
        .await;
    assert_eq!(by_form.status, StatusCode::CREATED);
    assert_eq!(by_form.data()["name"], "F");

    let query_beats_accept = w
        .client
        .call(Method::GET, &format!("{url}?format=xml"))
        .user("alice", &w.alice)
        .json()
        .send()
        .await;
    assert!(query_beats_accept.body.starts_with("<?xml"));

    let error_xml = w.client.call(Method::GET, &url).ocs().send().await;
    assert_eq!(error_xml.status, StatusCode::UNAUTHORIZED);
    assert!(
        error_xml.body.contains("<statuscode>997</statuscode>"),
        "{}",
        error_xml.body
    );
}

#[tokio::test]
async fn bad_tokens_and_unknown_paths_are_invalid_queries_and_wrong_methods_405() {
    let w = world().await;
    for path in [
        "/room/ABCDEFGH",
        "/room/abc",
        &format!("/room/{}", "a".repeat(31)),
        "/room/abcd-efg",
    ] {
        let answer = w
            .client
            .call(Method::GET, &format!("{BASE}{path}?format=json"))
            .user("alice", &w.alice)
            .send()
            .await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(answer.statuscode(), 404);
        assert!(
            answer.json()["ocs"]["meta"]["message"]
                .as_str()
                .unwrap()
                .starts_with("Invalid query"),
            "{path}"
        );
    }
    let unknown_path = w
        .client
        .call(Method::GET, "/ocs/v2.php/apps/spreed/api/v9/room")
        .user("alice", &w.alice)
        .send()
        .await;
    assert_eq!(unknown_path.status, StatusCode::NOT_FOUND);
    assert!(
        unknown_path.body.contains("<message>Invalid query"),
        "XML by default: {}",
        unknown_path.body
    );

    let wrong_method = w
        .client
        .call(Method::PATCH, &format!("{BASE}/room"))
        .user("alice", &w.alice)
        .send()
        .await;
    assert_eq!(wrong_method.status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(wrong_method.body.is_empty());
}

#[tokio::test]
async fn each_endpoint_stays_within_the_round_trip_budget() {
    let w = world().await;
    w.env.add_group("team", &["alice", "bob", "carol"]).await;
    let calls = w.env.store().calls();
    let mut measure = Vec::new();

    for (label, form) in [
        ("POST /room group", vec![("roomType", "2"), ("roomName", "Team")]),
        ("POST /room public", vec![("roomType", "3"), ("roomName", "Open")]),
        ("POST /room from group", vec![("roomType", "2"), ("invite", "team")]),
        ("POST /room one-to-one new", vec![("roomType", "1"), ("invite", "bob")]),
        (
            "POST /room one-to-one existing",
            vec![("roomType", "1"), ("invite", "bob")],
        ),
    ] {
        calls.reset();
        let answer = w.create("alice", &form).await;
        assert!(answer.status.is_success(), "{label}: {}", answer.body);
        measure.push((label, calls.snapshot()));
    }
    let token = token_of(&w.create("alice", &[("roomType", "2"), ("roomName", "X")]).await);
    calls.reset();
    assert_eq!(w.get("alice", &token).await.status, StatusCode::OK);
    measure.push(("GET /room/{token}", calls.snapshot()));
    calls.reset();
    assert_eq!(w.list("alice").await.data().as_array().unwrap().len(), 5);
    measure.push(("GET /room (5 rooms)", calls.snapshot()));

    for (label, stats) in &measure {
        println!(
            "{label}: {} calls, {} read rounds, {} write rounds",
            stats.calls(),
            stats.read_rounds,
            stats.write_rounds
        );
        assert!(stats.read_rounds <= 2, "{label}: {stats:?}");
        assert!(stats.write_rounds <= 3, "{label}: {stats:?}");
    }
    let get = &measure.iter().find(|(l, _)| *l == "GET /room/{token}").unwrap().1;
    assert_eq!(
        (get.read_rounds, get.write_rounds),
        (1, 0),
        "auth and room load run concurrently"
    );
}

#[tokio::test]
async fn a_created_room_reads_back_the_same_through_get_and_list() {
    let w = world().await;
    let created: Value = w
        .create("alice", &[("roomType", "2"), ("roomName", "Same")])
        .await
        .data();
    let token = created["token"].as_str().unwrap();
    let fetched = w.get("alice", token).await.data();
    let listed = w.list("alice").await.data()[0].clone();
    assert_eq!(created, fetched);
    assert_eq!(created, listed);
}
