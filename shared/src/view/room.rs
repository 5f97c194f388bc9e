//! The room object (spec §8): fields in the spec's order, computed for one viewer.

use serde_json::{Map, Value, json};

use super::message::{Reader, message_object};
use crate::domain::{ActorType, NotificationLevel, Participant, ParticipantType, RoomAggregate, RoomType};

/// Guests count in `numGuests` when they pinged within this many seconds (spec §8.1).
const GUEST_ACTIVE_SECONDS: i64 = 100;

/// Who looks at the room: a participant, or an outsider of a public room (spec §8.3).
pub type Viewer<'a> = Option<&'a Participant>;

/// The room object for `viewer` at unix time `now`.
pub fn room_object(aggregate: &RoomAggregate, viewer: Viewer<'_>, now: i64) -> Value {
    match viewer {
        Some(participant) => participant_view(aggregate, participant, now),
        None => outsider_view(aggregate),
    }
}

fn participant_view(aggregate: &RoomAggregate, me: &Participant, now: i64) -> Value {
    let room = &aggregate.room;
    let lobby_applies = room.lobby_state == 1 && !me.participant_type.is_moderator();
    let (name, display_name) = names(aggregate, me);
    let mut object = Map::new();
    object.insert("id".into(), json!(room.id));
    object.insert("token".into(), json!(room.token.as_str()));
    object.insert("type".into(), json!(room.room_type.code()));
    object.insert("name".into(), json!(name));
    object.insert("displayName".into(), json!(display_name));
    object.insert("objectType".into(), json!(""));
    object.insert("objectId".into(), json!(""));
    object.insert("participantType".into(), json!(me.participant_type.code()));
    object.insert("participantInCall".into(), json!(me.in_call & 1 != 0));
    object.insert("participantFlags".into(), json!(me.in_call));
    object.insert("readOnly".into(), json!(room.read_only));
    object.insert("count".into(), json!(0));
    object.insert("hasPassword".into(), json!(room.password_hash.is_some()));
    object.insert("hasCall".into(), json!(room.has_call));
    object.insert("canStartCall".into(), json!(!lobby_applies));
    object.insert("lastActivity".into(), json!(room.last_activity));
    object.insert(
        "lastReadMessage".into(),
        json!(if lobby_applies { 0 } else { me.last_read_message }),
    );
    object.insert("unreadMessages".into(), json!(0));
    object.insert("unreadMention".into(), json!(false));
    object.insert("isFavorite".into(), json!(me.favorite));
    object.insert("notificationLevel".into(), json!(notification_level(aggregate, me)));
    object.insert("lastPing".into(), json!(me.last_ping));
    object.insert("sessionId".into(), json!(me.session_id));
    if lobby_applies {
        object.insert("participants".into(), json!([]));
        object.insert("numGuests".into(), json!(0));
        object.insert("guestList".into(), json!(""));
        object.insert("lastMessage".into(), json!([]));
    } else {
        object.insert("participants".into(), participants_map(aggregate));
        object.insert("numGuests".into(), json!(active_guests(aggregate, now)));
        object.insert("guestList".into(), json!(""));
        let reader = Reader {
            actor_type: me.actor_type,
            actor_id: &me.actor_id,
        };
        let last_message = room
            .last_message
            .as_ref()
            .map_or(json!([]), |m| message_object(m, &room.token, reader));
        object.insert("lastMessage".into(), last_message);
    }
    object.insert("lobbyState".into(), json!(room.lobby_state));
    object.insert("lobbyTimer".into(), json!(room.lobby_timer));
    Value::Object(object)
}

/// `name` and `displayName` (spec §8.2).
fn names(aggregate: &RoomAggregate, me: &Participant) -> (String, String) {
    let room = &aggregate.room;
    match room.room_type {
        RoomType::OneToOne => match room.pair.iter().find(|user| user.id.as_str() != me.actor_id) {
            Some(other) => (other.id.to_string(), other.display_name.clone()),
            None => (String::new(), String::new()),
        },
        RoomType::Group if me.participant_type.is_guest() => (room.name.clone(), "Private conversation".into()),
        _ => (room.name.clone(), room.name.clone()),
    }
}

fn notification_level(aggregate: &RoomAggregate, me: &Participant) -> i64 {
    match me.notification_level {
        NotificationLevel::Default if me.participant_type.is_guest() => NotificationLevel::Never.code(),
        NotificationLevel::Default if aggregate.room.room_type == RoomType::OneToOne => {
            NotificationLevel::Always.code()
        }
        NotificationLevel::Default => NotificationLevel::Mention.code(),
        level => level.code(),
    }
}

fn participants_map(aggregate: &RoomAggregate) -> Value {
    let users: Map<String, Value> = aggregate
        .participants
        .iter()
        .filter(|p| p.actor_type == ActorType::Users)
        .map(|p| {
            let entry = json!({"name": p.display_name, "type": p.participant_type.code(), "call": p.in_call, "sessionId": p.session_id});
            (p.actor_id.clone(), entry)
        })
        .collect();
    if users.is_empty() {
        json!([])
    } else {
        Value::Object(users)
    }
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

/// The view of a public room for a caller without a row or session (spec §8.3).
fn outsider_view(aggregate: &RoomAggregate) -> Value {
    let room = &aggregate.room;
    json!({
        "id": room.id,
        "token": room.token.as_str(),
        "type": room.room_type.code(),
        "name": "",
        "displayName": "",
        "objectType": "",
        "objectId": "",
        "participantType": ParticipantType::Guest.code(),
        "participantInCall": false,
        "participantFlags": 0,
        "readOnly": 0,
        "count": 0,
        "hasPassword": room.password_hash.is_some(),
        "hasCall": false,
        "canStartCall": false,
        "lastActivity": 0,
        "lastReadMessage": 0,
        "unreadMessages": 0,
        "unreadMention": false,
        "isFavorite": false,
        "notificationLevel": NotificationLevel::Never.code(),
        "lastPing": 0,
        "sessionId": "0",
        "participants": [],
        "numGuests": 0,
        "guestList": "",
        "lastMessage": [],
        "lobbyState": room.lobby_state,
        "lobbyTimer": room.lobby_timer,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Room, RoomToken, SystemEvent, User, UserId};

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
        let aggregate = RoomAggregate {
            room: room(RoomType::Public, "Team", vec![]),
            participants: vec![Participant::user(&alice, ParticipantType::Owner)],
        };
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
        let aggregate = RoomAggregate {
            room: room(RoomType::OneToOne, "", vec![alice.clone(), bob.clone()]),
            participants: vec![
                Participant::user(&alice, ParticipantType::Owner),
                Participant::user(&bob, ParticipantType::Owner),
            ],
        };
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
        let aggregate = RoomAggregate {
            room: group,
            participants: vec![Participant::user(&alice, ParticipantType::Owner)],
        };
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
        let aggregate = RoomAggregate {
            room: room(RoomType::Public, "Secret plans", vec![]),
            participants: vec![Participant::user(&alice, ParticipantType::Owner)],
        };
        let object = room_object(&aggregate, None, 0);
        assert_eq!(object["name"], "");
        assert_eq!(object["displayName"], "");
        assert_eq!(object["participantType"], 4);
        assert_eq!(object["notificationLevel"], 3);
        assert_eq!(object["participants"], json!([]));
        assert_eq!(object["id"], 7);
    }
}
