//! The table's invariants, checked over a full scan (for tests and `talkctl check`, never on a
//! request path): what no sequence of requests, concurrent or failing, may ever leave behind.

use std::collections::{BTreeMap, BTreeSet};

use super::items::{Item, from_item, string_attr};
use super::keys::{
    APP_PASSWORD_PREFIX, COUNTER_SK, MESSAGE_PREFIX, PAIR_SK, ROOM_PREFIX, ROOM_SK, USER_PREFIX, USER_SK, counter_pk,
};
use super::{Store, StoreError};
use crate::model::ROOM_ID_COUNTER;
use crate::model::{
    ActorType, Content, MESSAGE_ID_BITS, Message, Participant, ParticipantType, Room, RoomType, UNREAD_FROM_FIRST,
};

/// One broken invariant, described for a person.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Violation(pub String);

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Default)]
struct Partition {
    room: Option<Room>,
    participants: Vec<Participant>,
    messages: Vec<Message>,
}

impl Store {
    /// Every item of the table.
    pub async fn scan_items(&self) -> Result<Vec<Item>, StoreError> {
        Ok(self
            .client
            .scan()
            .table_name(&self.table)
            .consistent_read(true)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await?)
    }

    /// Scans the table and reports every broken invariant (none when all hold).
    pub async fn check_invariants(&self) -> Result<Vec<Violation>, StoreError> {
        let mut rooms: BTreeMap<String, Partition> = BTreeMap::new();
        let mut pairs = Vec::new();
        let mut room_counter = 0;
        let mut users = BTreeSet::new();
        let mut app_passwords = Vec::new();
        for item in self.scan_items().await? {
            let (Some(pk), Some(sk)) = (string_attr(&item, "pk"), string_attr(&item, "sk")) else {
                continue;
            };
            let (pk, sk) = (pk.to_string(), sk.to_string());
            if let Some(token) = pk.strip_prefix(ROOM_PREFIX) {
                let partition = rooms.entry(token.to_string()).or_default();
                if sk == ROOM_SK {
                    partition.room = Some(from_item(item)?);
                } else if sk.starts_with(MESSAGE_PREFIX) {
                    partition.messages.push(from_item(item)?);
                } else {
                    partition.participants.push(from_item(item)?);
                }
            } else if let (Some(user), true) = (pk.strip_prefix(USER_PREFIX), sk == USER_SK) {
                users.insert(user.to_string());
            } else if let (Some(user), true) = (pk.strip_prefix(USER_PREFIX), sk.starts_with(APP_PASSWORD_PREFIX)) {
                app_passwords.push(user.to_string());
            } else if sk == PAIR_SK {
                pairs.push((pk, string_attr(&item, "token").unwrap_or_default().to_string()));
            } else if pk == counter_pk(ROOM_ID_COUNTER) && sk == COUNTER_SK {
                room_counter = item
                    .get("value")
                    .and_then(|v| v.as_n().ok())
                    .and_then(|n| n.parse().ok())
                    .unwrap_or(0);
            }
        }
        let mut violations = Vec::new();
        let mut flag = |text: String| violations.push(Violation(text));
        for user in app_passwords.iter().filter(|u| !users.contains(*u)) {
            flag(format!("app password of user {user}, who does not exist"));
        }
        for (token, partition) in &rooms {
            for row in partition
                .participants
                .iter()
                .filter(|p| p.actor_type == ActorType::Users)
            {
                if !users.contains(&row.actor_id) {
                    flag(format!(
                        "room {token}: row of user {}, who does not exist",
                        row.actor_id
                    ));
                }
            }
        }
        let mut pair_rooms: BTreeMap<Vec<String>, Vec<String>> = BTreeMap::new();
        for (token, partition) in &rooms {
            let Some(room) = &partition.room else {
                if !partition.participants.is_empty() {
                    flag(format!(
                        "room {token}: {} participant rows without the room",
                        partition.participants.len()
                    ));
                }
                if !partition.messages.is_empty() {
                    flag(format!(
                        "room {token}: {} messages of a deleted room",
                        partition.messages.len()
                    ));
                }
                continue;
            };
            check_room(token, room, partition, &mut flag);
            if room.id > room_counter {
                flag(format!(
                    "room {token}: id {} is ahead of the room counter {room_counter}",
                    room.id
                ));
            }
            if room.room_type == RoomType::OneToOne && room.deleted_users.is_empty() {
                let mut users: Vec<String> = room.pair.iter().map(|u| u.id.to_string()).collect();
                users.sort();
                pair_rooms.entry(users).or_default().push(token.clone());
            }
        }
        // Message ids of the per-room blocks are unique across rooms (v4 §13.7).
        let mut block_ids: Vec<i64> = rooms
            .values()
            .flat_map(|p| p.messages.iter().map(|m| m.id))
            .filter(|id| *id >= 1 << MESSAGE_ID_BITS)
            .collect();
        let all = block_ids.len();
        block_ids.sort_unstable();
        block_ids.dedup();
        if block_ids.len() != all {
            flag(format!(
                "{} message ids are used in more than one room",
                all - block_ids.len()
            ));
        }
        for (users, tokens) in &pair_rooms {
            if tokens.len() > 1 {
                flag(format!("one-to-one {users:?}: {} rooms {tokens:?}", tokens.len()));
            }
        }
        for (pair, token) in &pairs {
            if rooms.get(token).is_none_or(|p| p.room.is_none()) {
                flag(format!("lock {pair} points at missing room {token}"));
            }
        }
        let locked: BTreeSet<&String> = pairs.iter().map(|(_, token)| token).collect();
        for tokens in pair_rooms.values() {
            for token in tokens.iter().filter(|t| !locked.contains(t)) {
                flag(format!("one-to-one room {token} has no lock"));
            }
        }
        violations.sort();
        Ok(violations)
    }
}

/// Chat state (chat §4–§5, §12): markers within the room's messages, chat message counts, and
/// every live reaction backed by its own `reaction` row.
fn check_chat(token: &str, room: &Room, partition: &Partition, flag: &mut impl FnMut(String)) {
    for p in &partition.participants {
        let markers = [p.last_read_message, p.last_mention_message, p.last_mention_direct];
        if markers
            .iter()
            .any(|m| *m > room.last_message_id || (*m < 0 && *m != UNREAD_FROM_FIRST))
        {
            flag(format!(
                "room {token}: {} has a marker outside the room's messages",
                p.actor_id
            ));
        }
        if p.read_comments > room.comment_count {
            flag(format!(
                "room {token}: {} read more chat messages than were posted",
                p.actor_id
            ));
        }
    }
    for message in &partition.messages {
        if message.comment_seq > room.comment_count {
            flag(format!(
                "room {token}: message {} counted beyond the room's count",
                message.id
            ));
        }
        for reaction in &message.reactions {
            let backed = partition.messages.iter().any(|row| {
                row.id == reaction.row
                    && row.parent == Some(message.id)
                    && row.actor_id == reaction.actor_id
                    && matches!(&row.content, Content::Reaction { emoji, revoked: false } if *emoji == reaction.emoji)
            });
            if !backed {
                flag(format!(
                    "room {token}: reaction {} of {} on message {} has no live row",
                    reaction.emoji, reaction.actor_id, message.id
                ));
            }
        }
    }
}

fn check_room(token: &str, room: &Room, partition: &Partition, flag: &mut impl FnMut(String)) {
    let members: Vec<&Participant> = partition
        .participants
        .iter()
        .filter(|p| {
            !matches!(
                p.participant_type,
                ParticipantType::Guest | ParticipantType::UserSelfJoined
            )
        })
        .collect();
    if members.is_empty() {
        flag(format!("room {token}: no member left (it should have been deleted)"));
    } else if !members.iter().any(|p| p.participant_type.is_moderator()) {
        flag(format!("room {token}: no owner or moderator"));
    }
    if room.room_type != RoomType::Public {
        for guest in partition.participants.iter().filter(|p| {
            matches!(
                p.participant_type,
                ParticipantType::Guest | ParticipantType::UserSelfJoined
            )
        }) {
            flag(format!(
                "room {token}: {} of type {} in a non-public room",
                guest.actor_id,
                guest.participant_type.code()
            ));
        }
    }
    let newest = partition.messages.iter().map(|m| m.id).max().unwrap_or(0);
    if room.last_message_id < newest {
        flag(format!(
            "room {token}: message counter {} behind message {newest}",
            room.last_message_id
        ));
    }
    let newest_shown = partition
        .messages
        .iter()
        .filter(|m| match &m.content {
            Content::System(event) => event.updates_last_message(),
            // A deleted chat message stays where it was, shown as deleted.
            Content::Comment(_) | Content::Deleted(_) => true,
            Content::Reaction { .. } => false,
        })
        .map(|m| m.id)
        .max();
    let last_shown = room.last_message.as_ref().map(|m| m.id);
    if newest_shown.is_some() && last_shown != newest_shown {
        flag(format!(
            "room {token}: lastMessage {last_shown:?} is not the newest shown message {newest_shown:?}"
        ));
    }
    check_chat(token, room, partition, flag);
    let mut ids: Vec<i64> = partition.messages.iter().map(|m| m.id).collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.len() != partition.messages.len() {
        flag(format!("room {token}: duplicate message ids"));
    }
}
