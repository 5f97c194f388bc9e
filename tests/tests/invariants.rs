//! The invariant checker finds what it promises to find (and nothing in a healthy table).

use talk::domain::{Participant, ParticipantType, RoomToken, User, UserId};
use talk_tests::{TestEnv, seed_fixture_world};

#[tokio::test]
async fn a_healthy_table_has_no_violation_and_each_kind_of_damage_is_reported() {
    let env = TestEnv::new().await;
    seed_fixture_world(&env).await;
    env.assert_invariants().await;
    let store = env.store();
    let stranger = User {
        id: UserId::parse("zed").unwrap(),
        display_name: "Zed".into(),
    };
    let orphan = RoomToken::parse("nosuchroom").unwrap();
    store
        .add_participant_if_absent(&orphan, &Participant::user(&stranger, ParticipantType::User))
        .await
        .unwrap();
    let group = RoomToken::parse("fixtgroup").unwrap();
    store
        .add_participant_if_absent(&group, &Participant::user(&stranger, ParticipantType::UserSelfJoined))
        .await
        .unwrap();
    let violations: Vec<String> = store
        .check_invariants()
        .await
        .unwrap()
        .into_iter()
        .map(|v| v.0)
        .collect();
    assert!(
        violations
            .iter()
            .any(|v| v.contains("nosuchroom") && v.contains("without the room")),
        "{violations:?}"
    );
    assert!(
        violations
            .iter()
            .any(|v| v.contains("fixtgroup") && v.contains("non-public")),
        "{violations:?}"
    );
    assert_eq!(violations.len(), 2, "{violations:?}");
}
