//! The fixed world the event fixtures in `events/` are written against, and running a fixture
//! through its function in process (`talkctl fixtures seed`, `talkctl invoke`): the event
//! tests, the benchmark and `tools/sam-local` share them.
//!
//! The world: users alice, bob and carol with app passwords `<uid>-fixture-app-password`,
//! group `engineering` (alice, bob), the group room `fixtgroup` (alice owner, bob user), the
//! public room `fixtpublic` (alice owner, and a guest whose cookie is
//! `talk_guest_fixtpublic=fixture-guest-secret`, and one chat message of alice, id
//! [`FIXTURE_MESSAGE_ID`]) and the one-to-one room `fixtdirect` of alice and bob.

use talk::domain::secrets::secret_hash;
use talk::domain::{
    Comment, Content, GroupId, Message, Participant, ParticipantType, ROOM_ID_COUNTER, Room, RoomAggregate, RoomToken,
    RoomType, SystemEvent, User, UserId, now,
};
use talk::store::{CreateOutcome, DirectoryError, Store, StoreError};

/// Why the world could not be stored (a table that has it already, or a store failure).
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error(transparent)]
    Directory(#[from] DirectoryError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("fixture room {0} exists already")]
    RoomExists(&'static str),
}

fn id<T>(parsed: Result<T, impl std::fmt::Debug>) -> T {
    parsed.expect("the fixture world's ids are valid")
}

/// Stores the fixture world in the (empty) table of `store`.
pub async fn seed(store: &Store) -> Result<(), SeedError> {
    let mut users = Vec::new();
    for (uid, name) in [
        ("alice", "Alice Fixture"),
        ("bob", "Bob Fixture"),
        ("carol", "Carol Fixture"),
    ] {
        let user = User {
            id: id(UserId::parse(uid)),
            display_name: name.to_string(),
        };
        store.add_user(&user).await?;
        store
            .add_app_password(&user.id, "fixture", &format!("{uid}-fixture-app-password"), 0)
            .await?;
        users.push(user);
    }
    let [alice, bob, _carol] = [&users[0], &users[1], &users[2]];
    let engineering = id(GroupId::parse("engineering"));
    store.add_group(&engineering).await?;
    for member in [alice, bob] {
        store.add_group_member(&engineering, &member.id).await?;
    }
    let rooms = [
        (
            "fixtgroup",
            RoomType::Group,
            "Fixture group",
            vec![(alice, ParticipantType::Owner), (bob, ParticipantType::User)],
        ),
        (
            "fixtpublic",
            RoomType::Public,
            "Fixture public",
            vec![(alice, ParticipantType::Owner)],
        ),
        (
            "fixtdirect",
            RoomType::OneToOne,
            "",
            vec![(alice, ParticipantType::Owner), (bob, ParticipantType::Owner)],
        ),
    ];
    for (token, room_type, name, members) in rooms {
        let room_id = store.next_id(ROOM_ID_COUNTER).await?;
        let created = SystemEvent::ConversationCreated.by_user(alice, 1, 1_700_000_000);
        let mut room = Room::new(id(RoomToken::parse(token)), room_id, room_type, name);
        room.record(&created);
        let mut messages = vec![created];
        if token == "fixtpublic" {
            messages.push(fixture_message(&mut room, alice));
        }
        if room_type == RoomType::OneToOne {
            room.pair = vec![alice.clone(), bob.clone()];
        }
        let participants = members
            .into_iter()
            .map(|(user, kind)| Participant::user(user, kind))
            .collect();
        let outcome = store
            .create_room(&RoomAggregate::new(room, participants), &messages)
            .await?;
        if outcome != CreateOutcome::Created {
            return Err(SeedError::RoomExists(token));
        }
    }
    let guest = Participant::guest(
        secret_hash("fixture-guest-secret"),
        "fixture-guest-session".into(),
        now(),
    );
    if !store
        .add_participant_if_absent(&id(RoomToken::parse("fixtpublic")), &guest)
        .await?
    {
        return Err(SeedError::RoomExists("fixtpublic"));
    }
    Ok(())
}

/// The id of alice's chat message in `fixtpublic` (room 2's first chat message, v4 §13.7).
pub const FIXTURE_MESSAGE_ID: i64 = (2 << 28) + 2;

/// Alice's chat message "Fixture message" in `fixtpublic`, posted now (so it can be edited).
fn fixture_message(room: &mut Room, alice: &User) -> Message {
    let mut message = Message {
        content: Content::Comment(Comment {
            text: "Fixture message".into(),
            reference_id: String::new(),
            silent: false,
            can_mention_all: true,
            last_edit: None,
        }),
        ..SystemEvent::ConversationCreated.by_user(alice, room.next_message_id(), now())
    };
    room.post(&mut message);
    message
}
