//! The participant list of spec §7.1: users first, then guests.

use serde_json::{Value, json};

use crate::model::{ActorType, Participant, RoomAggregate};

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
