//! The v4 room object (v4 §8): its 53 keys in Talk 21.1's order, then `lastMessage`; computed
//! for one viewer. The outsider view (§8.3) and the lobby view (§8.2) are the same struct with
//! their values. Keys for behaviour this server does not have (calls, SIP, breakout rooms,
//! avatars, listing, federation) carry the constants §8.1 marks **C**.

use std::borrow::Cow;

use serde::Serialize;
use serde_json::Value;

use super::message::{MessageView, Reader, Shape, message_json};
use super::room::{names, notification_level};
use crate::model::{ActorType, NotificationLevel, Participant, ParticipantType, RoomAggregate, RoomType};

/// `avatarVersion` of every room: no avatars here, so it never changes (§8.1 #45).
const AVATAR_VERSION: &str = "00000000";

/// The room object of v4 §8.1.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RoomObjectV4<'a> {
    id: i64,
    token: &'a str,
    #[serde(rename = "type")]
    room_type: i64,
    name: &'a str,
    display_name: Cow<'a, str>,
    object_type: &'static str,
    object_id: &'static str,
    participant_type: i64,
    participant_flags: i64,
    read_only: i64,
    has_password: bool,
    has_call: bool,
    call_start_time: i64,
    call_recording: i64,
    can_start_call: bool,
    last_activity: i64,
    last_read_message: i64,
    unread_messages: i64,
    unread_mention: bool,
    unread_mention_direct: bool,
    is_favorite: bool,
    can_leave_conversation: bool,
    can_delete_conversation: bool,
    notification_level: i64,
    notification_calls: i64,
    lobby_state: i64,
    lobby_timer: i64,
    last_ping: i64,
    session_id: &'a str,
    sip_enabled: i64,
    actor_type: &'static str,
    actor_id: &'a str,
    attendee_id: i64,
    permissions: i64,
    attendee_permissions: i64,
    call_permissions: i64,
    default_permissions: i64,
    #[serde(rename = "canEnableSIP")]
    can_enable_sip: bool,
    attendee_pin: &'static str,
    description: &'a str,
    last_common_read_message: i64,
    listable: i64,
    call_flag: i64,
    message_expiration: i64,
    avatar_version: &'static str,
    is_custom_avatar: bool,
    breakout_room_mode: i64,
    breakout_room_status: i64,
    recording_consent: i64,
    mention_permissions: i64,
    is_archived: bool,
    is_important: bool,
    is_sensitive: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_message: Option<Value>,
}

/// The v4 room object for `viewer` (a participant, or `None` for an outsider of a public
/// room), as JSON.
pub fn room_object_v4(aggregate: &RoomAggregate, viewer: Option<&Participant>) -> Value {
    let object = match viewer {
        Some(participant) => RoomObjectV4::for_participant(aggregate, participant),
        None => RoomObjectV4::for_outsider(aggregate),
    };
    serde_json::to_value(object).expect("a room object is plain data")
}

impl<'a> RoomObjectV4<'a> {
    /// The room as a participant sees it; behind an active lobby, without what the lobby
    /// hides (§8.2).
    pub fn for_participant(aggregate: &'a RoomAggregate, me: &'a Participant) -> Self {
        let room = &aggregate.room;
        let lobby_applies = room.lobby_state == 1 && !me.participant_type.is_moderator();
        let (name, display_name) = names(aggregate, me);
        let is_user = me.actor_type == ActorType::Users;
        let view = MessageView {
            room: aggregate,
            reader: Reader::of(me),
            shape: Shape::LastMessage,
        };
        Self {
            name,
            display_name,
            participant_type: me.participant_type.code(),
            participant_flags: me.in_call,
            read_only: room.read_only,
            last_activity: room.last_activity,
            last_read_message: if lobby_applies { 0 } else { me.last_read_message },
            unread_messages: if lobby_applies { 0 } else { me.unread_messages(room) },
            unread_mention: !lobby_applies && me.unread_mention(),
            unread_mention_direct: !lobby_applies && me.unread_mention_direct(),
            is_favorite: me.favorite,
            can_leave_conversation: is_user,
            can_delete_conversation: is_user
                && room.room_type != RoomType::OneToOne
                && matches!(me.participant_type, ParticipantType::Owner | ParticipantType::Moderator),
            notification_level: notification_level(aggregate, me),
            notification_calls: 1,
            last_ping: me.last_ping,
            session_id: &me.session_id,
            actor_type: me.actor_type.as_str(),
            actor_id: &me.actor_id,
            attendee_id: me.attendee_id(&room.token),
            permissions: me.effective_permissions(room),
            attendee_permissions: me.permissions,
            call_permissions: 0,
            default_permissions: room.default_permissions,
            description: &room.description,
            last_message: room
                .last_message
                .as_ref()
                .filter(|_| !lobby_applies)
                .map(|message| message_json(message, view, None)),
            ..Self::for_outsider(aggregate)
        }
    }

    /// The view of a public room for a caller without a row or session (§8.3).
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
            participant_flags: 0,
            read_only: 0,
            has_password: room.password_hash.is_some(),
            has_call: false,
            call_start_time: 0,
            call_recording: 0,
            can_start_call: false,
            last_activity: 0,
            last_read_message: 0,
            unread_messages: 0,
            unread_mention: false,
            unread_mention_direct: false,
            is_favorite: false,
            can_leave_conversation: false,
            can_delete_conversation: false,
            notification_level: NotificationLevel::Never.code(),
            notification_calls: 0,
            lobby_state: room.lobby_state,
            lobby_timer: room.lobby_timer,
            last_ping: 0,
            session_id: "0",
            sip_enabled: 0,
            actor_type: "",
            actor_id: "",
            attendee_id: 0,
            permissions: 1,
            attendee_permissions: 1,
            call_permissions: 1,
            default_permissions: 1,
            can_enable_sip: false,
            attendee_pin: "",
            description: "",
            last_common_read_message: 0,
            listable: 0,
            call_flag: 0,
            message_expiration: 0,
            avatar_version: AVATAR_VERSION,
            is_custom_avatar: false,
            breakout_room_mode: 0,
            breakout_room_status: 0,
            recording_consent: 0,
            mention_permissions: 0,
            is_archived: false,
            is_important: false,
            is_sensitive: false,
            last_message: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Room, RoomToken, SystemEvent, User, UserId};

    /// Talk 21.1.0 `RoomFormatter::formatRoomV4`'s keys, in order (v4 §8.1).
    const KEYS: [&str; 53] = [
        "id",
        "token",
        "type",
        "name",
        "displayName",
        "objectType",
        "objectId",
        "participantType",
        "participantFlags",
        "readOnly",
        "hasPassword",
        "hasCall",
        "callStartTime",
        "callRecording",
        "canStartCall",
        "lastActivity",
        "lastReadMessage",
        "unreadMessages",
        "unreadMention",
        "unreadMentionDirect",
        "isFavorite",
        "canLeaveConversation",
        "canDeleteConversation",
        "notificationLevel",
        "notificationCalls",
        "lobbyState",
        "lobbyTimer",
        "lastPing",
        "sessionId",
        "sipEnabled",
        "actorType",
        "actorId",
        "attendeeId",
        "permissions",
        "attendeePermissions",
        "callPermissions",
        "defaultPermissions",
        "canEnableSIP",
        "attendeePin",
        "description",
        "lastCommonReadMessage",
        "listable",
        "callFlag",
        "messageExpiration",
        "avatarVersion",
        "isCustomAvatar",
        "breakoutRoomMode",
        "breakoutRoomStatus",
        "recordingConsent",
        "mentionPermissions",
        "isArchived",
        "isImportant",
        "isSensitive",
    ];

    fn keys(value: &Value) -> Vec<&str> {
        value.as_object().unwrap().keys().map(String::as_str).collect()
    }

    fn alice() -> User {
        User {
            id: UserId::parse("alice").unwrap(),
            display_name: "Alice".into(),
        }
    }

    fn team() -> RoomAggregate {
        let mut room = Room::new(RoomToken::parse("abcdefgh").unwrap(), 7, RoomType::Public, "Team");
        room.record(&SystemEvent::ConversationCreated.by_user(&alice(), 1, 50));
        RoomAggregate::new(room, vec![Participant::user(&alice(), ParticipantType::Owner)])
    }

    #[test]
    fn participants_get_every_key_in_order_then_the_last_message() {
        let room = team();
        let object = room_object_v4(&room, Some(&room.participants[0]));
        let mut expected = KEYS.to_vec();
        expected.push("lastMessage");
        assert_eq!(keys(&object), expected);
        assert_eq!(object["permissions"], 254);
        assert_eq!(object["canDeleteConversation"], true);
        assert_eq!(object["actorType"], "users");
        assert_eq!(object["attendeeId"], room.participants[0].attendee_id(&room.room.token));
        let message = &object["lastMessage"];
        assert_eq!(message["systemMessage"], "conversation_created");
        assert_eq!(message["messageParameters"]["actor"]["mention-id"], "alice");
        assert_eq!(message["reactions"], serde_json::json!({}));
        assert_eq!(message["markdown"], false);
    }

    #[test]
    fn outsiders_get_the_defaults_without_a_last_message() {
        let room = team();
        let object = room_object_v4(&room, None);
        assert_eq!(keys(&object), KEYS);
        assert_eq!(object["name"], "");
        assert_eq!(object["participantType"], 4);
        assert_eq!(object["permissions"], 1);
        assert_eq!(object["notificationCalls"], 0);
    }

    #[test]
    fn the_lobby_hides_the_last_message_from_non_moderators() {
        let mut room = team();
        room.room.lobby_state = 1;
        let bob = User {
            id: UserId::parse("bob").unwrap(),
            display_name: "Bob".into(),
        };
        room.participants.push(Participant::user(&bob, ParticipantType::User));
        let object = room_object_v4(&room, Some(&room.participants[1]));
        assert_eq!(keys(&object), KEYS);
        assert_eq!(object["permissions"], 246);
        assert_eq!(object["canDeleteConversation"], false);
    }
}
