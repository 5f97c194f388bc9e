//! The invariant checker finds what it promises to find (and nothing in a healthy table): each
//! kind of damage is made on purpose, and each is reported, once.

use aws_sdk_dynamodb::types::AttributeValue;
use talk::domain::{
    ActorType, Message, Participant, ParticipantType, Reaction, Room, RoomAggregate, RoomToken, RoomType, SystemEvent,
    User, UserId,
};
use talk::store::keys::{PK, ROOM_SK, SK, message_sk, room_pk};
use talk_tests::{TestEnv, seed_fixture_world};

fn user(id: &str) -> User {
    User {
        id: UserId::parse(id).unwrap(),
        display_name: id.to_uppercase(),
    }
}

fn token(text: &str) -> RoomToken {
    RoomToken::parse(text).unwrap()
}

/// A room with its first message, as `import_room` writes it (no pair lock).
async fn import(env: &TestEnv, room: Room, participants: Vec<Participant>, message: Message) {
    env.store()
        .import_room(&RoomAggregate::new(room, participants), &[message])
        .await
        .unwrap();
}

fn room_with_message(text: &str, id: i64, room_type: RoomType) -> (Room, Message) {
    let message = SystemEvent::ConversationCreated.by_user(&user("alice"), 1, 1_700_000_000);
    let mut room = Room::new(token(text), id, room_type, "Damaged");
    room.record(&message);
    (room, message)
}

async fn delete_room_item(env: &TestEnv, text: &str) {
    env.raw
        .delete_item()
        .table_name(env.store().table())
        .key(PK, AttributeValue::S(room_pk(&token(text))))
        .key(SK, AttributeValue::S(ROOM_SK.into()))
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn a_healthy_table_has_no_violation_and_each_kind_of_damage_is_reported() {
    let env = TestEnv::new().await;
    seed_fixture_world(&env).await;
    env.assert_invariants().await;
    let store = env.store();
    env.add_user("zed", "ZED").await;
    let (alice, zed) = (user("alice"), user("zed"));

    // A participant row and a message whose room item is gone.
    let (gone, first) = room_with_message("goneroom", 1, RoomType::Group);
    import(
        &env,
        gone,
        vec![Participant::user(&alice, ParticipantType::Owner)],
        first.clone(),
    )
    .await;
    delete_room_item(&env, "goneroom").await;
    // A self-joined user in a group room.
    store
        .add_participant_if_absent(
            &token("fixtgroup"),
            &Participant::user(&zed, ParticipantType::UserSelfJoined),
        )
        .await
        .unwrap();
    // A public room with only a guest; a group room with only a plain user.
    let (guests_only, first) = room_with_message("onlyguests", 2, RoomType::Public);
    let guest = Participant::guest("guest-key".into(), "guest-session".into(), 1);
    import(&env, guests_only, vec![guest], first.clone()).await;
    let (unmoderated, first) = room_with_message("unmoderated", 2, RoomType::Group);
    import(
        &env,
        unmoderated,
        vec![Participant::user(&zed, ParticipantType::User)],
        first.clone(),
    )
    .await;
    // A room numbered ahead of the room counter.
    let (ahead, first) = room_with_message("aheadroom", 9999, RoomType::Group);
    import(
        &env,
        ahead,
        vec![Participant::user(&alice, ParticipantType::Owner)],
        first.clone(),
    )
    .await;
    // A room whose counter and lastMessage lag behind its message.
    let behind = Room::new(token("behindroom"), 2, RoomType::Group, "Behind");
    import(
        &env,
        behind,
        vec![Participant::user(&alice, ParticipantType::Owner)],
        first.clone(),
    )
    .await;
    // Two one-to-one rooms of one pair, neither with a lock.
    for text in ["paironea", "paironeb"] {
        let (mut room, first) = room_with_message(text, 2, RoomType::OneToOne);
        room.pair = vec![alice.clone(), zed.clone()];
        let rows = vec![
            Participant::user(&alice, ParticipantType::Owner),
            Participant::user(&zed, ParticipantType::Owner),
        ];
        import(&env, room, rows, first).await;
    }
    // A lock whose room item is gone (its rows and message stay).
    delete_room_item(&env, "fixtdirect").await;
    // A second message item with an id the room has already.
    let original = env
        .raw
        .get_item()
        .table_name(store.table())
        .key(PK, AttributeValue::S(room_pk(&token("fixtgroup"))))
        .key(SK, AttributeValue::S(message_sk(1)))
        .send()
        .await
        .unwrap()
        .item
        .unwrap();
    let mut copy = original.clone();
    copy.insert(SK.into(), AttributeValue::S(message_sk(0)));
    env.raw
        .put_item()
        .table_name(store.table())
        .set_item(Some(copy))
        .send()
        .await
        .unwrap();

    // Chat damage: a read marker beyond the room's messages; a reaction without its row; the
    // same block message id in two rooms.
    let (room, first) = room_with_message("markerroom", 2, RoomType::Group);
    let ahead = Participant {
        last_read_message: 1 << 40,
        ..Participant::user(&alice, ParticipantType::Owner)
    };
    import(&env, room, vec![ahead], first).await;
    for text in ["twinroma", "twinromb"] {
        let (mut room, mut first) = room_with_message(text, 2, RoomType::Group);
        first.id = (3 << 28) + 1;
        room.record(&first);
        if text == "twinromb" {
            first.reactions.push(Reaction {
                actor_type: ActorType::Users,
                actor_id: "alice".into(),
                actor_display_name: "ALICE".into(),
                emoji: "👍".into(),
                timestamp: 1,
                row: 12345,
            });
        }
        import(
            &env,
            room,
            vec![Participant::user(&alice, ParticipantType::Owner)],
            first,
        )
        .await;
    }

    // A row and an app password of an account that does not exist.
    store
        .add_participant_if_absent(
            &token("fixtgroup"),
            &Participant::user(&user("ghost"), ParticipantType::User),
        )
        .await
        .unwrap();
    env.raw
        .put_item()
        .table_name(store.table())
        .item(PK, AttributeValue::S("USER#ghost".into()))
        .item(SK, AttributeValue::S("APPPW#0123".into()))
        .send()
        .await
        .unwrap();

    let violations: Vec<String> = store
        .check_invariants()
        .await
        .unwrap()
        .into_iter()
        .map(|v| v.0)
        .collect();
    let expected = [
        ("goneroom", "participant rows without the room"),
        ("goneroom", "messages of a deleted room"),
        ("fixtgroup", "in a non-public room"),
        ("onlyguests", "no member left"),
        ("unmoderated", "no owner or moderator"),
        ("aheadroom", "ahead of the room counter"),
        ("behindroom", "message counter 0 behind message 1"),
        ("behindroom", "is not the newest shown message Some(1)"),
        ("markerroom", "has a marker outside the room's messages"),
        ("twinromb", "has no live row"),
        ("message ids", "used in more than one room"),
        ("paironea", "2 rooms"),
        ("paironea", "has no lock"),
        ("paironeb", "has no lock"),
        ("fixtdirect", "points at missing room"),
        ("fixtdirect", "participant rows without the room"),
        ("fixtdirect", "messages of a deleted room"),
        ("fixtgroup", "duplicate message ids"),
        ("fixtgroup", "row of user ghost, who does not exist"),
        ("ghost", "app password of user ghost, who does not exist"),
    ];
    for (room, text) in expected {
        assert!(
            violations.iter().any(|v| v.contains(room) && v.contains(text)),
            "{room}: {text} not reported in {violations:#?}"
        );
    }
    assert_eq!(violations.len(), expected.len(), "{violations:#?}");
}
