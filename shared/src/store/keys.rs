//! The single-table key layout. One place defines every key; nothing else formats them.
//!
//! | Item | pk | sk | gsi1pk / gsi1sk |
//! |---|---|---|---|
//! | Room | `ROOM#<token>` | `ROOM` | |
//! | User participant | `ROOM#<token>` | `ROOM#USER#<uid>` | `USER#<uid>` / `ROOM#<token>` |
//! | Guest participant | `ROOM#<token>` | `ROOM#GUEST#<session hash>` | |
//! | Message | `ROOM#<token>` | `MSG#<20-digit id>` | |
//! | One-to-one lock | `PAIR#<uid-a>#<uid-b>` (sorted) | `PAIR` | |
//! | User | `USER#<uid>` | `USER` | |
//! | App password | `USER#<uid>` | `APPPW#<sha256 hex>` | |
//! | Group / member | `GROUP#<gid>` | `GROUP` / `MEMBER#<uid>` | member: `USER#<uid>` / `GROUP#<gid>` |
//! | Counter | `COUNTER#<name>` | `COUNTER` | |
//! | Failed password attempts | `THROTTLE#<token>` | `<client IP>#<window>` | |
//!
//! The room item and its participant rows share the prefix `ROOM` in `sk`, so one Query
//! (`begins_with(sk, "ROOM")`) loads a room with all its participants and no messages. App
//! passwords live under their user, so authentication is one GetItem on a key built from the
//! Basic credentials, and removing a user finds every app password with one Query.

use crate::model::{ActorType, GroupId, Participant, RoomToken, UserId};

pub const PK: &str = "pk";
pub const SK: &str = "sk";
pub const GSI1: &str = "gsi1";
pub const GSI1_PK: &str = "gsi1pk";
pub const GSI1_SK: &str = "gsi1sk";
/// Unix seconds after which DynamoDB's time to live removes the item (rows of sessions).
pub const EXPIRES_AT: &str = "expiresAt";

/// The `sk` of a room item, and the prefix shared by its participant rows.
pub const ROOM_SK: &str = "ROOM";
pub const USER_SK: &str = "USER";
pub const GROUP_SK: &str = "GROUP";
pub const PAIR_SK: &str = "PAIR";
pub const COUNTER_SK: &str = "COUNTER";
pub const MEMBER_PREFIX: &str = "MEMBER#";
pub const APP_PASSWORD_PREFIX: &str = "APPPW#";
pub const ROOM_PREFIX: &str = "ROOM#";
pub const USER_PREFIX: &str = "USER#";
/// Counters of failed room password attempts: `THROTTLE#<token>` / `<client>#<window>`.
pub const THROTTLE_PREFIX: &str = "THROTTLE#";
pub const MESSAGE_PREFIX: &str = "MSG#";
pub const GROUP_PREFIX: &str = "GROUP#";

pub fn room_pk(token: &RoomToken) -> String {
    format!("ROOM#{token}")
}

pub fn user_participant_sk(user: &str) -> String {
    format!("ROOM#USER#{user}")
}

/// The `sk` of any participant row: by user id, or by guest session hash.
pub fn participant_sk(participant: &Participant) -> String {
    match participant.actor_type {
        ActorType::Users => user_participant_sk(&participant.actor_id),
        ActorType::Guests => format!(
            "ROOM#GUEST#{}",
            participant.guest_key.as_deref().unwrap_or(&participant.actor_id)
        ),
    }
}

pub fn message_sk(id: i64) -> String {
    format!("{MESSAGE_PREFIX}{id:020}")
}

pub fn throttle_pk(token: &RoomToken) -> String {
    format!("{THROTTLE_PREFIX}{token}")
}

pub fn throttle_sk(client: &str, window: i64) -> String {
    format!("{client}#{window}")
}

pub fn user_pk(user: &UserId) -> String {
    format!("{USER_PREFIX}{user}")
}

pub fn app_password_sk(hash: &str) -> String {
    format!("{APP_PASSWORD_PREFIX}{hash}")
}

pub fn group_pk(group: &GroupId) -> String {
    format!("{GROUP_PREFIX}{group}")
}

pub fn member_sk(user: &UserId) -> String {
    format!("{MEMBER_PREFIX}{user}")
}

/// The lock item of a one-to-one pair; the same whichever user comes first.
pub fn pair_pk(a: &UserId, b: &UserId) -> String {
    let (first, second) = if a <= b { (a, b) } else { (b, a) };
    format!("PAIR#{first}#{second}")
}

pub fn counter_pk(name: &str) -> String {
    format!("COUNTER#{name}")
}

/// The room token a user's GSI row points at (`gsi1sk = ROOM#<token>`).
pub fn token_from_gsi1sk(gsi1sk: &str) -> Option<RoomToken> {
    RoomToken::parse(gsi1sk.strip_prefix(ROOM_PREFIX)?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pair_key_is_order_independent() {
        let a = UserId::parse("alice").unwrap();
        let b = UserId::parse("bob").unwrap();
        assert_eq!(pair_pk(&a, &b), pair_pk(&b, &a));
        assert_eq!(pair_pk(&a, &b), "PAIR#alice#bob");
    }

    #[test]
    fn participant_rows_sort_with_their_room_and_messages_do_not() {
        assert!(user_participant_sk("zed").starts_with(ROOM_SK));
        assert!(!message_sk(1).starts_with(ROOM_SK));
        assert!(message_sk(9) < message_sk(10));
    }
}
