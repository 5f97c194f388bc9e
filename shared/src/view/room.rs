//! The room object (spec §8): one struct, its fields in the spec's order, computed for one
//! viewer; the outsider view (spec §8.3) is the same struct with the outsider's values.

use std::borrow::Cow;

use serde::Serialize;
use serde_json::Value;

use super::message::{MessageView, Reader, Shape, message_json};
use super::or_empty::{OrEmptyList, OrderedMap};
use crate::model::{ActorType, NotificationLevel, Participant, ParticipantType, RoomAggregate, RoomType};

/// Guests count in `numGuests` when they pinged within this many seconds (spec §8.1).
const GUEST_ACTIVE_SECONDS: i64 = 100;

/// Who looks at the room: a participant, or an outsider of a public room (spec §8.3).
pub type Viewer<'a> = Option<&'a Participant>;

/// The room object of spec §8.1.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RoomObject<'a> {
    id: i64,
    token: &'a str,
    #[serde(rename = "type")]
    room_type: i64,
    name: &'a str,
    display_name: Cow<'a, str>,
    object_type: &'static str,
    object_id: &'static str,
    participant_type: i64,
    participant_in_call: bool,
    participant_flags: i64,
    read_only: i64,
    count: i64,
    has_password: bool,
    has_call: bool,
    can_start_call: bool,
    last_activity: i64,
    last_read_message: i64,
    unread_messages: i64,
    unread_mention: bool,
    is_favorite: bool,
    notification_level: i64,
    last_ping: i64,
    session_id: &'a str,
    participants: OrEmptyList<OrderedMap<&'a str, UserEntry<'a>>>,
    num_guests: usize,
    guest_list: &'static str,
    last_message: OrEmptyList<Value>,
    lobby_state: i64,
    lobby_timer: i64,
}

/// One user of the `participants` map (spec §8.1).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct UserEntry<'a> {
    name: &'a str,
    #[serde(rename = "type")]
    participant_type: i64,
    call: i64,
    session_id: &'a str,
}

/// The room object for `viewer` at unix time `now`, as JSON.
pub fn room_object(aggregate: &RoomAggregate, viewer: Viewer<'_>, now: i64) -> Value {
    let object = match viewer {
        Some(participant) => RoomObject::for_participant(aggregate, participant, now),
        None => RoomObject::for_outsider(aggregate),
    };
    serde_json::to_value(object).expect("a room object is plain data")
}

impl<'a> RoomObject<'a> {
    /// The room as a participant sees it.
    pub fn for_participant(aggregate: &'a RoomAggregate, me: &'a Participant, now: i64) -> Self {
        let room = &aggregate.room;
        let lobby_applies = room.lobby_state == 1 && !me.participant_type.is_moderator();
        let (name, display_name) = names(aggregate, me);
        let view = MessageView {
            room: aggregate,
            reader: Reader::of(me),
            shape: Shape::V1,
        };
        let visible = |value| (!lobby_applies).then_some(value);
        Self {
            id: room.id,
            token: room.token.as_str(),
            room_type: room.room_type.code(),
            name,
            display_name,
            object_type: "",
            object_id: "",
            participant_type: me.participant_type.code(),
            participant_in_call: me.in_call & 1 != 0,
            participant_flags: me.in_call,
            read_only: room.read_only,
            count: 0,
            has_password: room.password_hash.is_some(),
            has_call: room.has_call,
            can_start_call: !lobby_applies,
            last_activity: room.last_activity,
            last_read_message: if lobby_applies { 0 } else { me.last_read_message },
            unread_messages: if lobby_applies { 0 } else { me.unread_messages(room) },
            unread_mention: !lobby_applies && me.unread_mention(),
            is_favorite: me.favorite,
            notification_level: notification_level(aggregate, me),
            last_ping: me.last_ping,
            session_id: &me.session_id,
            participants: OrEmptyList(visible(users(aggregate)).filter(|users| !users.0.is_empty())),
            num_guests: if lobby_applies {
                0
            } else {
                active_guests(aggregate, now)
            },
            guest_list: "",
            last_message: OrEmptyList(
                room.last_message
                    .as_ref()
                    .filter(|_| !lobby_applies)
                    .map(|message| message_json(message, view, None)),
            ),
            lobby_state: room.lobby_state,
            lobby_timer: room.lobby_timer,
        }
    }

    /// The view of a public room for a caller without a row or session (spec §8.3).
    pub fn for_outsider(aggregate: &'a RoomAggregate) -> Self {
        let room = &aggregate.room;
        Self {
            id: room.id,
            token: room.token.as_str(),
            room_type: room.room_type.code(),
            name: "",
            display_name: Cow::Borrowed(""),
            object_type: "",
            object_id: "",
            participant_type: ParticipantType::Guest.code(),
            participant_in_call: false,
            participant_flags: 0,
            read_only: 0,
            count: 0,
            has_password: room.password_hash.is_some(),
            has_call: false,
            can_start_call: false,
            last_activity: 0,
            last_read_message: 0,
            unread_messages: 0,
            unread_mention: false,
            is_favorite: false,
            notification_level: NotificationLevel::Never.code(),
            last_ping: 0,
            session_id: "0",
            participants: OrEmptyList(None),
            num_guests: 0,
            guest_list: "",
            last_message: OrEmptyList(None),
            lobby_state: room.lobby_state,
            lobby_timer: room.lobby_timer,
        }
    }
}

/// `name` and `displayName` (spec §8.2): a one-to-one room is named after the other user, as
/// `Deleted user (<id>)` once their account is gone.
pub(super) fn names<'a>(aggregate: &'a RoomAggregate, me: &Participant) -> (&'a str, Cow<'a, str>) {
    let room = &aggregate.room;
    match room.room_type {
        RoomType::OneToOne => match room.pair.iter().find(|user| user.id.as_str() != me.actor_id) {
            Some(other) if room.deleted_users.contains(&other.id) => {
                (other.id.as_str(), Cow::Owned(format!("Deleted user ({})", other.id)))
            }
            Some(other) => (other.id.as_str(), Cow::Borrowed(&other.display_name)),
            None => ("", Cow::Borrowed("")),
        },
        RoomType::Group if me.participant_type.is_guest() => (&room.name, Cow::Borrowed("Private conversation")),
        _ => (&room.name, Cow::Borrowed(&room.name)),
    }
}

pub(super) fn notification_level(aggregate: &RoomAggregate, me: &Participant) -> i64 {
    match me.notification_level {
        NotificationLevel::Default if me.participant_type.is_guest() => NotificationLevel::Never.code(),
        NotificationLevel::Default if aggregate.room.room_type == RoomType::OneToOne => {
            NotificationLevel::Always.code()
        }
        NotificationLevel::Default => NotificationLevel::Mention.code(),
        level => level.code(),
    }
}

fn users(aggregate: &RoomAggregate) -> OrderedMap<&str, UserEntry<'_>> {
    OrderedMap(
        aggregate
            .participants
            .iter()
            .filter(|p| p.actor_type == ActorType::Users)
            .map(|p| {
                let entry = UserEntry {
                    name: &p.display_name,
                    participant_type: p.participant_type.code(),
                    call: p.in_call,
                    session_id: &p.session_id,
                };
                (p.actor_id.as_str(), entry)
            })
            .collect(),
    )
}

fn active_guests(aggregate: &RoomAggregate, now: i64) -> usize {
    aggregate
        .participants
        .iter()
        .filter(|p| {
            matches!(
                p.participant_type,
                ParticipantType::Guest | ParticipantType::GuestModerator
            )
        })
        .filter(|p| p.last_ping >= now - GUEST_ACTIVE_SECONDS)
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    use crate::model::{Room, RoomToken, SystemEvent, User, UserId};

    const FIELDS: [&str; 29] = [
        "id",
        "token",
        "type",
        "name",
        "displayName",
        "objectType",
        "objectId",
        "participantType",
        "participantInCall",
        "participantFlags",
        "readOnly",
        "count",
        "hasPassword",
        "hasCall",
        "canStartCall",
        "lastActivity",
        "lastReadMessage",
        "unreadMessages",
        "unreadMention",
        "isFavorite",
        "notificationLevel",
        "lastPing",
        "sessionId",
        "participants",
        "numGuests",
        "guestList",
        "lastMessage",
        "lobbyState",
        "lobbyTimer",
    ];

    fn user(id: &str, name: &str) -> User {
        User {
            id: UserId::parse(id).unwrap(),
            display_name: name.into(),
        }
    }

    fn room(room_type: RoomType, name: &str, pair: Vec<User>) -> Room {
        Room {
            pair,
            ..Room::new(RoomToken::parse("abcdefgh").unwrap(), 7, room_type, name)
        }
    }

    fn keys(value: &Value) -> Vec<&str> {
        value.as_object().unwrap().keys().map(String::as_str).collect()
    }

    #[test]
    fn fields_come_in_the_spec_order_for_both_views() {
        let alice = user("alice", "Alice");
        let aggregate = RoomAggregate::new(
            room(RoomType::Public, "Team", vec![]),
            vec![Participant::user(&alice, ParticipantType::Owner)],
        );
        assert_eq!(
            keys(&room_object(&aggregate, Some(&aggregate.participants[0]), 0)),
            FIELDS
        );
        assert_eq!(keys(&room_object(&aggregate, None, 0)), FIELDS);
    }

    #[test]
    fn one_to_one_is_named_after_the_other_user() {
        let alice = user("alice", "Alice A");
        let bob = user("bob", "Bob B");
        let aggregate = RoomAggregate::new(
            room(RoomType::OneToOne, "", vec![alice.clone(), bob.clone()]),
            vec![
                Participant::user(&alice, ParticipantType::Owner),
                Participant::user(&bob, ParticipantType::Owner),
            ],
        );
        let seen_by_alice = room_object(&aggregate, Some(&aggregate.participants[0]), 0);
        assert_eq!(seen_by_alice["name"], "bob");
        assert_eq!(seen_by_alice["displayName"], "Bob B");
        assert_eq!(seen_by_alice["notificationLevel"], 1);
        let seen_by_bob = room_object(&aggregate, Some(&aggregate.participants[1]), 0);
        assert_eq!(seen_by_bob["name"], "alice");
        assert_eq!(
            seen_by_bob["participants"],
            json!({"alice": {"name": "Alice A", "type": 1, "call": 0, "sessionId": "0"},
                   "bob": {"name": "Bob B", "type": 1, "call": 0, "sessionId": "0"}})
        );
    }

    #[test]
    fn group_room_defaults_and_last_message() {
        let alice = user("alice", "Alice");
        let mut group = room(RoomType::Group, "Team", vec![]);
        group.last_message = Some(SystemEvent::ConversationCreated.by_user(&alice, 1, 50));
        group.last_activity = 50;
        let aggregate = RoomAggregate::new(group, vec![Participant::user(&alice, ParticipantType::Owner)]);
        let object = room_object(&aggregate, Some(&aggregate.participants[0]), 0);
        assert_eq!(object["displayName"], "Team");
        assert_eq!(object["notificationLevel"], 2);
        assert_eq!(object["lastActivity"], 50);
        assert_eq!(object["lastMessage"]["message"], "You created the conversation");
        assert_eq!(object["canStartCall"], true);
        assert_eq!(object["sessionId"], "0");
    }

    #[test]
    fn outsiders_see_no_name_and_no_participants() {
        let alice = user("alice", "Alice");
        let aggregate = RoomAggregate::new(
            room(RoomType::Public, "Secret plans", vec![]),
            vec![Participant::user(&alice, ParticipantType::Owner)],
        );
        let object = room_object(&aggregate, None, 0);
        assert_eq!(object["name"], "");
        assert_eq!(object["displayName"], "");
        assert_eq!(object["participantType"], 4);
        assert_eq!(object["notificationLevel"], 3);
        assert_eq!(object["participants"], json!([]));
        assert_eq!(object["id"], 7);
    }
}
