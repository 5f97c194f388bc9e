//! Room use cases of spec §6.1–6.3: listing, creating and looking up conversations.

use crate::app::Caller;
use crate::ocs::ApiError;
use crate::request::Params;
use crate::store::{CreateOutcome, Store};

use super::{
    GroupId, Message, MessageUser, Participant, ParticipantType, Room, RoomAggregate, RoomName, RoomToken, RoomType,
    SystemEvent, User, UserId,
};

/// Counter that numbers rooms (`id` of the room object).
pub const ROOM_ID_COUNTER: &str = "rooms";
/// Attempts at drawing a free random token before giving up.
const TOKEN_ATTEMPTS: usize = 5;

/// Current unix time in seconds.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// The rooms of `tokens` (from [`Store::user_room_tokens`], spec §6.1), loaded concurrently,
/// without those the user is not in.
pub async fn rooms_of(store: &Store, user: &UserId, tokens: Vec<RoomToken>) -> Result<Vec<RoomAggregate>, ApiError> {
    let mut rooms = store.load_rooms(tokens).await?;
    // The index is eventually consistent: keep only rooms the user is really in.
    rooms.retain(|room| room.user_participant(user).is_some());
    Ok(rooms)
}

/// Decides what the caller may see of a room (spec §6.3): their own participant row, or `None`
/// for the outside view of a public room (spec §8.3); 404 when the room is hidden from them.
pub fn access<'a>(
    room: Option<&'a RoomAggregate>,
    caller: &Caller,
) -> Result<(&'a RoomAggregate, Option<&'a Participant>), ApiError> {
    let room = room.ok_or(ApiError::NotFound)?;
    let own_row = room.participant_of(caller);
    if own_row.is_none() && room.room.room_type != RoomType::Public {
        return Err(ApiError::NotFound);
    }
    Ok((room, own_row))
}

/// A `POST /room` request, with its parameters read (spec §6.2 step 1).
#[derive(Debug, Clone)]
pub enum CreateRequest {
    OneToOne {
        invite: String,
    },
    GroupFromGroup {
        group: String,
    },
    Named {
        room_type: RoomType,
        name: Result<RoomName, ApiError>,
    },
}

/// What the store says before a creation is decided: read concurrently with authentication.
pub enum CreateFacts {
    OneToOne {
        invited: Option<User>,
        existing: Option<RoomToken>,
    },
    Group {
        members: Option<Vec<User>>,
    },
    Nothing,
}

/// Whether the creation made a new room (201) or found the existing one-to-one room (200).
pub enum Created {
    New(RoomAggregate),
    Existing(RoomAggregate),
}

impl CreateRequest {
    /// Reads `roomType`, `invite` and `roomName`; 400 for a type that is not 1, 2 or 3.
    pub fn from_params(params: &Params) -> Result<Self, ApiError> {
        let room_type = params.required_int("roomType")?;
        let invite = params.string("invite")?.unwrap_or_default();
        let room_name = params.string("roomName")?.unwrap_or_default();
        match RoomType::from_code(room_type) {
            Some(RoomType::OneToOne) => Ok(Self::OneToOne { invite }),
            Some(RoomType::Group) if !invite.is_empty() => Ok(Self::GroupFromGroup { group: invite }),
            Some(room_type @ (RoomType::Group | RoomType::Public)) => Ok(Self::Named {
                room_type,
                name: RoomName::parse(&room_name),
            }),
            _ => Err(ApiError::bad_request("roomType must be 1, 2 or 3")),
        }
    }

    /// The reads the creation depends on, for the user the credentials name.
    pub async fn facts(&self, store: &Store, caller: Option<&UserId>) -> Result<CreateFacts, ApiError> {
        match self {
            Self::OneToOne { invite } => {
                let (Ok(invite), Some(caller)) = (UserId::parse(invite.as_str()), caller) else {
                    return Ok(CreateFacts::OneToOne {
                        invited: None,
                        existing: None,
                    });
                };
                let (invited, existing) = tokio::try_join!(store.get_user(&invite), store.pair_room(caller, &invite))?;
                Ok(CreateFacts::OneToOne { invited, existing })
            }
            Self::GroupFromGroup { group } => {
                let members = match GroupId::parse(group.as_str()) {
                    Ok(group) => store.group_members(&group).await?,
                    Err(_) => None,
                };
                Ok(CreateFacts::Group { members })
            }
            Self::Named { .. } => Ok(CreateFacts::Nothing),
        }
    }
}

/// Creates a conversation (spec §6.2 steps 2–4).
pub async fn create(
    store: &Store,
    caller: &User,
    request: CreateRequest,
    facts: CreateFacts,
) -> Result<Created, ApiError> {
    match (request, facts) {
        (CreateRequest::OneToOne { .. }, CreateFacts::OneToOne { invited, existing }) => {
            let invited = invited.ok_or(ApiError::NotFound)?;
            if invited.id == caller.id {
                return Err(ApiError::Forbidden);
            }
            if let Some(token) = existing {
                return reopen_one_to_one(store, &token, caller, &invited)
                    .await
                    .map(Created::Existing);
            }
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
        (CreateRequest::GroupFromGroup { group }, CreateFacts::Group { members }) => {
            let members = members.ok_or(ApiError::NotFound)?;
            let mut participants = vec![Participant::user(caller, ParticipantType::Owner)];
            participants.extend(
                members
                    .iter()
                    .filter(|m| m.id != caller.id)
                    .map(|m| Participant::user(m, ParticipantType::User)),
            );
            insert(store, caller, RoomType::Group, group, participants, Vec::new(), caller).await
        }
        (CreateRequest::Named { room_type, name }, _) => {
            let name = name?.into_string();
            insert(
                store,
                caller,
                room_type,
                name,
                vec![Participant::user(caller, ParticipantType::Owner)],
                Vec::new(),
                caller,
            )
            .await
        }
        _ => Err(ApiError::Internal),
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
) -> Result<Created, ApiError> {
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
    let mut aggregate = RoomAggregate {
        room: room.clone(),
        participants,
    };
    for _ in 0..TOKEN_ATTEMPTS {
        match store.create_room(&aggregate, &messages).await? {
            CreateOutcome::Created => return Ok(Created::New(aggregate)),
            CreateOutcome::TokenTaken => {
                room.token = RoomToken::generate();
                aggregate.room = room.clone();
            }
            CreateOutcome::PairExists(token) => {
                return reopen_one_to_one(store, &token, creator, other_in_pair)
                    .await
                    .map(Created::Existing);
            }
        }
    }
    tracing::error!("no free room token after {TOKEN_ATTEMPTS} attempts");
    Err(ApiError::Internal)
}

/// The existing one-to-one room of a pair, with whoever had left it added back as owner
/// (spec §6.2 step 2, §7.3).
async fn reopen_one_to_one(store: &Store, token: &RoomToken, a: &User, b: &User) -> Result<RoomAggregate, ApiError> {
    let mut room = store.load_room(token).await?.ok_or_else(|| {
        tracing::error!(%token, "one-to-one lock points at a missing room");
        ApiError::Internal
    })?;
    for user in [a, b] {
        if room.user_participant(&user.id).is_none() {
            let row = Participant::user(user, ParticipantType::Owner);
            store.add_participant_if_absent(token, &row).await?;
            room.participants.push(row);
        }
    }
    Ok(room)
}
