//! Changing an existing room (spec §6.4–6.8): the pure decisions of each endpoint, made after
//! the caller is authorised and the parameters are parsed ([`super::commit::change_room`]).

use super::commit::Edit;
use super::error::DomainError;
use super::secrets::room_password_hash;
use super::{ApiVersion, Participant, ParticipantType, RoomAggregate, RoomName, RoomType, SystemEvent};

/// spec §6.5: delete the room with every participant and message; not one-to-one rooms.
pub fn delete(aggregate: &RoomAggregate) -> Result<Option<Edit>, DomainError> {
    if aggregate.room.room_type == RoomType::OneToOne {
        return Err(DomainError::invalid(
            "type",
            "One-to-one conversations cannot be deleted; remove yourself instead",
        ));
    }
    Ok(Some(Edit::delete(&aggregate.room)))
}

/// spec §6.4, v4 §6.4: rename, within `version`'s length limit. `None` when the name does not
/// change.
pub fn rename(aggregate: &RoomAggregate, name: &str, version: ApiVersion) -> Result<Option<Edit>, DomainError> {
    let room = &aggregate.room;
    if room.room_type == RoomType::OneToOne {
        return Err(DomainError::invalid(
            "type",
            "One-to-one conversations cannot be renamed",
        ));
    }
    let name = RoomName::parse_for(name, version)
        .map_err(|refused| DomainError::invalid("value", refused.0))?
        .into_string();
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
        return Err(DomainError::invalid(
            "type",
            "One-to-one conversations cannot be locked",
        ));
    }
    let event = match state {
        0 => SystemEvent::ReadOnlyOff,
        1 => SystemEvent::ReadOnly,
        _ => return Err(DomainError::invalid("value", "state must be 0 or 1")),
    };
    Ok(Some(Edit::change(room, |room| room.read_only = state, event)))
}

/// spec §6.7 POST: allow guests. `None` when the room is public already.
pub fn make_public(aggregate: &RoomAggregate) -> Result<Option<Edit>, DomainError> {
    match aggregate.room.room_type {
        RoomType::Public => Ok(None),
        RoomType::OneToOne => Err(DomainError::invalid(
            "type",
            "One-to-one conversations cannot be made public",
        )),
        _ => Ok(Some(Edit::change(
            &aggregate.room,
            |room| room.room_type = RoomType::Public,
            SystemEvent::GuestsAllowed,
        ))),
    }
}

/// spec §6.7 DELETE: disallow guests, removing guests and self-joined users (guest moderators
/// stay through v1; v4 §6.8 removes them too). A group room already: `None`, or (rows of
/// guests left behind by an earlier change that failed half-way) an edit that only removes
/// them.
pub fn make_private(aggregate: &RoomAggregate, version: ApiVersion) -> Result<Option<Edit>, DomainError> {
    match aggregate.room.room_type {
        RoomType::Group if aggregate.stale.is_empty() => Ok(None),
        RoomType::Group => Ok(Some(Edit::of(&aggregate.room))),
        RoomType::OneToOne => Err(DomainError::invalid(
            "type",
            "One-to-one conversations cannot be made private",
        )),
        _ => {
            let mut edit = Edit::change(
                &aggregate.room,
                |room| room.room_type = RoomType::Group,
                SystemEvent::GuestsDisallowed,
            );
            edit.removed = aggregate
                .participants
                .iter()
                .filter(|p| match p.participant_type {
                    ParticipantType::Guest | ParticipantType::UserSelfJoined => true,
                    ParticipantType::GuestModerator => version == ApiVersion::V4,
                    _ => false,
                })
                .cloned()
                .collect();
            Ok(Some(edit))
        }
    }
}

/// spec §6.8: set (non-empty) or remove (empty) the password of a public room; a message on
/// every call. Another room is 403 through v1, 400 `type` through v4 (v4 §6.9).
pub fn set_password(
    aggregate: &RoomAggregate,
    password: &str,
    version: ApiVersion,
) -> Result<Option<Edit>, DomainError> {
    if aggregate.room.room_type != RoomType::Public {
        return Err(match version {
            ApiVersion::V1 => DomainError::Forbidden,
            ApiVersion::V4 => DomainError::invalid("type", "Only public conversations have a password"),
        });
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

/// v4 §6.6: the description, trimmed; the same text is no change (even in one-to-one rooms).
pub fn set_description(aggregate: &RoomAggregate, description: &str) -> Result<Option<Edit>, DomainError> {
    let room = &aggregate.room;
    let description = description.trim();
    if description == room.description {
        return Ok(None);
    }
    if description.chars().count() > MAX_DESCRIPTION_CHARS {
        return Err(DomainError::invalid(
            "value",
            "The description must not be longer than 2000 characters",
        ));
    }
    if room.room_type == RoomType::OneToOne {
        return Err(DomainError::invalid(
            "type",
            "One-to-one conversations have no description",
        ));
    }
    let event = if description.is_empty() {
        SystemEvent::DescriptionRemoved
    } else {
        SystemEvent::DescriptionSet {
            description: description.to_string(),
        }
    };
    Ok(Some(Edit::change(
        room,
        |room| room.description = description.to_string(),
        event,
    )))
}

/// v4 §7.8 `PUT /permissions/default`: the room's default permissions (bit 1 "custom" added
/// unless 0); every attendee's own permissions are reset. No system message.
pub fn set_default_permissions(aggregate: &RoomAggregate, permissions: i64) -> Result<Option<Edit>, DomainError> {
    let room = &aggregate.room;
    if room.room_type == RoomType::OneToOne {
        return Err(DomainError::invalid(
            "type",
            "One-to-one conversations have no default permissions",
        ));
    }
    if !(0..=MAX_PERMISSIONS).contains(&permissions) {
        return Err(DomainError::invalid("permissions", "permissions must be 0 to 255"));
    }
    let mut edit = Edit::of(room);
    edit.room.default_permissions = with_custom_bit(permissions);
    edit.upserted = aggregate
        .participants
        .iter()
        .filter(|p| p.permissions != 0)
        .map(|p| Participant {
            permissions: 0,
            ..p.clone()
        })
        .collect();
    Ok((edit.room != *room || !edit.upserted.is_empty()).then_some(edit))
}

/// The highest permission value (all bits, v4 §5).
pub const MAX_PERMISSIONS: i64 = 255;

/// v4 §7.8: stored permissions carry bit 1 ("custom") unless they are 0.
pub fn with_custom_bit(permissions: i64) -> i64 {
    if permissions == 0 { 0 } else { permissions | 1 }
}

/// Most characters of a description (v4 §6.6).
pub const MAX_DESCRIPTION_CHARS: usize = 2000;

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
        assert_eq!(rename(&room, " Team ", ApiVersion::V1), Ok(None));
        let edit = rename(&room, " New ", ApiVersion::V1).unwrap().unwrap();
        assert_eq!(edit.room.name, "New");
        assert_eq!(
            edit.event,
            Some(SystemEvent::ConversationRenamed {
                old: "Team".into(),
                new: "New".into()
            })
        );
        assert!(rename(&room, "  ", ApiVersion::V1).is_err());
        assert!(rename(&aggregate(RoomType::OneToOne, ""), "x", ApiVersion::V1).is_err());
    }

    #[test]
    fn read_only_checks_come_in_the_spec_order() {
        let one_to_one = aggregate(RoomType::OneToOne, "");
        assert_eq!(
            set_read_only(&one_to_one, 0),
            Ok(None),
            "unchanged state wins over one-to-one"
        );
        assert!(matches!(
            set_read_only(&one_to_one, 1),
            Err(DomainError::Invalid { .. })
        ));
        let group = aggregate(RoomType::Group, "Team");
        assert!(matches!(set_read_only(&group, 2), Err(DomainError::Invalid { .. })));
        assert_eq!(
            set_read_only(&group, 1).unwrap().unwrap().event,
            Some(SystemEvent::ReadOnly)
        );
    }

    #[test]
    fn public_and_private_are_idempotent_and_refused_for_one_to_one() {
        assert_eq!(make_public(&aggregate(RoomType::Public, "x")), Ok(None));
        assert_eq!(make_private(&aggregate(RoomType::Group, "x"), ApiVersion::V1), Ok(None));
        assert!(make_public(&aggregate(RoomType::OneToOne, "")).is_err());
        assert!(make_private(&aggregate(RoomType::OneToOne, ""), ApiVersion::V1).is_err());
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
            set_password(&aggregate(RoomType::Group, "x"), "pw", ApiVersion::V1),
            Err(DomainError::Forbidden)
        );
        let set = set_password(&aggregate(RoomType::Public, "x"), "pw", ApiVersion::V1)
            .unwrap()
            .unwrap();
        assert!(set.room.password_hash.is_some());
        assert_eq!(set.event, Some(SystemEvent::PasswordSet));
        let removed = set_password(&aggregate(RoomType::Public, "x"), "", ApiVersion::V1)
            .unwrap()
            .unwrap();
        assert_eq!(
            (removed.room.password_hash, removed.event),
            (None, Some(SystemEvent::PasswordRemoved))
        );
    }
}
