//! Sessions end 100 s after the last request that carried them (v4 spec §13.5): ended sessions
//! stop counting at once, requests refresh live ones (at most one write per 30 s), stale rows
//! go with the room's next request and by DynamoDB's time to live, and one room holds a
//! bounded number of live guest sessions.

use hyper::{Method, StatusCode};
use talk::domain::participants::MAX_SESSION_ROWS;
use talk::domain::secrets::secret_hash;
use talk::domain::{Participant, RoomToken, SESSION_SECONDS, now};
use talk::store::TableDefinition;
use talk_tests::http::{Answer, BASE, Client};
use talk_tests::{TestEnv, serve_with_users};

struct World {
    env: TestEnv,
    client: Client,
    secret: String,
    token: String,
}

/// alice's public room, served.
async fn world() -> World {
    let (env, client, secrets) = serve_with_users(&[("alice", "Alice")]).await;
    let secret = secrets[0].1.clone();
    let token = client
        .create_room("alice", &secret, &[("roomType", "3"), ("roomName", "Open")])
        .await;
    World {
        env,
        client,
        secret,
        token,
    }
}

impl World {
    fn room(&self) -> RoomToken {
        RoomToken::parse(&self.token).unwrap()
    }

    async fn owner(&self, method: Method, suffix: &str) -> Answer {
        self.client
            .call(method, &format!("{BASE}/room/{}{suffix}", self.token))
            .user("alice", &self.secret)
            .json()
            .send()
            .await
    }

    async fn as_guest(&self, method: Method, suffix: &str, secret: &str) -> Answer {
        let cookie = format!("talk_guest_{}={secret}", self.token);
        self.client
            .call(method, &format!("{BASE}/room/{}{suffix}", self.token))
            .ocs()
            .json()
            .header("cookie", &cookie)
            .send()
            .await
    }

    /// A guest row whose session saw its last request `age` seconds ago; their cookie secret.
    async fn guest_last_seen(&self, secret: &str, age: i64) {
        let row = Participant::guest(secret_hash(secret), format!("session-{secret}"), now() - age);
        assert!(
            self.env
                .store()
                .add_participant_if_absent(&self.room(), &row)
                .await
                .unwrap()
        );
    }

    async fn guest_rows(&self) -> Vec<String> {
        let keys = self.env.store().scan_keys().await.unwrap();
        keys.into_iter()
            .filter(|(_, sk)| sk.starts_with("ROOM#GUEST#"))
            .map(|(_, sk)| sk)
            .collect()
    }
}

#[tokio::test]
async fn an_ended_session_counts_nowhere_and_its_row_goes_with_the_next_request() {
    let w = world().await;
    w.guest_last_seen("live-guest-secret", 10).await;
    w.guest_last_seen("ended-guest-secret", SESSION_SECONDS + 5).await;
    let room = w.owner(Method::GET, "").await;
    assert_eq!(room.status, StatusCode::OK);
    assert_eq!(room.data()["numGuests"], 1, "only the live guest counts");
    let participants = w.owner(Method::GET, "/participants").await.data();
    assert_eq!(
        participants.as_array().unwrap().len(),
        2,
        "alice and the live guest: {participants}"
    );
    assert_eq!(
        w.guest_rows().await.len(),
        1,
        "the owner's request removed the ended row"
    );

    w.guest_last_seen("another-ended-secret", SESSION_SECONDS + 60).await;
    let ended = w.as_guest(Method::GET, "", "another-ended-secret").await;
    assert_eq!(ended.status, StatusCode::OK, "a public room shows its outside view");
    assert_eq!(ended.data()["participantType"], 4);
    assert_eq!(ended.data()["sessionId"], "0", "the ended session is no session");
    assert_eq!(ended.data()["name"], "", "the outside view, not the guest's");
    let list = w.as_guest(Method::GET, "/participants", "another-ended-secret").await;
    assert_eq!(list.status, StatusCode::NOT_FOUND, "no longer a participant");
}

#[tokio::test]
async fn requests_refresh_a_session_at_most_every_30_seconds() {
    let w = world().await;
    w.guest_last_seen("recent-secret", 5).await;
    w.guest_last_seen("older-secret", 40).await;
    let ping = |secret: &'static str| {
        let env = &w.env;
        let token = w.room();
        async move {
            let room = env.store().load_room(&token).await.unwrap().unwrap();
            let key = secret_hash(secret);
            room.participants
                .iter()
                .find(|p| p.guest_key.as_deref() == Some(key.as_str()))
                .map(|p| p.last_ping)
                .unwrap()
        }
    };
    let before = ping("recent-secret").await;
    w.env.store().calls().reset();
    assert_eq!(
        w.as_guest(Method::GET, "", "recent-secret").await.status,
        StatusCode::OK
    );
    assert_eq!(
        w.env.store().calls().snapshot().write_calls,
        0,
        "a fresh session is not written"
    );
    assert_eq!(ping("recent-secret").await, before);

    assert_eq!(w.as_guest(Method::GET, "", "older-secret").await.status, StatusCode::OK);
    assert!(
        ping("older-secret").await >= now() - 2,
        "the 40 s old session was refreshed"
    );
    let expires = w
        .env
        .raw
        .get_item()
        .table_name(w.env.store().table())
        .key(
            "pk",
            aws_sdk_dynamodb::types::AttributeValue::S(format!("ROOM#{}", w.token)),
        )
        .key(
            "sk",
            aws_sdk_dynamodb::types::AttributeValue::S(format!("ROOM#GUEST#{}", secret_hash("older-secret"))),
        )
        .send()
        .await
        .unwrap()
        .item
        .unwrap()["expiresAt"]
        .as_n()
        .unwrap()
        .parse::<i64>()
        .unwrap();
    assert!(
        expires >= now() + SESSION_SECONDS - 2,
        "the row's time to live moved with it"
    );
}

#[tokio::test]
async fn a_room_holds_a_bounded_number_of_live_guest_sessions() {
    let w = world().await;
    for n in 0..MAX_SESSION_ROWS {
        w.guest_last_seen(&format!("guest-{n}"), 1).await;
    }
    let refused = w
        .client
        .call(Method::POST, &format!("{BASE}/room/{}/participants/active", w.token))
        .ocs()
        .json()
        .send()
        .await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS, "{}", refused.body);
    assert_eq!(refused.statuscode(), 429);
    assert_eq!(refused.headers["retry-after"], SESSION_SECONDS.to_string().as_str());
    assert!(refused.headers.get("set-cookie").is_none());
    assert_eq!(
        w.guest_rows().await.len(),
        MAX_SESSION_ROWS,
        "the refused join wrote nothing"
    );
    let owner = w.owner(Method::GET, "").await;
    assert_eq!(owner.status, StatusCode::OK);
    assert_eq!(owner.data()["numGuests"], MAX_SESSION_ROWS);
    let members_still_join = w.owner(Method::POST, "/participants/active").await;
    assert_eq!(
        members_still_join.status,
        StatusCode::OK,
        "a participant's own session is not capped"
    );
}

#[tokio::test]
async fn the_table_expires_rows_by_time_to_live() {
    let env = TestEnv::new().await;
    assert_eq!(
        env.store().time_to_live_attribute().await.unwrap().as_deref(),
        Some(TableDefinition::TIME_TO_LIVE)
    );
}
