//! The permission matrix: every route of API v1 and v4 × every kind of caller × public and
//! group rooms, with the status the spec gives (spec §4 and each endpoint's section; v4 §4),
//! and for every refusal a read-back showing that nothing changed.

use hyper::{Method, StatusCode};
use talk::domain::secrets::secret_hash;
use talk::domain::{ApiVersion, Participant, ParticipantType, RoomToken, User, UserId, attendee_id, now};
use talk_tests::TestEnv;
use talk_tests::http::{Answer, BASE, Client};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Caller {
    Owner,
    Moderator,
    PlainUser,
    SelfJoined,
    Guest,
    GuestModerator,
    Stranger,
    Anonymous,
    WrongPassword,
    RevokedPassword,
}

const CALLERS: [Caller; 10] = [
    Caller::Owner,
    Caller::Moderator,
    Caller::PlainUser,
    Caller::SelfJoined,
    Caller::Guest,
    Caller::GuestModerator,
    Caller::Stranger,
    Caller::Anonymous,
    Caller::WrongPassword,
    Caller::RevokedPassword,
];

const GUEST_SECRET: &str = "matrix-guest-secret-000000000000";
const GUEST_MODERATOR_SECRET: &str = "matrix-guest-moderator-secret-00";

impl Caller {
    /// Valid user credentials, if the caller has them.
    fn user(self) -> Option<&'static str> {
        match self {
            Caller::Owner => Some("alice"),
            Caller::Moderator => Some("dave"),
            Caller::PlainUser => Some("bob"),
            Caller::SelfJoined => Some("sam"),
            Caller::Stranger => Some("carol"),
            _ => None,
        }
    }

    /// The participant type of the caller's row in a room of this kind.
    fn row(self, public: bool) -> Option<ParticipantType> {
        match self {
            Caller::Owner => Some(ParticipantType::Owner),
            Caller::Moderator => Some(ParticipantType::Moderator),
            Caller::PlainUser => Some(ParticipantType::User),
            Caller::SelfJoined if public => Some(ParticipantType::UserSelfJoined),
            Caller::Guest if public => Some(ParticipantType::Guest),
            Caller::GuestModerator if public => Some(ParticipantType::GuestModerator),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Route {
    ListRooms,
    CreateRoom,
    GetRoom,
    Rename,
    Delete,
    ReadOnly,
    MakePublic,
    MakePrivate,
    Password,
    AddFavorite,
    RemoveFavorite,
    Notify,
    ListParticipants,
    AddParticipant,
    RemoveParticipant,
    LeaveRoom,
    Join,
    LeaveSession,
    Promote,
    Demote,
    /// v4 only.
    Description,
    AttendeePermissions,
    DefaultPermissions,
}

/// The routes of API v4 (v4 §1): v1's, with removal by attendee id, and the new ones.
const ROUTES_V4: [Route; 23] = [
    Route::ListRooms,
    Route::CreateRoom,
    Route::GetRoom,
    Route::Rename,
    Route::Delete,
    Route::ReadOnly,
    Route::MakePublic,
    Route::MakePrivate,
    Route::Password,
    Route::AddFavorite,
    Route::RemoveFavorite,
    Route::Notify,
    Route::ListParticipants,
    Route::AddParticipant,
    Route::RemoveParticipant,
    Route::LeaveRoom,
    Route::Join,
    Route::LeaveSession,
    Route::Promote,
    Route::Demote,
    Route::Description,
    Route::AttendeePermissions,
    Route::DefaultPermissions,
];

const ROUTES: [Route; 20] = [
    Route::ListRooms,
    Route::CreateRoom,
    Route::GetRoom,
    Route::Rename,
    Route::Delete,
    Route::ReadOnly,
    Route::MakePublic,
    Route::MakePrivate,
    Route::Password,
    Route::AddFavorite,
    Route::RemoveFavorite,
    Route::Notify,
    Route::ListParticipants,
    Route::AddParticipant,
    Route::RemoveParticipant,
    Route::LeaveRoom,
    Route::Join,
    Route::LeaveSession,
    Route::Promote,
    Route::Demote,
];

/// The attendee id of a user in a room, as a parameter value.
fn attendee(token: &str, user: &str) -> String {
    attendee_id(&RoomToken::parse(token).unwrap(), "users", user).to_string()
}

impl Route {
    fn request(self, token: &str, version: ApiVersion) -> (Method, String, Vec<(&'static str, String)>) {
        let base = match version {
            ApiVersion::V1 => BASE.to_string(),
            ApiVersion::V4 => BASE.replace("/api/v1", "/api/v4"),
        };
        let room = format!("{base}/room/{token}");
        let (method, url, form) = match (self, version) {
            (Route::RemoveParticipant, ApiVersion::V4) => {
                return (
                    Method::DELETE,
                    format!("{room}/attendees"),
                    vec![("attendeeId", attendee(token, "bob"))],
                );
            }
            (Route::Promote, ApiVersion::V4) => {
                return (
                    Method::POST,
                    format!("{room}/moderators"),
                    vec![("attendeeId", attendee(token, "bob"))],
                );
            }
            (Route::Demote, ApiVersion::V4) => {
                return (
                    Method::DELETE,
                    format!("{room}/moderators"),
                    vec![("attendeeId", attendee(token, "dave"))],
                );
            }
            (Route::AttendeePermissions, _) => {
                return (
                    Method::PUT,
                    format!("{room}/attendees/permissions"),
                    vec![
                        ("attendeeId", attendee(token, "bob")),
                        ("method", "set".into()),
                        ("permissions", "128".into()),
                    ],
                );
            }
            _ => self.request_v1(&base, room),
        };
        (
            method,
            url,
            form.into_iter()
                .map(|(name, value)| (name, value.to_string()))
                .collect(),
        )
    }

    fn request_v1(self, base: &str, room: String) -> (Method, String, Vec<(&'static str, &'static str)>) {
        match self {
            Route::ListRooms => (Method::GET, format!("{base}/room"), vec![]),
            Route::CreateRoom => (
                Method::POST,
                format!("{base}/room"),
                vec![("roomType", "2"), ("roomName", "New")],
            ),
            Route::GetRoom => (Method::GET, room, vec![]),
            Route::Rename => (Method::PUT, room, vec![("roomName", "Renamed")]),
            Route::Delete => (Method::DELETE, room, vec![]),
            Route::ReadOnly => (Method::PUT, format!("{room}/read-only"), vec![("state", "1")]),
            Route::MakePublic => (Method::POST, format!("{room}/public"), vec![]),
            Route::MakePrivate => (Method::DELETE, format!("{room}/public"), vec![]),
            Route::Password => (Method::PUT, format!("{room}/password"), vec![("password", "pw")]),
            Route::AddFavorite => (Method::POST, format!("{room}/favorite"), vec![]),
            Route::RemoveFavorite => (Method::DELETE, format!("{room}/favorite"), vec![]),
            Route::Notify => (Method::POST, format!("{room}/notify"), vec![("level", "3")]),
            Route::ListParticipants => (Method::GET, format!("{room}/participants"), vec![]),
            Route::AddParticipant => (
                Method::POST,
                format!("{room}/participants"),
                vec![("newParticipant", "erin")],
            ),
            Route::RemoveParticipant => (
                Method::DELETE,
                format!("{room}/participants"),
                vec![("participant", "bob")],
            ),
            Route::LeaveRoom => (Method::DELETE, format!("{room}/participants/self"), vec![]),
            Route::Join => (Method::POST, format!("{room}/participants/active"), vec![]),
            Route::LeaveSession => (Method::DELETE, format!("{room}/participants/active"), vec![]),
            Route::Promote => (Method::POST, format!("{room}/moderators"), vec![("participant", "bob")]),
            Route::Demote => (
                Method::DELETE,
                format!("{room}/moderators"),
                vec![("participant", "dave")],
            ),
            Route::Description => (
                Method::PUT,
                format!("{room}/description"),
                vec![("description", "About")],
            ),
            Route::DefaultPermissions => (
                Method::PUT,
                format!("{room}/permissions/default"),
                vec![("permissions", "128")],
            ),
            Route::AttendeePermissions => unreachable!("built with its attendee id"),
        }
    }

    /// The status the spec gives `caller` on this route in a public or group room.
    fn expected(self, caller: Caller, public: bool, version: ApiVersion) -> StatusCode {
        use StatusCode as S;
        let user = caller.user().is_some();
        let row = caller.row(public);
        let moderator = row.is_some_and(|t| t.is_moderator());
        let user_moderator = matches!(row, Some(ParticipantType::Owner | ParticipantType::Moderator));
        // The order of checks of spec §4: 401 (user-only), 404 (no row), 403 (permission).
        let gate = |users_only: bool, allowed: bool| {
            if users_only && !user {
                S::UNAUTHORIZED
            } else if row.is_none() {
                S::NOT_FOUND
            } else if !allowed {
                S::FORBIDDEN
            } else {
                S::OK
            }
        };
        match self {
            Route::ListRooms => {
                if user {
                    S::OK
                } else {
                    S::UNAUTHORIZED
                }
            }
            Route::CreateRoom => {
                if user {
                    S::CREATED
                } else {
                    S::UNAUTHORIZED
                }
            }
            Route::GetRoom | Route::Join => {
                if row.is_some() || public {
                    S::OK
                } else {
                    S::NOT_FOUND
                }
            }
            Route::LeaveSession => S::OK,
            Route::Rename | Route::Delete | Route::RemoveParticipant | Route::Promote => gate(false, moderator),
            // v1: 403 for a room that is not public; v4 §6.9: 400 `type`.
            Route::Password => match gate(false, moderator) {
                S::OK if !public && version == ApiVersion::V1 => S::FORBIDDEN,
                S::OK if !public => S::BAD_REQUEST,
                status => status,
            },
            Route::Description | Route::AttendeePermissions | Route::DefaultPermissions => gate(false, moderator),
            Route::Demote if caller == Caller::Moderator => S::FORBIDDEN,
            Route::Demote => gate(false, moderator),
            Route::ReadOnly => gate(true, moderator),
            Route::MakePublic | Route::MakePrivate | Route::AddParticipant => gate(true, user_moderator),
            Route::AddFavorite | Route::RemoveFavorite | Route::Notify | Route::LeaveRoom => gate(true, true),
            Route::ListParticipants => gate(false, row != Some(ParticipantType::Guest)),
        }
    }
}

struct World {
    env: TestEnv,
    client: Client,
    secrets: Vec<(&'static str, String)>,
}

impl World {
    async fn new() -> Self {
        let env = TestEnv::new().await;
        let mut secrets = Vec::new();
        for uid in ["alice", "dave", "bob", "sam", "carol", "erin", "rita"] {
            secrets.push((uid, env.add_user(uid, uid).await));
        }
        env.store()
            .revoke_app_password(&UserId::parse("rita").unwrap(), "test")
            .await
            .unwrap();
        let client = Client::serve(&env).await;
        Self { env, client, secrets }
    }

    fn secret(&self, user: &str) -> &str {
        &self.secrets.iter().find(|(u, _)| *u == user).unwrap().1
    }

    /// A fresh room of alice with every kind of participant its type allows.
    async fn room(&self, public: bool) -> RoomToken {
        let form = [("roomType", if public { "3" } else { "2" }), ("roomName", "Matrix")];
        let answer = self
            .client
            .call(Method::POST, &format!("{BASE}/room"))
            .user("alice", self.secret("alice"))
            .json()
            .form(&form)
            .send()
            .await;
        let token = RoomToken::parse(answer.data()["token"].as_str().unwrap()).unwrap();
        let store = self.env.store();
        let user = |id: &str| User {
            id: UserId::parse(id).unwrap(),
            display_name: id.to_string(),
        };
        for (id, kind) in [("dave", ParticipantType::Moderator), ("bob", ParticipantType::User)] {
            store
                .add_participant_if_absent(&token, &Participant::user(&user(id), kind))
                .await
                .unwrap();
        }
        if public {
            store
                .add_participant_if_absent(
                    &token,
                    &Participant::user(&user("sam"), ParticipantType::UserSelfJoined),
                )
                .await
                .unwrap();
            let guest = Participant::guest(secret_hash(GUEST_SECRET), "guest-session".into(), now());
            store.add_participant_if_absent(&token, &guest).await.unwrap();
            let moderator = Participant {
                participant_type: ParticipantType::GuestModerator,
                ..Participant::guest(
                    secret_hash(GUEST_MODERATOR_SECRET),
                    "guest-moderator-session".into(),
                    now(),
                )
            };
            store.add_participant_if_absent(&token, &moderator).await.unwrap();
        }
        token
    }

    async fn call(&self, caller: Caller, token: &RoomToken, route: Route, version: ApiVersion) -> Answer {
        let (method, url, form) = route.request(token.as_str(), version);
        let form: Vec<(&str, &str)> = form.iter().map(|(name, value)| (*name, value.as_str())).collect();
        let call = self.client.call(method, &url).json().ocs();
        let call = match caller {
            Caller::Guest => call.header("cookie", &format!("talk_guest_{token}={GUEST_SECRET}")),
            Caller::GuestModerator => call.header("cookie", &format!("talk_guest_{token}={GUEST_MODERATOR_SECRET}")),
            Caller::WrongPassword => call.header("authorization", &talk_tests::basic("alice", "wrong-password")),
            Caller::RevokedPassword => call.header("authorization", &talk_tests::basic("rita", self.secret("rita"))),
            Caller::Anonymous => call,
            user => {
                let id = user.user().unwrap();
                call.header("authorization", &talk_tests::basic(id, self.secret(id)))
            }
        };
        if form.is_empty() {
            call.send().await
        } else {
            call.form(&form).send().await
        }
    }

    async fn snapshot(&self, token: &RoomToken) -> (Option<talk::domain::RoomAggregate>, usize) {
        let room = self.env.store().load_room(token).await.unwrap();
        (room, self.env.store().messages(token).await.unwrap().len())
    }
}

#[tokio::test]
async fn every_route_for_every_caller_in_public_and_group_rooms() {
    let w = World::new().await;
    let w = &w;
    let mut cases = 0;
    let versions = [(ApiVersion::V1, &ROUTES[..]), (ApiVersion::V4, &ROUTES_V4[..])];
    for ((version, routes), public) in versions
        .into_iter()
        .flat_map(|version| [(version, true), (version, false)])
    {
        let room = if public { "public" } else { "group" };
        for &route in routes {
            // Refusals change nothing, so they share one room, read back after all of them;
            // every success gets a fresh room of its own.
            let (allowed, refused): (Vec<Caller>, Vec<Caller>) = CALLERS
                .iter()
                .partition(|caller| route.expected(**caller, public, version).is_success());
            let shared = w.room(public).await;
            let before = w.snapshot(&shared).await;
            let refusals = futures::future::join_all(refused.iter().map(|&caller| {
                let shared = &shared;
                async move { (caller, w.call(caller, shared, route, version).await) }
            }));
            let successes = futures::future::join_all(allowed.iter().map(|&caller| async move {
                let token = w.room(public).await;
                (caller, w.call(caller, &token, route, version).await)
            }));
            let (refusals, successes) = tokio::join!(refusals, successes);
            for (caller, answer) in refusals.iter().chain(&successes) {
                let expected = route.expected(*caller, public, version);
                assert_eq!(
                    answer.status, expected,
                    "{version:?} {route:?} by {caller:?} in a {room} room: {}",
                    answer.body
                );
                if !expected.is_success() {
                    assert_eq!(answer.json()["ocs"]["meta"]["status"], "failure");
                }
                cases += 1;
            }
            assert_eq!(
                w.snapshot(&shared).await,
                before,
                "a refused {version:?} {route:?} in a {room} room changed it"
            );
        }
    }
    println!(
        "permission matrix: {cases} cases ({} v1 and {} v4 routes × {} callers × 2 room types)",
        ROUTES.len(),
        ROUTES_V4.len(),
        CALLERS.len()
    );
    assert_eq!(cases, (ROUTES.len() + ROUTES_V4.len()) * CALLERS.len() * 2);
    w.env.assert_invariants().await;
}
