//! Changing an existing room (spec §6.4–6.8): the order of checks of spec §4 (404 → 403 →
//! parameters → the endpoint's own checks), the pure decisions of each endpoint, and committing
//! a change together with its system message under optimistic concurrency.

use crate::app::Caller;
use crate::ocs::ApiError;
use crate::store::{RoomEdit, Store};

use super::rooms::now;
use super::secrets::room_password_hash;
use super::{Participant, ParticipantType, Room, RoomAggregate, RoomName, RoomToken, RoomType, SystemEvent};

/// Attempts at committing a change before answering 503: each failed attempt means another
/// change to the room committed in between.
const MAX_ATTEMPTS: usize = 20;

/// Who may call an endpoint (spec §4 table).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Any participant row.
    Participant,
    /// Owner, moderator or guest moderator.
    Moderator,
    /// Owner or moderator (a user).
    UserModerator,
}

/// A decided change: the room's new state, the message recording it, participant rows to
/// write or remove; or the deletion of the whole room.
#[derive(Debug, Clone, PartialEq)]
pub struct Edit {
    pub room: Room,
    pub event: Option<SystemEvent>,
    pub upserted: Vec<Participant>,
    pub removed: Vec<Participant>,
    pub deletes_room: bool,
}

impl Edit {
    /// The room as it is, to which participant changes and an event are added.
    pub fn of(room: &Room) -> Self {
        Self {
            room: room.clone(),
            event: None,
            upserted: Vec::new(),
            removed: Vec::new(),
            deletes_room: false,
        }
    }

    /// Deleting the room with everything in it.
    pub fn delete(room: &Room) -> Self {
        Self {
            deletes_room: true,
            ..Self::of(room)
        }
    }

    fn new(room: &Room, change: impl FnOnce(&mut Room), event: SystemEvent) -> Self {
        let mut edit = Self::of(room);
        change(&mut edit.room);
        edit.event = Some(event);
        edit
    }
}

/// Steps 4–5 of spec §4: the caller's row (else 404), with the permission `need` (else 403).
pub fn authorize<'a>(
    room: Option<&'a RoomAggregate>,
    caller: &Caller,
    need: Need,
) -> Result<(&'a RoomAggregate, &'a Participant), ApiError> {
    let room = room.ok_or(ApiError::NotFound)?;
    let me = room.participant_of(caller).ok_or(ApiError::NotFound)?;
    let allowed = match need {
        Need::Participant => true,
        Need::Moderator => me.participant_type.is_moderator(),
        Need::UserModerator => matches!(me.participant_type, ParticipantType::Owner | ParticipantType::Moderator),
    };
    if allowed {
        Ok((room, me))
    } else {
        Err(ApiError::Forbidden)
    }
}

/// Applies `decide` to the room and commits its edit with the edit's message in one
/// transaction, conditional on the room being unchanged since it was read; on a conflict the
/// room is read again and everything is decided again. `first` is the room as read
/// concurrently with authentication.
pub async fn edit_room(
    store: &Store,
    token: &RoomToken,
    caller: &Caller,
    first: Option<RoomAggregate>,
    need: Need,
    decide: impl Fn(&RoomAggregate, &Participant) -> Result<Option<Edit>, ApiError>,
) -> Result<(), ApiError> {
    let mut loaded = first;
    for _ in 0..MAX_ATTEMPTS {
        let (aggregate, me) = authorize(loaded.as_ref(), caller, need)?;
        let Some(edit) = decide(aggregate, me)? else {
            return Ok(());
        };
        if edit.deletes_room {
            if store.delete_room(aggregate).await? {
                return Ok(());
            }
            loaded = store.load_room(token).await?;
            continue;
        }
        let mut room = edit.room;
        let message = edit.event.map(|event| {
            let message = event.by_participant(me, aggregate.room.last_message_id + 1, now());
            room.record(&message);
            message
        });
        room.version = aggregate.room.version + 1;
        let edit = RoomEdit {
            expected_version: aggregate.room.version,
            room: &room,
            message: message.as_ref(),
            upserted: &edit.upserted,
            removed: &edit.removed,
        };
        if store.commit_edit(edit).await? {
            return Ok(());
        }
        loaded = store.load_room(token).await?;
    }
    tracing::warn!(%token, "room kept changing; giving up after {MAX_ATTEMPTS} attempts");
    Err(ApiError::Unavailable)
}

/// spec §6.5: delete the room with every participant and message; not one-to-one rooms.
pub fn delete(aggregate: &RoomAggregate) -> Result<Option<Edit>, ApiError> {
    if aggregate.room.room_type == RoomType::OneToOne {
        return Err(ApiError::bad_request(
            "One-to-one conversations cannot be deleted; remove yourself instead",
        ));
    }
    Ok(Some(Edit::delete(&aggregate.room)))
}

/// spec §6.4: rename. `None` when the name does not change.
pub fn rename(aggregate: &RoomAggregate, raw_name: &str) -> Result<Option<Edit>, ApiError> {
    let room = &aggregate.room;
    if room.room_type == RoomType::OneToOne {
        return Err(ApiError::bad_request("One-to-one conversations cannot be renamed"));
    }
    let name = RoomName::parse(raw_name)?.into_string();
    if name == room.name {
        return Ok(None);
    }
    let event = (!room.name.is_empty()).then(|| SystemEvent::ConversationRenamed {
        old: room.name.clone(),
        new: name.clone(),
    });
    let mut edit = Edit::of(room);
    edit.room.name = name;
    edit.event = event;
    Ok(Some(edit))
}

/// spec §6.6: lock or unlock. `None` when the state does not change.
pub fn set_read_only(aggregate: &RoomAggregate, state: i64) -> Result<Option<Edit>, ApiError> {
    let room = &aggregate.room;
    if state == room.read_only {
        return Ok(None);
    }
    if room.room_type == RoomType::OneToOne {
        return Err(ApiError::bad_request("One-to-one conversations cannot be locked"));
    }
    let event = match state {
        0 => SystemEvent::ReadOnlyOff,
        1 => SystemEvent::ReadOnly,
        _ => return Err(ApiError::bad_request("state must be 0 or 1")),
    };
    Ok(Some(Edit::new(room, |room| room.read_only = state, event)))
}

/// spec §6.7 POST: allow guests. `None` when the room is public already.
pub fn make_public(aggregate: &RoomAggregate) -> Result<Option<Edit>, ApiError> {
    match aggregate.room.room_type {
        RoomType::Public => Ok(None),
        RoomType::OneToOne => Err(ApiError::bad_request("One-to-one conversations cannot be made public")),
        _ => Ok(Some(Edit::new(
            &aggregate.room,
            |room| room.room_type = RoomType::Public,
            SystemEvent::GuestsAllowed,
        ))),
    }
}

/// spec §6.7 DELETE: disallow guests, removing guests and self-joined users (guest moderators
/// stay). `None` when the room is a group room already.
pub fn make_private(aggregate: &RoomAggregate) -> Result<Option<Edit>, ApiError> {
    match aggregate.room.room_type {
        RoomType::Group => Ok(None),
        RoomType::OneToOne => Err(ApiError::bad_request("One-to-one conversations cannot be made private")),
        _ => {
            let mut edit = Edit::new(
                &aggregate.room,
                |room| room.room_type = RoomType::Group,
                SystemEvent::GuestsDisallowed,
            );
            edit.removed = aggregate
                .participants
                .iter()
                .filter(|p| {
                    matches!(
                        p.participant_type,
                        ParticipantType::Guest | ParticipantType::UserSelfJoined
                    )
                })
                .cloned()
                .collect();
            Ok(Some(edit))
        }
    }
}

/// spec §6.8: set (non-empty) or remove (empty) the password of a public room; a message on
/// every call.
pub fn set_password(aggregate: &RoomAggregate, password: &str) -> Result<Option<Edit>, ApiError> {
    if aggregate.room.room_type != RoomType::Public {
        return Err(ApiError::Forbidden);
    }
    let (hash, event) = if password.is_empty() {
        (None, SystemEvent::PasswordRemoved)
    } else {
        (Some(room_password_hash(password)), SystemEvent::PasswordSet)
    };
    Ok(Some(Edit::new(
        &aggregate.room,
        |room| room.password_hash = hash,
        event,
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{User, UserId};

    fn aggregate(room_type: RoomType, name: &str) -> RoomAggregate {
        let owner = User {
            id: UserId::parse("alice").unwrap(),
            display_name: "Alice".into(),
        };
        RoomAggregate {
            room: Room {
                last_message_id: 1,
                version: 3,
                ..Room::new(RoomToken::parse("abcdefgh").unwrap(), 1, room_type, name)
            },
            participants: vec![Participant::user(&owner, ParticipantType::Owner)],
        }
    }

    fn caller(id: &str) -> Caller {
        Caller::User(User {
            id: UserId::parse(id).unwrap(),
            display_name: id.into(),
        })
    }

    #[test]
    fn strangers_get_404_before_plain_users_get_403() {
        let mut room = aggregate(RoomType::Group, "Team");
        let bob = User {
            id: UserId::parse("bob").unwrap(),
            display_name: "Bob".into(),
        };
        room.participants.push(Participant::user(&bob, ParticipantType::User));
        assert_eq!(
            authorize(Some(&room), &caller("carol"), Need::Participant).unwrap_err(),
            ApiError::NotFound
        );
        assert_eq!(
            authorize(Some(&room), &Caller::Anonymous, Need::Participant).unwrap_err(),
            ApiError::NotFound
        );
        assert_eq!(
            authorize(Some(&room), &caller("bob"), Need::Moderator).unwrap_err(),
            ApiError::Forbidden
        );
        assert!(authorize(Some(&room), &caller("bob"), Need::Participant).is_ok());
        assert!(authorize(Some(&room), &caller("alice"), Need::UserModerator).is_ok());
        assert_eq!(
            authorize(None, &caller("alice"), Need::Participant).unwrap_err(),
            ApiError::NotFound
        );
    }

    #[test]
    fn rename_trims_and_skips_the_same_name() {
        let room = aggregate(RoomType::Group, "Team");
        assert_eq!(rename(&room, " Team "), Ok(None));
        let edit = rename(&room, " New ").unwrap().unwrap();
        assert_eq!(edit.room.name, "New");
        assert_eq!(
            edit.event,
            Some(SystemEvent::ConversationRenamed {
                old: "Team".into(),
                new: "New".into()
            })
        );
        assert!(rename(&room, "  ").is_err());
        assert!(rename(&aggregate(RoomType::OneToOne, ""), "x").is_err());
    }

    #[test]
    fn read_only_checks_come_in_the_spec_order() {
        let one_to_one = aggregate(RoomType::OneToOne, "");
        assert_eq!(
            set_read_only(&one_to_one, 0),
            Ok(None),
            "unchanged state wins over one-to-one"
        );
        assert!(matches!(set_read_only(&one_to_one, 1), Err(ApiError::BadRequest(_))));
        let group = aggregate(RoomType::Group, "Team");
        assert!(matches!(set_read_only(&group, 2), Err(ApiError::BadRequest(_))));
        assert_eq!(
            set_read_only(&group, 1).unwrap().unwrap().event,
            Some(SystemEvent::ReadOnly)
        );
    }

    #[test]
    fn public_and_private_are_idempotent_and_refused_for_one_to_one() {
        assert_eq!(make_public(&aggregate(RoomType::Public, "x")), Ok(None));
        assert_eq!(make_private(&aggregate(RoomType::Group, "x")), Ok(None));
        assert!(make_public(&aggregate(RoomType::OneToOne, "")).is_err());
        assert!(make_private(&aggregate(RoomType::OneToOne, "")).is_err());
        assert_eq!(
            make_public(&aggregate(RoomType::Group, "x"))
                .unwrap()
                .unwrap()
                .room
                .room_type,
            RoomType::Public
        );
    }

    #[test]
    fn passwords_need_a_public_room() {
        assert_eq!(
            set_password(&aggregate(RoomType::Group, "x"), "pw"),
            Err(ApiError::Forbidden)
        );
        let set = set_password(&aggregate(RoomType::Public, "x"), "pw").unwrap().unwrap();
        assert!(set.room.password_hash.is_some());
        assert_eq!(set.event, Some(SystemEvent::PasswordSet));
        let removed = set_password(&aggregate(RoomType::Public, "x"), "").unwrap().unwrap();
        assert_eq!(
            (removed.room.password_hash, removed.event),
            (None, Some(SystemEvent::PasswordRemoved))
        );
    }
}
