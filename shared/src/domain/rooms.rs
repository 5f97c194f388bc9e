//! Room use cases of spec §6.1–6.2: listing and creating conversations.

use crate::store::{CreateOutcome, Store};

use super::commit::{Attempt, with_retries};
use super::error::DomainError;
use super::{
    GroupId, Message, MessageUser, Participant, ParticipantType, ROOM_ID_COUNTER, Room, RoomAggregate, RoomName,
    RoomToken, RoomType, SystemEvent, User, UserId, now,
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

/// A `POST /room` request, its parameters parsed (spec §6.2 step 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CreateRequest {
    OneToOne { invite: String },
    FromGroup { group: String },
    Named { room_type: RoomType, name: RoomName },
}

/// A creation with what the store said it depends on, read concurrently with authentication.
#[derive(Debug, Clone, PartialEq)]
pub enum Creation {
    OneToOne {
        invited: Option<User>,
        existing: Option<RoomToken>,
    },
    FromGroup {
        group: String,
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
    /// a type that is not 1, 2 or 3, or a group or public room without a valid name.
    pub fn new(room_type: i64, invite: String, room_name: &str) -> Result<Self, DomainError> {
        match RoomType::from_code(room_type) {
            Some(RoomType::OneToOne) => Ok(Self::OneToOne { invite }),
            Some(RoomType::Group) if !invite.is_empty() => Ok(Self::FromGroup { group: invite }),
            Some(room_type @ (RoomType::Group | RoomType::Public)) => Ok(Self::Named {
                room_type,
                name: RoomName::parse(room_name)?,
            }),
            _ => Err(DomainError::invalid("roomType must be 1, 2 or 3")),
        }
    }

    /// Reads what the creation depends on, for the user the credentials name.
    pub async fn prepare(self, store: &Store, caller: Option<&UserId>) -> Result<Creation, DomainError> {
        match self {
            Self::OneToOne { invite } => {
                let (Ok(invite), Some(caller)) = (UserId::parse(invite.as_str()), caller) else {
                    return Ok(Creation::OneToOne {
                        invited: None,
                        existing: None,
                    });
                };
                let (invited, existing) = tokio::try_join!(store.get_user(&invite), store.pair_room(caller, &invite))?;
                Ok(Creation::OneToOne { invited, existing })
            }
            Self::FromGroup { group } => {
                let members = match GroupId::parse(group.as_str()) {
                    Ok(id) => store.group_members(&id).await?,
                    Err(_) => None,
                };
                Ok(Creation::FromGroup { group, members })
            }
            Self::Named { room_type, name } => Ok(Creation::Named { room_type, name }),
        }
    }
}

/// Creates a conversation (spec §6.2 steps 2–4).
pub async fn create(store: &Store, caller: &User, creation: Creation) -> Result<Created, DomainError> {
    match creation {
        Creation::OneToOne { invited, existing } => {
            let invited = invited.ok_or(DomainError::NotFound)?;
            if invited.id == caller.id {
                return Err(DomainError::Forbidden);
            }
            if let Some(token) = existing
                && let Some(room) = reopen_one_to_one(store, &token, caller, &invited).await?
            {
                return Ok(Created::Existing(room));
            }
            // No room of the pair, or it was deleted since its lock was read: a new one.
            let participants = vec![
                Participant::user(caller, ParticipantType::Owner),
                Participant::user(&invited, ParticipantType::Owner),
            ];
            let pair = vec![caller.clone(), invited.clone()];
            insert(
                store,
                caller,
                RoomType::OneToOne,
                String::new(),
                participants,
                pair,
                &invited,
            )
            .await
        }
        Creation::FromGroup { group, members } => {
            let members = members.ok_or(DomainError::NotFound)?;
            let mut participants = vec![Participant::user(caller, ParticipantType::Owner)];
            participants.extend(
                members
                    .iter()
                    .filter(|m| m.id != caller.id)
                    .map(|m| Participant::user(m, ParticipantType::User)),
            );
            insert(store, caller, RoomType::Group, group, participants, Vec::new(), caller).await
        }
        Creation::Named { room_type, name } => {
            insert(
                store,
                caller,
                room_type,
                name.into_string(),
                vec![Participant::user(caller, ParticipantType::Owner)],
                Vec::new(),
                caller,
            )
            .await
        }
    }
}

/// Writes a new room under a fresh token, with its `conversation_created` message and a
/// `user_added` message for every other user (not in one-to-one rooms).
async fn insert(
    store: &Store,
    creator: &User,
    room_type: RoomType,
    name: String,
    participants: Vec<Participant>,
    pair: Vec<User>,
    other_in_pair: &User,
) -> Result<Created, DomainError> {
    let id = store.next_id(ROOM_ID_COUNTER).await?;
    let timestamp = now();
    let mut events = vec![SystemEvent::ConversationCreated];
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
    let messages: Vec<Message> = events
        .into_iter()
        .zip(1..)
        .map(|(event, id)| event.by_user(creator, id, timestamp))
        .collect();
    let mut room = Room {
        pair,
        ..Room::new(RoomToken::generate(), id, room_type, name)
    };
    if let Some(last) = messages.last() {
        room.record(last);
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
                if let Some(room) = reopen_one_to_one(store, &token, creator, other_in_pair).await? {
                    return Ok(Created::Existing(room));
                }
            }
        }
    }
    Err(DomainError::Inconsistent(format!(
        "no free room token after {TOKEN_ATTEMPTS} attempts"
    )))
}

/// The existing one-to-one room of a pair, with whoever had left it added back as owner
/// (spec §6.2 step 2, §7.3), under the room's version; `None` when the room is gone (the last
/// leave deleted it, and its lock with it, since the lock was read).
async fn reopen_one_to_one(
    store: &Store,
    token: &RoomToken,
    a: &User,
    b: &User,
) -> Result<Option<RoomAggregate>, DomainError> {
    let first = store.load_room(token).await?;
    with_retries(store, token, first, |loaded| async move {
        let Some(mut room) = loaded else {
            return Ok(Attempt::Done(None));
        };
        let missing: Vec<Participant> = [a, b]
            .into_iter()
            .filter(|user| room.user_participant(&user.id).is_none())
            .map(|user| Participant::user(user, ParticipantType::Owner))
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
