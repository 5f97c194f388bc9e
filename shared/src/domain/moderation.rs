//! Changing an existing room (spec §6.4–6.8): the pure decisions of each endpoint, made after
//! the caller is authorised and the parameters are parsed ([`super::commit::change_room`]).

use super::commit::Edit;
use super::error::DomainError;
use super::secrets::room_password_hash;
use super::{ParticipantType, RoomAggregate, RoomName, RoomType, SystemEvent};

/// spec §6.5: delete the room with every participant and message; not one-to-one rooms.
pub fn delete(aggregate: &RoomAggregate) -> Result<Option<Edit>, DomainError> {
    if aggregate.room.room_type == RoomType::OneToOne {
        return Err(DomainError::invalid(
            "One-to-one conversations cannot be deleted; remove yourself instead",
        ));
    }
    Ok(Some(Edit::delete(&aggregate.room)))
}

/// spec §6.4: rename. `None` when the name does not change.
pub fn rename(aggregate: &RoomAggregate, name: &str) -> Result<Option<Edit>, DomainError> {
    let room = &aggregate.room;
    if room.room_type == RoomType::OneToOne {
        return Err(DomainError::invalid("One-to-one conversations cannot be renamed"));
    }
    let name = RoomName::parse(name)?.into_string();
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
pub fn set_read_only(aggregate: &RoomAggregate, state: i64) -> Result<Option<Edit>, DomainError> {
    let room = &aggregate.room;
    if state == room.read_only {
        return Ok(None);
    }
    if room.room_type == RoomType::OneToOne {
        return Err(DomainError::invalid("One-to-one conversations cannot be locked"));
    }
    let event = match state {
        0 => SystemEvent::ReadOnlyOff,
        1 => SystemEvent::ReadOnly,
        _ => return Err(DomainError::invalid("state must be 0 or 1")),
    };
    Ok(Some(Edit::change(room, |room| room.read_only = state, event)))
}

/// spec §6.7 POST: allow guests. `None` when the room is public already.
pub fn make_public(aggregate: &RoomAggregate) -> Result<Option<Edit>, DomainError> {
    match aggregate.room.room_type {
        RoomType::Public => Ok(None),
        RoomType::OneToOne => Err(DomainError::invalid("One-to-one conversations cannot be made public")),
        _ => Ok(Some(Edit::change(
            &aggregate.room,
            |room| room.room_type = RoomType::Public,
            SystemEvent::GuestsAllowed,
        ))),
    }
}

/// spec §6.7 DELETE: disallow guests, removing guests and self-joined users (guest moderators
/// stay). A group room already: `None`, or (rows of guests left behind by an earlier change
/// that failed half-way) an edit that only removes them.
pub fn make_private(aggregate: &RoomAggregate) -> Result<Option<Edit>, DomainError> {
    match aggregate.room.room_type {
        RoomType::Group if aggregate.stale.is_empty() => Ok(None),
        RoomType::Group => Ok(Some(Edit::of(&aggregate.room))),
        RoomType::OneToOne => Err(DomainError::invalid("One-to-one conversations cannot be made private")),
        _ => {
            let mut edit = Edit::change(
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
pub fn set_password(aggregate: &RoomAggregate, password: &str) -> Result<Option<Edit>, DomainError> {
    if aggregate.room.room_type != RoomType::Public {
        return Err(DomainError::Forbidden);
    }
    let (hash, event) = if password.is_empty() {
        (None, SystemEvent::PasswordRemoved)
    } else {
        (Some(room_password_hash(password)), SystemEvent::PasswordSet)
    };
    Ok(Some(Edit::change(
        &aggregate.room,
        |room| {
            room.password_hash = hash;
            room.password_version += 1;
        },
        event,
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Participant, Room, RoomToken, User, UserId};

    fn aggregate(room_type: RoomType, name: &str) -> RoomAggregate {
        let owner = User {
            id: UserId::parse("alice").unwrap(),
            display_name: "Alice".into(),
        };
        let room = Room {
            last_message_id: 1,
            version: 3,
            ..Room::new(RoomToken::parse("abcdefgh").unwrap(), 1, room_type, name)
        };
        RoomAggregate::new(room, vec![Participant::user(&owner, ParticipantType::Owner)])
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
        assert!(matches!(set_read_only(&one_to_one, 1), Err(DomainError::Invalid(_))));
        let group = aggregate(RoomType::Group, "Team");
        assert!(matches!(set_read_only(&group, 2), Err(DomainError::Invalid(_))));
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
            Err(DomainError::Forbidden)
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
