//! Room use cases of spec §6.1–6.2: listing and creating conversations.

use crate::store::{CreateOutcome, Store};

use super::commit::{Attempt, with_retries};
use super::error::DomainError;
use super::{
    ApiVersion, GroupId, Message, MessageUser, Participant, ParticipantType, ROOM_ID_COUNTER, Room, RoomAggregate,
    RoomName, RoomToken, RoomType, SystemEvent, User, UserId, now,
};

/// Attempts at drawing a free random token before giving up.
const TOKEN_ATTEMPTS: usize = 5;

/// The rooms of `tokens` (from [`Store::user_room_tokens`], spec §6.1), loaded concurrently,
/// without those the user is not in.
pub async fn rooms_of(store: &Store, user: &UserId, tokens: Vec<RoomToken>) -> Result<Vec<RoomAggregate>, DomainError> {
    let mut rooms = store.load_rooms(tokens).await?;
    // The index is eventually consistent: keep only rooms the user is really in.
    rooms.retain(|room| room.user_participant(user).is_some());
    Ok(rooms)
}

/// A `POST /room` request, its parameters parsed (spec §6.2 step 1), under the rules of the
/// API version it came through (v4 §13.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateRequest {
    kind: CreateKind,
    version: ApiVersion,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum CreateKind {
    OneToOne {
        invite: String,
    },
    FromGroup {
        group: String,
        room_type: RoomType,
        name: String,
    },
    Named {
        room_type: RoomType,
        name: RoomName,
    },
}

/// A creation with what the store said it depends on, read concurrently with authentication.
#[derive(Debug, Clone, PartialEq)]
pub struct Creation {
    kind: Prepared,
    version: ApiVersion,
}

#[derive(Debug, Clone, PartialEq)]
enum Prepared {
    OneToOne {
        invited: Option<User>,
        existing: Option<RoomToken>,
    },
    FromGroup {
        group: String,
        room_type: RoomType,
        name: String,
        members: Option<Vec<User>>,
    },
    Named {
        room_type: RoomType,
        name: RoomName,
    },
}

/// Whether the creation made a new room (201) or found the existing one-to-one room (200).
pub enum Created {
    New(RoomAggregate),
    Existing(RoomAggregate),
}

impl CreateRequest {
    /// The request for `roomType`, `invite` and `roomName` as sent (spec §6.2 step 1): 400 for
    /// a type that is not 1, 2 or 3, or a group or public room without a valid name. Through
    /// v1 an invitation names a group for group rooms; through v4 for public rooms too, and
    /// `roomName` names the room (the group's name when empty).
    pub fn new(room_type: i64, invite: String, room_name: &str, version: ApiVersion) -> Result<Self, DomainError> {
        let kind = match RoomType::from_code(room_type) {
            Some(RoomType::OneToOne) => CreateKind::OneToOne { invite },
            Some(room_type @ (RoomType::Group | RoomType::Public))
                if !invite.is_empty() && (room_type == RoomType::Group || version == ApiVersion::V4) =>
            {
                let name = match version {
                    ApiVersion::V1 => String::new(),
                    ApiVersion::V4 => room_name.to_string(),
                };
                CreateKind::FromGroup {
                    group: invite,
                    room_type,
                    name,
                }
            }
            Some(room_type @ (RoomType::Group | RoomType::Public)) => CreateKind::Named {
                room_type,
                name: RoomName::parse_for(room_name, version)?,
            },
            _ => return Err(DomainError::invalid("type", "roomType must be 1, 2 or 3")),
        };
        Ok(Self { kind, version })
    }

    /// Reads what the creation depends on, for the user the credentials name.
    pub async fn prepare(self, store: &Store, caller: Option<&UserId>) -> Result<Creation, DomainError> {
        let kind = match self.kind {
            CreateKind::OneToOne { invite } => match (UserId::parse(invite.as_str()), caller) {
                (Ok(invite), Some(caller)) => {
                    let (invited, existing) =
                        tokio::try_join!(store.get_user(&invite), store.pair_room(caller, &invite))?;
                    Prepared::OneToOne { invited, existing }
                }
                _ => Prepared::OneToOne {
                    invited: None,
                    existing: None,
                },
            },
            CreateKind::FromGroup { group, room_type, name } => {
                let members = match GroupId::parse(group.as_str()) {
                    Ok(id) => store.group_members(&id).await?,
                    Err(_) => None,
                };
                Prepared::FromGroup {
                    group,
                    room_type,
                    name,
                    members,
                }
            }
            CreateKind::Named { room_type, name } => Prepared::Named { room_type, name },
        };
        Ok(Creation {
            kind,
            version: self.version,
        })
    }
}

/// Creates a conversation (spec §6.2 steps 2–4; v4 §6.2, §13.1): a one-to-one room has both
/// users through v1, only its creator through v4 (the other user joins with their own
/// `POST /room`); a group invitation adds its members, and through v4 the group attendee.
pub async fn create(store: &Store, caller: &User, creation: Creation) -> Result<Created, DomainError> {
    let version = creation.version;
    let owner = Participant::user(caller, ParticipantType::Owner);
    match creation.kind {
        Prepared::OneToOne { invited, existing } => {
            let invited = invited.ok_or(DomainError::Unknown("invite"))?;
            if invited.id == caller.id {
                return Err(DomainError::Refused("invite"));
            }
            let joining: &[&User] = match version {
                ApiVersion::V1 => &[caller, &invited],
                ApiVersion::V4 => &[caller],
            };
            if let Some(token) = existing
                && let Some(room) = reopen_one_to_one(store, &token, joining).await?
            {
                return Ok(Created::Existing(room));
            }
            // No room of the pair, or it was deleted since its lock was read: a new one.
            let participants = joining
                .iter()
                .map(|user| Participant::user(user, ParticipantType::Owner))
                .collect();
            let new = NewRoom {
                room_type: RoomType::OneToOne,
                name: String::new(),
                participants,
                pair: vec![caller.clone(), invited.clone()],
                groups: Vec::new(),
            };
            insert(store, caller, new, joining).await
        }
        Prepared::FromGroup {
            group,
            room_type,
            name,
            members,
        } => {
            let members = members.ok_or(DomainError::Unknown("invite"))?;
            let name = if name.trim().is_empty() {
                group.clone()
            } else {
                RoomName::parse_for(&name, version)?.into_string()
            };
            let mut participants = vec![owner];
            participants.extend(
                members
                    .iter()
                    .filter(|m| m.id != caller.id)
                    .map(|m| Participant::user(m, ParticipantType::User)),
            );
            let groups = match version {
                ApiVersion::V1 => Vec::new(),
                ApiVersion::V4 => vec![group],
            };
            let new = NewRoom {
                room_type,
                name,
                participants,
                pair: Vec::new(),
                groups,
            };
            insert(store, caller, new, &[caller]).await
        }
        Prepared::Named { room_type, name } => {
            let new = NewRoom {
                room_type,
                name: name.into_string(),
                participants: vec![owner],
                pair: Vec::new(),
                groups: Vec::new(),
            };
            insert(store, caller, new, &[caller]).await
        }
    }
}

/// What a new room starts with.
struct NewRoom {
    room_type: RoomType,
    name: String,
    participants: Vec<Participant>,
    pair: Vec<User>,
    groups: Vec<String>,
}

/// Writes a new room under a fresh token, with its `conversation_created` message, a
/// `group_added` message for an invited group and a `user_added` message for every other user
/// (not in one-to-one rooms). Everyone has read these messages. When the one-to-one pair's
/// room appeared meanwhile, `joining` are added to it instead.
async fn insert(store: &Store, creator: &User, new: NewRoom, joining: &[&User]) -> Result<Created, DomainError> {
    let NewRoom {
        room_type,
        name,
        mut participants,
        pair,
        groups,
    } = new;
    let id = store.next_id(ROOM_ID_COUNTER).await?;
    let timestamp = now();
    let mut events = vec![SystemEvent::ConversationCreated];
    events.extend(
        groups
            .iter()
            .map(|group| SystemEvent::GroupAdded(MessageUser::for_group(group))),
    );
    if room_type != RoomType::OneToOne {
        events.extend(
            participants
                .iter()
                .filter(|p| p.actor_id != creator.id.as_str())
                .map(|p| {
                    SystemEvent::UserAdded(MessageUser {
                        kind: "user".into(),
                        id: p.actor_id.clone(),
                        name: p.display_name.clone(),
                    })
                }),
        );
    }
    let mut room = Room {
        pair,
        groups,
        ..Room::new(RoomToken::generate(), id, room_type, name)
    };
    let messages: Vec<Message> = events
        .into_iter()
        .map(|event| {
            let mut message = event.by_user(creator, room.next_message_id(), timestamp);
            room.post(&mut message);
            message
        })
        .collect();
    for participant in &mut participants {
        participant.read_up_to(room.last_message_id, room.comment_count);
    }
    let mut aggregate = RoomAggregate::new(room.clone(), participants);
    for _ in 0..TOKEN_ATTEMPTS {
        match store.create_room(&aggregate, &messages).await? {
            CreateOutcome::Created => return Ok(Created::New(aggregate)),
            CreateOutcome::TokenTaken => {
                room.token = RoomToken::generate();
                aggregate.room = room.clone();
            }
            CreateOutcome::PairExists(token) => {
                if let Some(room) = reopen_one_to_one(store, &token, joining).await? {
                    return Ok(Created::Existing(room));
                }
            }
        }
    }
    Err(DomainError::Inconsistent(format!(
        "no free room token after {TOKEN_ATTEMPTS} attempts"
    )))
}

/// The existing one-to-one room of a pair, with those of `joining` who had left it (or, in
/// v4, never joined) added as owners (spec §6.2 step 2, §7.3), under the room's version;
/// `None` when the room is gone (the last leave deleted it, and its lock with it, since the
/// lock was read).
async fn reopen_one_to_one(
    store: &Store,
    token: &RoomToken,
    joining: &[&User],
) -> Result<Option<RoomAggregate>, DomainError> {
    let first = store.load_room(token).await?;
    with_retries(store, token, first, |loaded| async move {
        let Some(mut room) = loaded else {
            return Ok(Attempt::Done(None));
        };
        let missing: Vec<Participant> = joining
            .iter()
            .filter(|user| room.user_participant(&user.id).is_none())
            .map(|user| {
                let mut row = Participant::user(user, ParticipantType::Owner);
                row.read_up_to(room.room.last_message_id, room.room.comment_count);
                row
            })
            .collect();
        if !missing.is_empty() {
            if !store.add_participants(&room, &missing).await? {
                return Ok(Attempt::Again);
            }
            room.room.version += 1;
            room.participants.extend(missing);
        }
        Ok(Attempt::Done(Some(room)))
    })
    .await
}
