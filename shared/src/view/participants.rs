//! The participant lists of spec §7.1 (v1) and v4 §7.1, §9: users first, then guests.

use serde::Serialize;
use serde_json::{Value, json};

use crate::model::{
    ActorType, NO_SESSION, PARTICIPANT_PERMISSIONS, Participant, ParticipantType, RoomAggregate, attendee_id,
};

fn entry(participant: &Participant) -> Value {
    let user_id = match participant.actor_type {
        ActorType::Users => participant.actor_id.as_str(),
        ActorType::Guests => "",
    };
    json!({
        "userId": user_id,
        "displayName": participant.display_name,
        "participantType": participant.participant_type.code(),
        "lastPing": participant.last_ping,
        "sessionId": participant.session_id,
        "inCall": participant.in_call,
    })
}

/// Every participant of the room, users (by user id) before guests.
pub fn participant_list(aggregate: &RoomAggregate) -> Value {
    let mut users: Vec<&Participant> = aggregate
        .participants
        .iter()
        .filter(|p| p.actor_type == ActorType::Users)
        .collect();
    users.sort_by(|a, b| a.actor_id.cmp(&b.actor_id));
    let guests = aggregate
        .participants
        .iter()
        .filter(|p| p.actor_type == ActorType::Guests);
    Value::Array(users.into_iter().chain(guests).map(entry).collect())
}

/// The participant object of v4 §9, keys in order.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ParticipantV4<'a> {
    room_token: &'a str,
    in_call: i64,
    last_ping: i64,
    session_ids: Vec<&'a str>,
    participant_type: i64,
    attendee_id: i64,
    actor_id: &'a str,
    actor_type: &'static str,
    display_name: &'a str,
    permissions: i64,
    attendee_permissions: i64,
    attendee_pin: &'static str,
    phone_number: &'static str,
    call_id: &'static str,
}

/// v4 §7.1: one participant object per attendee: users (by id), guests, then invited groups.
pub fn participant_list_v4(aggregate: &RoomAggregate) -> Value {
    let room = &aggregate.room;
    let token = &room.token;
    let mut users: Vec<&Participant> = aggregate
        .participants
        .iter()
        .filter(|p| p.actor_type == ActorType::Users)
        .collect();
    users.sort_by(|a, b| a.actor_id.cmp(&b.actor_id));
    let guests = aggregate
        .participants
        .iter()
        .filter(|p| p.actor_type == ActorType::Guests);
    let attendees = users.into_iter().chain(guests).map(|p| ParticipantV4 {
        room_token: token.as_str(),
        in_call: p.in_call,
        last_ping: p.last_ping,
        session_ids: if p.session_id == NO_SESSION {
            Vec::new()
        } else {
            vec![p.session_id.as_str()]
        },
        participant_type: p.participant_type.code(),
        attendee_id: p.attendee_id(token),
        actor_id: &p.actor_id,
        actor_type: p.actor_type.as_str(),
        display_name: &p.display_name,
        permissions: p.effective_permissions(room),
        attendee_permissions: p.permissions,
        attendee_pin: "",
        phone_number: "",
        call_id: "",
    });
    let groups = room.groups.iter().map(|group| ParticipantV4 {
        room_token: token.as_str(),
        in_call: 0,
        last_ping: 0,
        session_ids: Vec::new(),
        participant_type: ParticipantType::User.code(),
        attendee_id: attendee_id(token, ActorType::GROUPS, group),
        actor_id: group,
        actor_type: ActorType::GROUPS,
        display_name: group,
        permissions: if room.default_permissions != 0 {
            room.default_permissions
        } else {
            PARTICIPANT_PERMISSIONS
        },
        attendee_permissions: 0,
        attendee_pin: "",
        phone_number: "",
        call_id: "",
    });
    let objects: Vec<ParticipantV4<'_>> = attendees.chain(groups).collect();
    serde_json::to_value(objects).expect("participant objects are plain data")
}
